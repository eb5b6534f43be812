/**
 * Texts in English and Polish, and the one mechanism to render them: a message key, named
 * parameters `{name}`, numbers formatted per locale, and plurals chosen by `Intl.PluralRules`. The
 * CLI uses it now and the web app will use the same catalogs. Pure and IO-free so it runs
 * client-side and server-side from one source.
 *
 * Message syntax (a subset of ICU MessageFormat, which translators know):
 * - `{name}` — a parameter; a number is formatted per locale (en 1,234.5 · pl 1234,5).
 * - `{name, plural, one {# license} other {# licenses}}` — the branch of the number's plural
 *   category in the locale (`Intl.PluralRules`: en one/other; pl one/few/many/other, so
 *   "1 licencja", "2 licencje", "5 licencji", "22 licencje"); `#` is the formatted number and a
 *   branch may hold `{other}` parameters. Polish needs each count's branches in the grammatical
 *   case of its sentence ("o 52 licencje", "z 52 sprzedanych licencji"), so every count that
 *   precedes a noun is written as a plural in its own message.
 *
 * Invariants (tested): every key exists in every language with the same parameters, and every
 * plural gives a branch for each category of its language.
 */

import { z } from 'zod';
import type { WorkloadCode } from './codes';

export const LOCALES = ['en', 'pl'] as const;
export const localeSchema = z.enum(LOCALES, { error: 'must be en or pl' });
export type Locale = z.infer<typeof localeSchema>;

const EN = {
  'rule.LOW_ADOPTION': 'Low adoption',
  'rule.HIGH_HOWTO_SUPPORT': 'High how-to support volume',
  'rule.UPSELL': 'Upsell',
  'rule.DECLINING_USAGE': 'Declining usage',
  'rule.RECLAIM_AT_RENEWAL': 'Reclaim at renewal',

  'rec.LOW_ADOPTION.problem':
    '{product}: usage {usage}\u00a0% and deployment {deployment}\u00a0% of {sold, plural, one {# license} other {# licenses}} sold; {unused, plural, one {# license} other {# licenses}} not in use.',
  'rec.LOW_ADOPTION.problem_deployment':
    '{product}: deployment {deployment}\u00a0% of {sold, plural, one {# license} other {# licenses}} sold (usage not measured); {unused, plural, one {# license} other {# licenses}} not in use.',
  'rec.LOW_ADOPTION.consider':
    'The users may not see the value of {product} or how it fits their working day. Weakest workloads: {weakest}.',
  'rec.LOW_ADOPTION.try':
    'Case studies and user testimonials about concrete scenarios, tutorial blogs or videos; start with {weakest}.',

  'rec.HIGH_HOWTO_SUPPORT.problem':
    '{howTo, plural, one {# how-to request} other {# how-to requests}} in 28 days from {active, plural, one {# active user} other {# active users}}: {rate} per 100 active users (threshold {threshold}).',
  'rec.HIGH_HOWTO_SUPPORT.consider':
    'The users may be new to the software, to its version or to their task. Most requests concern: {focus}.',
  'rec.HIGH_HOWTO_SUPPORT.try':
    'Training in person or online, plus promoting self-service options; update the support site with self-service options.',

  'rec.UPSELL.problem':
    '{product}: usage {usage}\u00a0% and deployment {deployment}\u00a0% of {sold, plural, one {# license} other {# licenses}} sold, after removing the excess explained by reason codes.',
  'rec.UPSELL.consider':
    'Nearly every license is deployed and in use: new staff, growth or users working around the limit will need more licenses.',
  'rec.UPSELL.try':
    'Offer {extra, plural, one {# more license} other {# more licenses}}, or training as a service to get more out of {product}.',

  'rec.DECLINING_USAGE.problem':
    '{product}: usage fell from {before}\u00a0% to {usage}\u00a0% in 28 days ({drop, plural, one {# point} other {# points}}; {lost, plural, one {# fewer active user} other {# fewer active users}}).',
  'rec.DECLINING_USAGE.consider':
    'The users may have met problems, lost interest or moved to another tool; the renewal may be at risk.',
  'rec.DECLINING_USAGE.try':
    'Ask the customer what changed; offer refresher training, case studies and tutorials for the workloads that fell most: {workloads}.',

  'rec.RECLAIM_AT_RENEWAL.problem_term':
    'Subscription {subscription} ({product}, {quantity, plural, one {# license} other {# licenses}}) ends its commitment on {termEnd}, in {days, plural, one {# day} other {# days}}: {reclaim, plural, one {# license is} other {# licenses are}} not in use ({unassigned} unassigned, {inactive} assigned but inactive for 28 days).',
  'rec.RECLAIM_AT_RENEWAL.problem_monthly':
    'Subscription {subscription} ({product}, {quantity, plural, one {# license} other {# licenses}}) has a monthly term and can be reduced now: {reclaim, plural, one {# license is} other {# licenses are}} not in use ({unassigned} unassigned, {inactive} assigned but inactive for 28 days).',
  'rec.RECLAIM_AT_RENEWAL.consider':
    'Annual terms can only be reduced at renewal, monthly terms at any time. Licenses nobody uses cost the customer money and trust.',
  'rec.RECLAIM_AT_RENEWAL.try':
    'Offer a right-sizing: reduce by up to {reclaim, plural, one {# license} other {# licenses}} at renewal, or first drive adoption of the unused licenses.',
  'rec.RECLAIM_AT_RENEWAL.try_monthly':
    'Offer a right-sizing: reduce by up to {reclaim, plural, one {# license} other {# licenses}} now (a monthly term can be reduced at any time), or first drive adoption of the unused licenses.',

  // Priority of a card: {price} and {score} are amounts of money per month (see `money.perMonth`).
  'priority.licenses.price': '{quantity, plural, one {# license} other {# licenses}} × {price} = {score}',
  'priority.licenses.count': '{quantity, plural, one {# license} other {# licenses}} (no price known)',
  'priority.users.price': '{quantity, plural, one {# user} other {# users}} × {price} = {score}',
  'priority.users.count': '{quantity, plural, one {# user} other {# users}} to train',
  /** list_price is the price of one license per month (docs/data-formats.md, products). */
  'money.perMonth': '{amount}/month',
  'list.none': 'none',
  /** A product known only by its id (imported with an unknown SKU). */
  'product.nameUnknown': '{name} (name unknown)',

  'workload.EXO': 'Exchange',
  'workload.SPO': 'SharePoint and OneDrive',
  'workload.TEAMS': 'Teams',
  'workload.YAM': 'Yammer / Viva Engage',
  'workload.SFB': 'Skype for Business',
  'workload.OFFICE': 'Microsoft 365 Apps',
  'workload.D365': 'Dynamics 365',

  // Values of evidence fields that are codes (shown as words on a terminal; CSV/JSON keep the code).
  'value.billingCycle.monthly': 'monthly',
  'value.billingCycle.annual': 'annual',
  'value.billingCycle.triennial': 'three years',
  'value.billingCycle.none': 'none',
  'value.billingCycle.one_time': 'one-time',
  'value.autoRenew.true': 'yes',
  'value.autoRenew.false': 'no',

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
  'ui.cards': '{count, plural, one {# recommendation} other {# recommendations}} for {day}',
  'ui.silenced': '{count, plural, one {# card} other {# cards}} silenced by exclusions',
  'ui.none': 'No recommendations for {day}.',
  'ui.more': '… {count, plural, one {# more card} other {# more cards}} (--limit, or --format csv for all)',

  // The sign-in pages the server serves (one-time sign-in link, OpenID Connect refusals).
  'signin.title': 'Sign in',
  'signin.link.intro':
    'This one-time link signs you in. You may also set a password now, to sign in with it later.',
  'signin.link.password': 'New password (optional, at least 12 characters)',
  'signin.link.repeat': 'Repeat the password',
  'signin.link.submit': 'Sign in',
  'signin.link.working': 'Signing in…',
  'signin.link.short': 'The password must be at least 12 characters long, or leave both fields empty.',
  'signin.link.mismatch': 'The two passwords differ.',
  'signin.link.missing':
    'This link is incomplete: open the whole link you were given, including the part after #.',
  'signin.link.expired':
    'This link has expired or has been used already. Ask your administrator for a new one ({command}).',
  'signin.link.throttled': 'Too many attempts: wait a few minutes and try again.',
  'signin.link.failed': 'Sign-in failed: {message}',
  'signin.oidc.noRole':
    'You signed in, but your account is in none of the groups that grant a role in License Insights. Ask your administrator to add you to one.',
  'signin.oidc.failed': 'Sign-in with {provider} failed: {message}',
  'signin.oidc.again': 'Try again',

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
    '{product}: użycie {usage}\u00a0% i wdrożenie {deployment}\u00a0% z {sold, plural, one {# sprzedanej licencji} few {# sprzedanych licencji} many {# sprzedanych licencji} other {# sprzedanej licencji}}; {unused, plural, one {# licencja nie jest używana} few {# licencje nie są używane} many {# licencji nie jest używanych} other {# licencji nie jest używanej}}.',
  'rec.LOW_ADOPTION.problem_deployment':
    '{product}: wdrożenie {deployment}\u00a0% z {sold, plural, one {# sprzedanej licencji} few {# sprzedanych licencji} many {# sprzedanych licencji} other {# sprzedanej licencji}} (użycie niemierzone); {unused, plural, one {# licencja nie jest używana} few {# licencje nie są używane} many {# licencji nie jest używanych} other {# licencji nie jest używanej}}.',
  'rec.LOW_ADOPTION.consider':
    'Użytkownicy mogą nie dostrzegać wartości {product} ani tego, jak pasuje do ich codziennej pracy. Najsłabsze obciążenia: {weakest}.',
  'rec.LOW_ADOPTION.try':
    'Studia przypadków i opinie użytkowników o konkretnych scenariuszach, poradniki na blogu lub wideo; zacznij od: {weakest}.',

  'rec.HIGH_HOWTO_SUPPORT.problem':
    '{howTo, plural, one {# pytanie „jak to zrobić”} few {# pytania „jak to zrobić”} many {# pytań „jak to zrobić”} other {# pytania „jak to zrobić”}} w 28 dni od {active, plural, one {# aktywnego użytkownika} few {# aktywnych użytkowników} many {# aktywnych użytkowników} other {# aktywnego użytkownika}}, czyli {rate} na 100 aktywnych użytkowników (próg {threshold}).',
  'rec.HIGH_HOWTO_SUPPORT.consider':
    'Użytkownicy mogą być nowi w tym oprogramowaniu, jego wersji lub swoim zadaniu. Najwięcej zgłoszeń dotyczy: {focus}.',
  'rec.HIGH_HOWTO_SUPPORT.try':
    'Szkolenie stacjonarne lub online oraz promowanie samoobsługi; uzupełnij stronę wsparcia o opcje samoobsługowe.',

  'rec.UPSELL.problem':
    '{product}: użycie {usage}\u00a0% i wdrożenie {deployment}\u00a0% z {sold, plural, one {# sprzedanej licencji} few {# sprzedanych licencji} many {# sprzedanych licencji} other {# sprzedanej licencji}}, po odjęciu nadwyżki wyjaśnionej kodami przyczyn.',
  'rec.UPSELL.consider':
    'Prawie każda licencja jest przypisana i używana: nowi pracownicy, rozwój firmy lub użytkownicy obchodzący limit będą potrzebować kolejnych licencji.',
  'rec.UPSELL.try':
    'Zaproponuj {extra, plural, one {# dodatkową licencję} few {# dodatkowe licencje} many {# dodatkowych licencji} other {# dodatkowej licencji}} albo szkolenia jako usługę, by lepiej wykorzystać {product}.',

  'rec.DECLINING_USAGE.problem':
    '{product}: użycie spadło z {before}\u00a0% do {usage}\u00a0% w 28 dni (o {drop} pkt; o {lost, plural, one {# aktywnego użytkownika} few {# aktywnych użytkowników} many {# aktywnych użytkowników} other {# aktywnego użytkownika}} mniej).',
  'rec.DECLINING_USAGE.consider':
    'Użytkownicy mogli napotkać problemy, stracić zainteresowanie lub przejść do innego narzędzia; odnowienie może być zagrożone.',
  'rec.DECLINING_USAGE.try':
    'Zapytaj klienta, co się zmieniło; zaproponuj szkolenie przypominające, studia przypadków i poradniki dla obciążeń, które spadły najbardziej: {workloads}.',

  'rec.RECLAIM_AT_RENEWAL.problem_term':
    'Subskrypcja {subscription} ({product}, {quantity, plural, one {# licencja} few {# licencje} many {# licencji} other {# licencji}}) kończy okres zobowiązania {termEnd}, za {days, plural, one {# dzień} few {# dni} many {# dni} other {# dnia}}: {reclaim, plural, one {# licencja nie jest używana} few {# licencje nie są używane} many {# licencji nie jest używanych} other {# licencji nie jest używanej}} (nieprzypisane: {unassigned}, przypisane, ale nieaktywne od 28 dni: {inactive}).',
  'rec.RECLAIM_AT_RENEWAL.problem_monthly':
    'Subskrypcja {subscription} ({product}, {quantity, plural, one {# licencja} few {# licencje} many {# licencji} other {# licencji}}) ma okres miesięczny i można ją zmniejszyć od razu: {reclaim, plural, one {# licencja nie jest używana} few {# licencje nie są używane} many {# licencji nie jest używanych} other {# licencji nie jest używanej}} (nieprzypisane: {unassigned}, przypisane, ale nieaktywne od 28 dni: {inactive}).',
  'rec.RECLAIM_AT_RENEWAL.consider':
    'Okres roczny można zmniejszyć tylko przy odnowieniu, miesięczny w dowolnej chwili. Licencje, z których nikt nie korzysta, kosztują klienta pieniądze i zaufanie.',
  'rec.RECLAIM_AT_RENEWAL.try':
    'Zaproponuj dopasowanie: zmniejszenie maksymalnie o {reclaim, plural, one {# licencję} few {# licencje} many {# licencji} other {# licencji}} przy odnowieniu albo najpierw zwiększenie wykorzystania nieużywanych licencji.',
  'rec.RECLAIM_AT_RENEWAL.try_monthly':
    'Zaproponuj dopasowanie: zmniejszenie maksymalnie o {reclaim, plural, one {# licencję} few {# licencje} many {# licencji} other {# licencji}} od razu (okres miesięczny można zmniejszyć w dowolnej chwili) albo najpierw zwiększenie wykorzystania nieużywanych licencji.',

  'priority.licenses.price':
    '{quantity, plural, one {# licencja} few {# licencje} many {# licencji} other {# licencji}} × {price} = {score}',
  'priority.licenses.count':
    '{quantity, plural, one {# licencja} few {# licencje} many {# licencji} other {# licencji}} (cena nieznana)',
  'priority.users.price':
    '{quantity, plural, one {# użytkownik} few {# użytkowników} many {# użytkowników} other {# użytkownika}} × {price} = {score}',
  'priority.users.count':
    '{quantity, plural, one {# użytkownik} few {# użytkowników} many {# użytkowników} other {# użytkownika}} do przeszkolenia',
  'money.perMonth': '{amount}/mies.',
  'list.none': 'brak',
  'product.nameUnknown': '{name} (nazwa nieznana)',

  'workload.EXO': 'Exchange',
  'workload.SPO': 'SharePoint i OneDrive',
  'workload.TEAMS': 'Teams',
  'workload.YAM': 'Yammer / Viva Engage',
  'workload.SFB': 'Skype dla firm',
  'workload.OFFICE': 'Aplikacje Microsoft 365',
  'workload.D365': 'Dynamics 365',

  'value.billingCycle.monthly': 'miesięczne',
  'value.billingCycle.annual': 'roczne',
  'value.billingCycle.triennial': 'trzyletnie',
  'value.billingCycle.none': 'brak',
  'value.billingCycle.one_time': 'jednorazowe',
  'value.autoRenew.true': 'tak',
  'value.autoRenew.false': 'nie',

  'signin.title': 'Logowanie',
  'signin.link.intro':
    'Ten jednorazowy link zaloguje Cię. Możesz też teraz ustawić hasło, by logować się nim później.',
  'signin.link.password': 'Nowe hasło (opcjonalnie, co najmniej 12 znaków)',
  'signin.link.repeat': 'Powtórz hasło',
  'signin.link.submit': 'Zaloguj się',
  'signin.link.working': 'Logowanie…',
  'signin.link.short': 'Hasło musi mieć co najmniej 12 znaków; możesz też zostawić oba pola puste.',
  'signin.link.mismatch': 'Hasła się różnią.',
  'signin.link.missing': 'Ten link jest niepełny: otwórz cały otrzymany link, razem z częścią po znaku #.',
  'signin.link.expired': 'Ten link wygasł albo został już użyty. Poproś administratora o nowy ({command}).',
  'signin.link.throttled': 'Zbyt wiele prób: odczekaj kilka minut i spróbuj ponownie.',
  'signin.link.failed': 'Logowanie nie powiodło się: {message}',
  'signin.oidc.noRole':
    'Zalogowano, ale Twoje konto nie należy do żadnej grupy, która nadaje rolę w License Insights. Poproś administratora o dodanie do jednej z nich.',
  'signin.oidc.failed': 'Logowanie przez {provider} nie powiodło się: {message}',
  'signin.oidc.again': 'Spróbuj ponownie',

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
  'ui.cards':
    '{count, plural, one {# rekomendacja} few {# rekomendacje} many {# rekomendacji} other {# rekomendacji}} na {day}',
  'ui.silenced':
    '{count, plural, one {# karta wyciszona} few {# karty wyciszone} many {# kart wyciszonych} other {# karty wyciszonej}} przez wykluczenia',
  'ui.none': 'Brak rekomendacji na {day}.',
  'ui.more':
    '… i {count, plural, one {# karta więcej} few {# karty więcej} many {# kart więcej} other {# karty więcej}} (--limit albo --format csv, by zobaczyć wszystkie)',

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

/** Plural rules are costly to build too: one per locale. */
const PLURAL_RULES = new Map<Locale, Intl.PluralRules>();

function pluralRules(locale: Locale): Intl.PluralRules {
  let rules = PLURAL_RULES.get(locale);
  if (rules === undefined) {
    rules = new Intl.PluralRules(locale);
    PLURAL_RULES.set(locale, rules);
  }
  return rules;
}

/** The plural category of a number in a language: en one/other, pl one/few/many/other. */
export function pluralCategory(locale: Locale, n: number): Intl.LDMLPluralRule {
  return pluralRules(locale).select(n);
}

/** Every plural category a language distinguishes (a plural message must give each a branch). */
export function pluralCategories(locale: Locale): readonly Intl.LDMLPluralRule[] {
  return pluralRules(locale).resolvedOptions().pluralCategories;
}

/** A parsed message: text, `{name}` parameters and `{name, plural, …}` choices. */
type Part =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'param'; readonly name: string; readonly source: string }
  | { readonly kind: 'number' }
  | {
      readonly kind: 'plural';
      readonly name: string;
      readonly source: string;
      readonly branches: ReadonlyMap<string, readonly Part[]>;
    };

/** Index of the `}` that closes the `{` at `open` (nested braces counted); -1 when none does. */
function closingBrace(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    if (text[i] === '{') depth++;
    else if (text[i] === '}' && --depth === 0) return i;
  }
  return -1;
}

const PLURAL_HEAD = /^\s*(\w+)\s*,\s*plural\s*,/;

/** Parses a message; `inPlural` turns `#` into the number of the enclosing plural. */
function parseMessage(text: string, inPlural: boolean): Part[] {
  const parts: Part[] = [];
  let plain = '';
  const flush = () => {
    if (plain !== '') parts.push({ kind: 'text', text: plain });
    plain = '';
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i] ?? '';
    if (c === '#' && inPlural) {
      flush();
      parts.push({ kind: 'number' });
      continue;
    }
    const close = c === '{' ? closingBrace(text, i) : -1;
    if (close < 0) {
      plain += c;
      continue;
    }
    flush();
    const source = text.slice(i, close + 1);
    const inner = text.slice(i + 1, close);
    const head = PLURAL_HEAD.exec(inner);
    if (head === null) parts.push({ kind: 'param', name: inner.trim(), source });
    else {
      const branches = new Map<string, readonly Part[]>();
      const body = inner.slice(head[0].length);
      let j = 0;
      while (j < body.length) {
        const open = body.indexOf('{', j);
        if (open < 0) break;
        const selector = body.slice(j, open).trim();
        const end = closingBrace(body, open);
        if (end < 0 || selector === '') break;
        branches.set(selector, parseMessage(body.slice(open + 1, end), true));
        j = end + 1;
      }
      parts.push({ kind: 'plural', name: head[1] ?? '', source, branches });
    }
    i = close;
  }
  flush();
  return parts;
}

/** Parsed messages by their text (messages are constants: each is parsed once). */
const PARSED = new Map<string, readonly Part[]>();

function parsed(template: string): readonly Part[] {
  let parts = PARSED.get(template);
  if (parts === undefined) {
    parts = parseMessage(template, false);
    PARSED.set(template, parts);
  }
  return parts;
}

function collectParams(parts: readonly Part[], into: string[]): void {
  for (const p of parts) {
    if (p.kind === 'param' || p.kind === 'plural') into.push(p.name);
    if (p.kind === 'plural') for (const b of p.branches.values()) collectParams(b, into);
  }
}

/** The names of a message's parameters (plural ones included), in order of first use. */
export function messageParams(template: string): string[] {
  const names: string[] = [];
  collectParams(parsed(template), names);
  return [...new Set(names)];
}

/** Each plural of a message with the branches it gives (for the completeness check). */
export function messagePlurals(template: string): { name: string; branches: string[] }[] {
  const out: { name: string; branches: string[] }[] = [];
  const walk = (parts: readonly Part[]) => {
    for (const p of parts) {
      if (p.kind !== 'plural') continue;
      out.push({ name: p.name, branches: [...p.branches.keys()] });
      for (const b of p.branches.values()) walk(b);
    }
  };
  walk(parsed(template));
  return out;
}

function render(
  locale: Locale,
  parts: readonly Part[],
  params: Readonly<Record<string, string | number>>,
  count: number | null,
): string {
  let out = '';
  for (const p of parts) {
    if (p.kind === 'text') out += p.text;
    else if (p.kind === 'number') out += count === null ? '#' : formatNumber(locale, count);
    else if (p.kind === 'param') {
      const v = params[p.name];
      out += v === undefined ? p.source : typeof v === 'number' ? formatNumber(locale, v) : v;
    } else {
      const v = params[p.name];
      const branch =
        typeof v === 'number'
          ? (p.branches.get(`=${v}`) ?? p.branches.get(pluralCategory(locale, v)) ?? p.branches.get('other'))
          : undefined;
      out += typeof v !== 'number' || branch === undefined ? p.source : render(locale, branch, params, v);
    }
  }
  return out;
}

/**
 * A message with its parameters filled in; numbers are formatted per locale and plurals take the
 * branch of their number's category. A missing parameter stays visible as `{name}` (a bug to see,
 * not to hide).
 */
export function translate(
  locale: Locale,
  key: MessageKey,
  params: Readonly<Record<string, string | number>> = {},
): string {
  return render(locale, parsed(MESSAGES[locale][key]), params, null);
}

/**
 * A message template of another catalog (the web app keeps its own, per page) rendered with the
 * same syntax, number formats and plurals as {@link translate}.
 */
export function formatMessage(
  locale: Locale,
  template: string,
  params: Readonly<Record<string, string | number>> = {},
): string {
  return render(locale, parsed(template), params, null);
}

/** The name of a workload in a language ("SharePoint i OneDrive"). */
export function workloadName(locale: Locale, workload: WorkloadCode): string {
  return translate(locale, `workload.${workload}`);
}

/**
 * The value of an evidence field in words, where the value is a code (`billingCycle` "annual" →
 * "roczne", `autoRenew` "true" → "tak"); any other value as it is.
 */
export function valueName(locale: Locale, field: string, value: string): string {
  const key = `value.${field}.${value}`;
  return key in MESSAGES[locale] ? MESSAGES[locale][key as MessageKey] : value;
}

/** Currency formats by locale and ISO 4217 code. */
const MONEY = new Map<string, Intl.NumberFormat | null>();

/**
 * An amount of money as the locale writes it: en "$1,234.00", "€12.50"; pl "1234,00 USD",
 * "12,50 zł". A currency that is not an ISO 4217 code is written after the number; no currency,
 * the number alone.
 */
export function formatMoney(locale: Locale, amount: number, currency: string | null): string {
  if (currency === null || currency === '') return formatNumber(locale, amount, 2);
  const key = `${locale}:${currency}`;
  let f = MONEY.get(key);
  if (f === undefined) {
    try {
      f = new Intl.NumberFormat(locale, { style: 'currency', currency });
    } catch {
      f = null;
    }
    MONEY.set(key, f);
  }
  return f === null ? `${formatNumber(locale, amount, 2)} ${currency}` : f.format(amount);
}

/** A list price or an amount at stake per month: list_price is the price of one license per month. */
export function formatMoneyPerMonth(locale: Locale, amount: number, currency: string | null): string {
  return translate(locale, 'money.perMonth', { amount: formatMoney(locale, amount, currency) });
}
