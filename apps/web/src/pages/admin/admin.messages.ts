import { defineMessages } from '../../i18n';

/** Texts shared by the admin pages (staff, tokens, audit): roles, copying, confirmations. */
export const adminMessages = defineMessages(
  {
    'role.admin_agent': 'Admin agent',
    'role.sales_agent': 'Sales agent',
    'role.user_admin': 'User management admin',
    'roleHelp.admin_agent':
      'Imports data; changes settings, thresholds and exclusions; sees inactive users by name and the audit log.',
    'roleHelp.sales_agent': 'Sees the portfolio, customers, subscriptions and recommendations; exports.',
    'roleHelp.user_admin':
      'Manages partner staff accounts and their roles; sees the portfolio and the audit log.',
    roles: 'Roles',
    copy: 'Copy',
    copied: 'Copied',
    copyFailed: 'Could not copy: select the text and press Ctrl+C',
    cancel: 'Cancel',
    close: 'Close',
    working: 'Working…',
    done: 'Done',
    never: 'Never',
    allCustomers: 'All customers',
    noCustomers: 'No customers',
    scopeGroups: '{n, plural, one {Group} other {Groups}}: {names}',
    scopeCustomers: '{n, plural, one {# customer} other {# customers}}',
    actions: 'Actions',
    failedTitle: 'That did not work',
    fixFields: 'Check the fields marked below.',
  },
  {
    'role.admin_agent': 'Agent administracyjny',
    'role.sales_agent': 'Agent sprzedaży',
    'role.user_admin': 'Administrator zarządzania użytkownikami',
    'roleHelp.admin_agent':
      'Importuje dane; zmienia ustawienia, progi i wykluczenia; widzi nieaktywnych użytkowników z nazwiska i dziennik audytu.',
    'roleHelp.sales_agent': 'Widzi portfel, klientów, subskrypcje i rekomendacje; eksportuje.',
    'roleHelp.user_admin':
      'Zarządza kontami pracowników partnera i ich rolami; widzi portfel i dziennik audytu.',
    roles: 'Role',
    copy: 'Kopiuj',
    copied: 'Skopiowano',
    copyFailed: 'Nie udało się skopiować: zaznacz tekst i naciśnij Ctrl+C',
    cancel: 'Anuluj',
    close: 'Zamknij',
    working: 'Trwa…',
    done: 'Gotowe',
    never: 'Nigdy',
    allCustomers: 'Wszyscy klienci',
    noCustomers: 'Żaden klient',
    scopeGroups: '{n, plural, one {Grupa} few {Grupy} many {Grupy} other {Grupy}}: {names}',
    scopeCustomers: '{n, plural, one {# klient} few {# klientów} many {# klientów} other {# klienta}}',
    actions: 'Akcje',
    failedTitle: 'To się nie udało',
    fixFields: 'Popraw pola zaznaczone poniżej.',
  },
);
