import { defineMessages } from '../../i18n';

/** Texts shared by the operations pages: exclusions, the recommendation card, confirmations. */
export const opsMessages = defineMessages(
  {
    // Recommendation card
    rank: 'Rank {rank}',
    silencedBadge: 'Silenced',
    problem: 'Problem',
    consider: 'Consider',
    try: 'What to try',
    evidence: 'Evidence',
    thresholds: 'Thresholds that made it fire',
    priority: 'Priority: {text}',
    workload: 'Workload: {name}',
    subscription: 'Subscription {id}',
    wholeCustomer: 'Whole customer',
    exclude: 'Exclude…',
    excludeLabel: 'Exclude {customer} from recommendations',
    'list.none': 'none',
    'points.value': '{n} pp',

    // Exclude dialog
    'excludeDialog.title': 'Silence recommendations',
    'excludeDialog.intro':
      'The cards of {customer} stop appearing among the recommendations. The data stays in every report, and the exclusion can be removed at any time.',
    'excludeDialog.scope': 'What to silence',
    'excludeDialog.product': 'This product only: {product}',
    'excludeDialog.all': 'Every product of this customer',
    'excludeDialog.reason': 'Reason',
    'excludeDialog.reasonHint':
      'For your team to read later, e.g. “customer is migrating to another tenant”.',
    'excludeDialog.reasonMissing': 'Say why, so that the team knows later.',
    'excludeDialog.submit': 'Exclude',
    'excludeDialog.working': 'Excluding…',
    'excludeDialog.done': 'Excluded: {customer}, {product}.',
    'excludeDialog.replaced': 'The reason of the existing exclusion was replaced (it was: “{reason}”).',

    // Exclusions table
    'exclusions.title': 'Exclusions',
    'exclusions.intro':
      'Customer × product whose recommendation cards are silenced. The products stay in every report.',
    'exclusions.empty': 'No exclusions: every recommendation card is shown.',
    'exclusions.customer': 'Customer',
    'exclusions.product': 'Product',
    'exclusions.reason': 'Reason',
    'exclusions.by': 'Added by',
    'exclusions.at': 'Added',
    'exclusions.actions': 'Actions',
    'exclusions.allProducts': 'Every product',
    'exclusions.unknownName': 'Unknown (id {id})',
    'exclusions.remove': 'Remove',
    'exclusions.removeLabel': 'Remove the exclusion of {customer}, {product}',
    'exclusions.confirmTitle': 'Remove this exclusion?',
    'exclusions.confirmText':
      'The recommendation cards of {customer} ({product}) will appear again. The change is written to the audit log.',
    'exclusions.removed': 'Exclusion removed: {customer}, {product}.',
    'exclusions.readOnly': 'Only admin agents add or remove exclusions.',

    // Common
    confirm: 'Confirm',
    cancel: 'Cancel',
    failed: 'That did not work',
  },
  {
    rank: 'Pozycja {rank}',
    silencedBadge: 'Wyciszona',
    problem: 'Problem',
    consider: 'Warto wziąć pod uwagę',
    try: 'Co wypróbować',
    evidence: 'Dane',
    thresholds: 'Progi, które ją uruchomiły',
    priority: 'Priorytet: {text}',
    workload: 'Obciążenie: {name}',
    subscription: 'Subskrypcja {id}',
    wholeCustomer: 'Cały klient',
    exclude: 'Wyklucz…',
    excludeLabel: 'Wyklucz {customer} z rekomendacji',
    'list.none': 'brak',
    'points.value': '{n} p.p.',

    'excludeDialog.title': 'Wycisz rekomendacje',
    'excludeDialog.intro':
      'Karty klienta {customer} przestaną pojawiać się wśród rekomendacji. Dane zostają we wszystkich raportach, a wykluczenie można w każdej chwili usunąć.',
    'excludeDialog.scope': 'Co wyciszyć',
    'excludeDialog.product': 'Tylko ten produkt: {product}',
    'excludeDialog.all': 'Wszystkie produkty tego klienta',
    'excludeDialog.reason': 'Powód',
    'excludeDialog.reasonHint': 'Dla zespołu, na później, np. „klient przenosi się do innej dzierżawy”.',
    'excludeDialog.reasonMissing': 'Podaj powód, aby zespół wiedział później, dlaczego.',
    'excludeDialog.submit': 'Wyklucz',
    'excludeDialog.working': 'Wykluczanie…',
    'excludeDialog.done': 'Wykluczono: {customer}, {product}.',
    'excludeDialog.replaced': 'Zastąpiono powód istniejącego wykluczenia (był: „{reason}”).',

    'exclusions.title': 'Wykluczenia',
    'exclusions.intro':
      'Klient × produkt, których karty rekomendacji są wyciszone. Produkty zostają we wszystkich raportach.',
    'exclusions.empty': 'Brak wykluczeń: widać wszystkie karty rekomendacji.',
    'exclusions.customer': 'Klient',
    'exclusions.product': 'Produkt',
    'exclusions.reason': 'Powód',
    'exclusions.by': 'Dodane przez',
    'exclusions.at': 'Dodano',
    'exclusions.actions': 'Akcje',
    'exclusions.allProducts': 'Wszystkie produkty',
    'exclusions.unknownName': 'Nieznany (id {id})',
    'exclusions.remove': 'Usuń',
    'exclusions.removeLabel': 'Usuń wykluczenie: {customer}, {product}',
    'exclusions.confirmTitle': 'Usunąć to wykluczenie?',
    'exclusions.confirmText':
      'Karty rekomendacji klienta {customer} ({product}) znów będą widoczne. Zmiana trafia do dziennika audytu.',
    'exclusions.removed': 'Usunięto wykluczenie: {customer}, {product}.',
    'exclusions.readOnly': 'Wykluczenia dodają i usuwają tylko agenci administracyjni.',

    confirm: 'Potwierdź',
    cancel: 'Anuluj',
    failed: 'Nie udało się',
  },
);
