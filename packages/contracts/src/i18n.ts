/**
 * Texts in English and Polish, and the one mechanism to render them: a message key, named
 * parameters `{name}`, numbers formatted per locale. The CLI uses it now and the web app will use
 * the same catalogs. Pure and IO-free so it runs client-side and server-side from one source.
 *
 * Invariant (tested): every key exists in every language, with the same parameters.
 */

export const LOCALES = ['en', 'pl'] as const;
export type Locale = (typeof LOCALES)[number];

const EN = {
  'rule.LOW_ADOPTION': 'Low adoption',
  'rule.HIGH_HOWTO_SUPPORT': 'High how-to support volume',
  'rule.UPSELL': 'Upsell',
  'rule.DECLINING_USAGE': 'Declining usage',
  'rule.RECLAIM_AT_RENEWAL': 'Reclaim at renewal',

  'rec.LOW_ADOPTION.problem':
    '{product}: usage {usage}\u00a0% and deployment {deployment}\u00a0% of {sold} licenses sold; {unused} licenses not in use.',
  'rec.LOW_ADOPTION.problem_deployment':
    '{product}: deployment {deployment}\u00a0% of {sold} licenses sold (usage not measured); {unused} licenses not in use.',
  'rec.LOW_ADOPTION.consider':
    'The users may not see the value of {product} or how it fits their working day. Weakest workloads: {weakest}.',
  'rec.LOW_ADOPTION.try':
    'Case studies and user testimonials about concrete scenarios, tutorial blogs or videos; start with {weakest}.',

  'rec.HIGH_HOWTO_SUPPORT.problem':
    '{howTo} how-to requests in 28 days from {active} active users: {rate} per 100 active users (threshold {threshold}).',
  'rec.HIGH_HOWTO_SUPPORT.consider':
    'The users may be new to the software, to its version or to their task. Most requests concern: {focus}.',
  'rec.HIGH_HOWTO_SUPPORT.try':
    'Training in person or online, plus promoting self-service options; update the support site with self-service options.',

  'rec.UPSELL.problem':
    '{product}: usage {usage}\u00a0% and deployment {deployment}\u00a0% of {sold} licenses sold, after removing the excess explained by reason codes.',
  'rec.UPSELL.consider':
    'Nearly every license is deployed and in use: new staff, growth or users working around the limit will need more licenses.',
  'rec.UPSELL.try': 'Offer {extra} more licenses, or training as a service to get more out of {product}.',

  'rec.DECLINING_USAGE.problem':
    '{product}: usage fell from {before}\u00a0% to {usage}\u00a0% in 28 days ({drop} points; {lost} fewer active users).',
  'rec.DECLINING_USAGE.consider':
    'The users may have met problems, lost interest or moved to another tool; the renewal may be at risk.',
  'rec.DECLINING_USAGE.try':
    'Ask the customer what changed; offer refresher training, case studies and tutorials for the workloads that fell most: {workloads}.',

  'rec.RECLAIM_AT_RENEWAL.problem_term':
    'Subscription {subscription} ({product}, {quantity} licenses) ends its commitment on {termEnd}, in {days} days: {reclaim} licenses are not in use ({unassigned} unassigned, {inactive} assigned but inactive for 28 days).',
  'rec.RECLAIM_AT_RENEWAL.problem_monthly':
    'Subscription {subscription} ({product}, {quantity} licenses) has a monthly term and can be reduced now: {reclaim} licenses are not in use ({unassigned} unassigned, {inactive} assigned but inactive for 28 days).',
  'rec.RECLAIM_AT_RENEWAL.consider':
    'Annual terms can only be reduced at renewal, monthly terms at any time. Licenses nobody uses cost the customer money and trust.',
  'rec.RECLAIM_AT_RENEWAL.try':
    'Offer a right-sizing: reduce by up to {reclaim} licenses at renewal, or first drive adoption of the unused licenses.',

  'priority.price': '{quantity} {unit} × {price} {currency} = {score}',
  'priority.count': '{quantity} {unit} (no price known)',
  'unit.licenses': 'licenses',
  'unit.users': 'users',
  'list.none': 'none',

  'ui.rank': '#',
  'ui.priority': 'Priority',
  'ui.rule': 'Rule',
  'ui.customer': 'Customer',
  'ui.product': 'Product',
  'ui.why': 'Why',
  'ui.consider': 'Consider',
  'ui.try': 'Try',
  'ui.evidence': 'Evidence',
  'ui.thresholds': 'Thresholds',
  'ui.cards': '{count} recommendations for {day}',
  'ui.silenced': '{count} cards silenced by exclusions',
  'ui.none': 'No recommendations for {day}.',

  // Names of evidence and threshold fields of the cards.
  'field.licensesSold': 'licenses sold',
  'field.licensesDeployed': 'assigned',
  'field.licensesActive': 'active',
  'field.usagePercent': 'usage %',
  'field.deploymentPercent': 'deployment %',
  'field.licensesNotInUse': 'not in use',
  'field.weakestWorkloads': 'weakest workloads',
  'field.howToRequests28Days': 'how-to requests (28 days)',
  'field.activeUsers28Days': 'active users (28 days)',
  'field.howToPer100ActiveUsers': 'how-to per 100 active users',
  'field.problemRequests28Days': 'problem requests (28 days)',
  'field.otherRequests28Days': 'other requests (28 days)',
  'field.topProduct': 'most asked product',
  'field.topProductHowTo': 'its how-to requests',
  'field.topWorkload': 'most asked workload',
  'field.topWorkloadHowTo': 'its how-to requests',
  'field.explainedUsageExcess': 'usage excess explained by reasons',
  'field.explainedDeploymentExcess': 'deployment excess explained by reasons',
  'field.realUsagePercent': 'real usage %',
  'field.realDeploymentPercent': 'real deployment %',
  'field.licensesSuggested': 'licenses suggested',
  'field.usagePercent28DaysAgo': 'usage % 28 days ago',
  'field.dropPoints': 'drop (points)',
  'field.licensesActive28DaysAgo': 'active 28 days ago',
  'field.licensesSold28DaysAgo': 'sold 28 days ago',
  'field.workloadsThatFell': 'workloads that fell',
  'field.subscriptionId': 'subscription',
  'field.quantity': 'quantity',
  'field.billingCycle': 'billing',
  'field.termEnd': 'commitment end',
  'field.daysToTermEnd': 'days to commitment end',
  'field.autoRenew': 'auto-renew',
  'field.licensesToReclaim': 'licenses to reclaim',
  'field.inactiveLicensedUsers28Days': 'licensed users inactive for 28 days',
  'field.unassigned': 'unassigned',
  'field.inactive': 'assigned, inactive 28 days',
  'field.usageBelow': 'usage below %',
  'field.deploymentBelow': 'deployment below %',
  'field.minLicensesSold': 'licenses sold at least',
  'field.howToPer100AtLeast': 'how-to per 100 at least',
  'field.minHowToRequests': 'how-to requests at least',
  'field.usageAtLeast': 'usage at least %',
  'field.deploymentAtLeast': 'deployment at least %',
  'field.headroomPercent': 'headroom %',
  'field.dropPointsAtLeast': 'drop at least (points)',
  'field.withinDays': 'within days',
  'field.minLicenses': 'licenses at least',
} as const;

export type MessageKey = keyof typeof EN;

const PL: Readonly<Record<MessageKey, string>> = {
  'rule.LOW_ADOPTION': 'Niska adopcja',
  'rule.HIGH_HOWTO_SUPPORT': 'Dużo pytań „jak to zrobić”',
  'rule.UPSELL': 'Sprzedaż dodatkowa',
  'rule.DECLINING_USAGE': 'Spadek użycia',
  'rule.RECLAIM_AT_RENEWAL': 'Odzyskanie licencji przy odnowieniu',

  'rec.LOW_ADOPTION.problem':
    '{product}: użycie {usage}\u00a0% i wdrożenie {deployment}\u00a0% z {sold} sprzedanych licencji; nieużywane licencje: {unused}.',
  'rec.LOW_ADOPTION.problem_deployment':
    '{product}: wdrożenie {deployment}\u00a0% z {sold} sprzedanych licencji (użycie niemierzone); nieużywane licencje: {unused}.',
  'rec.LOW_ADOPTION.consider':
    'Użytkownicy mogą nie dostrzegać wartości {product} ani tego, jak pasuje do ich codziennej pracy. Najsłabsze obciążenia: {weakest}.',
  'rec.LOW_ADOPTION.try':
    'Studia przypadków i opinie użytkowników o konkretnych scenariuszach, poradniki na blogu lub wideo; zacznij od: {weakest}.',

  'rec.HIGH_HOWTO_SUPPORT.problem':
    'Zgłoszenia „jak to zrobić” w 28 dni: {howTo} od {active} aktywnych użytkowników, czyli {rate} na 100 aktywnych użytkowników (próg {threshold}).',
  'rec.HIGH_HOWTO_SUPPORT.consider':
    'Użytkownicy mogą być nowi w tym oprogramowaniu, jego wersji lub swoim zadaniu. Najwięcej zgłoszeń dotyczy: {focus}.',
  'rec.HIGH_HOWTO_SUPPORT.try':
    'Szkolenie stacjonarne lub online oraz promowanie samoobsługi; uzupełnij stronę wsparcia o opcje samoobsługowe.',

  'rec.UPSELL.problem':
    '{product}: użycie {usage}\u00a0% i wdrożenie {deployment}\u00a0% z {sold} sprzedanych licencji, po odjęciu nadwyżki wyjaśnionej kodami przyczyn.',
  'rec.UPSELL.consider':
    'Prawie każda licencja jest przypisana i używana: nowi pracownicy, rozwój firmy lub użytkownicy obchodzący limit będą potrzebować kolejnych licencji.',
  'rec.UPSELL.try':
    'Zaproponuj dodatkowe licencje ({extra}) albo szkolenia jako usługę, by lepiej wykorzystać {product}.',

  'rec.DECLINING_USAGE.problem':
    '{product}: użycie spadło z {before}\u00a0% do {usage}\u00a0% w 28 dni ({drop} pkt; aktywnych użytkowników mniej o {lost}).',
  'rec.DECLINING_USAGE.consider':
    'Użytkownicy mogli napotkać problemy, stracić zainteresowanie lub przejść do innego narzędzia; odnowienie może być zagrożone.',
  'rec.DECLINING_USAGE.try':
    'Zapytaj klienta, co się zmieniło; zaproponuj szkolenie przypominające, studia przypadków i poradniki dla obciążeń, które spadły najbardziej: {workloads}.',

  'rec.RECLAIM_AT_RENEWAL.problem_term':
    'Subskrypcja {subscription} ({product}, licencje: {quantity}) kończy okres zobowiązania {termEnd}, za {days} dni: nieużywane licencje: {reclaim} (nieprzypisane: {unassigned}, przypisane, ale nieaktywne od 28 dni: {inactive}).',
  'rec.RECLAIM_AT_RENEWAL.problem_monthly':
    'Subskrypcja {subscription} ({product}, licencje: {quantity}) ma okres miesięczny i można ją zmniejszyć od razu: nieużywane licencje: {reclaim} (nieprzypisane: {unassigned}, przypisane, ale nieaktywne od 28 dni: {inactive}).',
  'rec.RECLAIM_AT_RENEWAL.consider':
    'Okres roczny można zmniejszyć tylko przy odnowieniu, miesięczny w dowolnej chwili. Licencje, z których nikt nie korzysta, kosztują klienta pieniądze i zaufanie.',
  'rec.RECLAIM_AT_RENEWAL.try':
    'Zaproponuj dopasowanie: zmniejszenie maksymalnie o {reclaim} licencji przy odnowieniu albo najpierw zwiększenie wykorzystania nieużywanych licencji.',

  'priority.price': '{quantity} {unit} × {price} {currency} = {score}',
  'priority.count': '{quantity} {unit} (cena nieznana)',
  'unit.licenses': 'licencji',
  'unit.users': 'użytkowników',
  'list.none': 'brak',

  'ui.rank': '#',
  'ui.priority': 'Priorytet',
  'ui.rule': 'Reguła',
  'ui.customer': 'Klient',
  'ui.product': 'Produkt',
  'ui.why': 'Dlaczego',
  'ui.consider': 'Do rozważenia',
  'ui.try': 'Spróbuj',
  'ui.evidence': 'Dane',
  'ui.thresholds': 'Progi',
  'ui.cards': 'Rekomendacje na {day}: {count}',
  'ui.silenced': 'Karty wyciszone przez wykluczenia: {count}',
  'ui.none': 'Brak rekomendacji na {day}.',

  'field.licensesSold': 'sprzedane licencje',
  'field.licensesDeployed': 'przypisane',
  'field.licensesActive': 'aktywne',
  'field.usagePercent': 'użycie %',
  'field.deploymentPercent': 'wdrożenie %',
  'field.licensesNotInUse': 'nieużywane',
  'field.weakestWorkloads': 'najsłabsze obciążenia',
  'field.howToRequests28Days': 'pytania „jak to zrobić” (28 dni)',
  'field.activeUsers28Days': 'aktywni użytkownicy (28 dni)',
  'field.howToPer100ActiveUsers': 'pytania na 100 aktywnych',
  'field.problemRequests28Days': 'zgłoszenia problemów (28 dni)',
  'field.otherRequests28Days': 'inne zgłoszenia (28 dni)',
  'field.topProduct': 'produkt z najwięcej pytaniami',
  'field.topProductHowTo': 'jego pytania',
  'field.topWorkload': 'obciążenie z najwięcej pytaniami',
  'field.topWorkloadHowTo': 'jego pytania',
  'field.explainedUsageExcess': 'nadwyżka użycia wyjaśniona przyczynami',
  'field.explainedDeploymentExcess': 'nadwyżka wdrożenia wyjaśniona przyczynami',
  'field.realUsagePercent': 'rzeczywiste użycie %',
  'field.realDeploymentPercent': 'rzeczywiste wdrożenie %',
  'field.licensesSuggested': 'proponowane licencje',
  'field.usagePercent28DaysAgo': 'użycie % 28 dni temu',
  'field.dropPoints': 'spadek (pkt)',
  'field.licensesActive28DaysAgo': 'aktywne 28 dni temu',
  'field.licensesSold28DaysAgo': 'sprzedane 28 dni temu',
  'field.workloadsThatFell': 'obciążenia, które spadły',
  'field.subscriptionId': 'subskrypcja',
  'field.quantity': 'licencje w subskrypcji',
  'field.billingCycle': 'rozliczanie',
  'field.termEnd': 'koniec zobowiązania',
  'field.daysToTermEnd': 'dni do końca zobowiązania',
  'field.autoRenew': 'automatyczne odnowienie',
  'field.licensesToReclaim': 'licencje do odzyskania',
  'field.inactiveLicensedUsers28Days': 'użytkownicy z licencją nieaktywni od 28 dni',
  'field.unassigned': 'nieprzypisane',
  'field.inactive': 'przypisane, nieaktywne 28 dni',
  'field.usageBelow': 'użycie poniżej %',
  'field.deploymentBelow': 'wdrożenie poniżej %',
  'field.minLicensesSold': 'sprzedane licencje co najmniej',
  'field.howToPer100AtLeast': 'pytania na 100 co najmniej',
  'field.minHowToRequests': 'pytania co najmniej',
  'field.usageAtLeast': 'użycie co najmniej %',
  'field.deploymentAtLeast': 'wdrożenie co najmniej %',
  'field.headroomPercent': 'zapas %',
  'field.dropPointsAtLeast': 'spadek co najmniej (pkt)',
  'field.withinDays': 'w ciągu dni',
  'field.minLicenses': 'licencje co najmniej',
};

export const MESSAGES: Readonly<Record<Locale, Readonly<Record<MessageKey, string>>>> = { en: EN, pl: PL };

export function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (LOCALES as readonly string[]).includes(value);
}

/** A number as the locale writes it (at most `digits` decimals): en 1,234.5 · pl 1234,5. */
export function formatNumber(locale: Locale, n: number, digits = 1): string {
  const key = `${locale}:${digits}`;
  let f = FORMATS.get(key);
  if (f === undefined) {
    f = new Intl.NumberFormat(locale, { maximumFractionDigits: digits });
    FORMATS.set(key, f);
  }
  return f.format(n);
}

/** Number formats are costly to build (tens of µs): one per locale and precision. */
const FORMATS = new Map<string, Intl.NumberFormat>();

/** The name of an evidence or threshold field of a card, in a language (the field itself when unknown). */
export function fieldName(locale: Locale, field: string): string {
  const key = `field.${field}`;
  return key in MESSAGES[locale] ? MESSAGES[locale][key as MessageKey] : field;
}

/** The names of a message's parameters, in order of first use. */
export function messageParams(template: string): string[] {
  return [...new Set([...template.matchAll(/\{(\w+)\}/g)].map((m) => m[1] ?? ''))];
}

/**
 * A message with its parameters filled in; numbers are formatted per locale. A missing parameter
 * stays visible as `{name}` (a bug to see, not to hide).
 */
export function translate(
  locale: Locale,
  key: MessageKey,
  params: Readonly<Record<string, string | number>> = {},
): string {
  return MESSAGES[locale][key].replace(/\{(\w+)\}/g, (whole, name: string) => {
    const v = params[name];
    if (v === undefined) return whole;
    return typeof v === 'number' ? formatNumber(locale, v) : v;
  });
}
