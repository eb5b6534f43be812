import { defineMessages } from '../i18n';

export const recommendationsMessages = defineMessages(
  {
    title: 'Recommendations',
    subtitle:
      'The playbook across your portfolio: whom to offer training, more licenses or a right-sizing, and why.',
    summary:
      '{count, plural, one {# recommendation} other {# recommendations}} for {day}, highest priority first',
    filters: 'Filters',
    rule: 'Rule',
    allRules: 'All rules',
    view: 'Channel',
    'view.all': 'All partners',
    'view.own': 'Own sales only',
    day: 'As of',
    latest: 'Latest day',
    search: 'Customer',
    searchPlaceholder: 'Filter by customer name',
    none: 'No recommendations for {day}: no customer crosses a threshold of the playbook.',
    noneRule: 'No “{rule}” recommendations for {day}.',
    noneSearch: 'No recommendation for a customer named like “{q}”.',
    shown: 'Showing {from}–{to} of {total}',
    'stale.title': 'The numbers are out of date',
    'stale.customers':
      'Imports changed the data of {n, plural, one {# customer} other {# customers}} since the metrics were computed (from {day}).',
    'stale.days': 'The data reaches {last}, but the metrics were not computed past {first}.',
    'stale.action': 'Compute them on the Imports page',
    'stale.ask': 'Ask an admin agent to compute the metrics.',
    silencedTitle: 'Silenced cards',
    silencedIntro:
      '{n, plural, one {# card is} other {# cards are}} silenced by exclusions. They are not counted above.',
    silencedShow: 'Show silenced cards',
    silencedNone: 'No card is silenced for {day}.',
    exclusionsTitle: 'Exclusions',
  },
  {
    title: 'Rekomendacje',
    subtitle:
      'Playbook dla całego portfela: komu zaproponować szkolenie, więcej licencji lub dopasowanie liczby licencji — i dlaczego.',
    summary:
      '{count, plural, one {# rekomendacja} few {# rekomendacje} many {# rekomendacji} other {# rekomendacji}} na {day}, od najwyższego priorytetu',
    filters: 'Filtry',
    rule: 'Reguła',
    allRules: 'Wszystkie reguły',
    view: 'Kanał',
    'view.all': 'Wszyscy partnerzy',
    'view.own': 'Tylko własna sprzedaż',
    day: 'Na dzień',
    latest: 'Ostatni dzień',
    search: 'Klient',
    searchPlaceholder: 'Filtruj po nazwie klienta',
    none: 'Brak rekomendacji na {day}: żaden klient nie przekracza progów playbooka.',
    noneRule: 'Reguła {rule} nie daje rekomendacji na {day}.',
    noneSearch: 'Brak rekomendacji dla klienta o nazwie podobnej do „{q}”.',
    shown: 'Pozycje {from}–{to} z {total}',
    'stale.title': 'Liczby są nieaktualne',
    'stale.customers':
      'Importy zmieniły dane {n, plural, one {# klienta} few {# klientów} many {# klientów} other {# klienta}} od ostatniego obliczenia metryk (od {day}).',
    'stale.days': 'Dane sięgają {last}, ale metryki nie zostały obliczone po {first}.',
    'stale.action': 'Oblicz je na stronie Importy',
    'stale.ask': 'Poproś agenta administracyjnego o obliczenie metryk.',
    silencedTitle: 'Wyciszone karty',
    silencedIntro:
      '{n, plural, one {# karta jest wyciszona} few {# karty są wyciszone} many {# kart jest wyciszonych} other {# karty jest wyciszonej}} przez wykluczenia. Nie są liczone powyżej.',
    silencedShow: 'Pokaż wyciszone karty',
    silencedNone: 'Żadna karta nie jest wyciszona na {day}.',
    exclusionsTitle: 'Wykluczenia',
  },
);
