import { defineMessages } from '../i18n';

export const signInMessages = defineMessages(
  {
    title: 'Sign in',
    intro: 'License Insights shows whether the licenses you sold are deployed and used.',
    email: 'E-mail',
    password: 'Password',
    submit: 'Sign in',
    working: 'Signing in…',
    or: 'or',
    oidc: 'Sign in with {label}',
    failed: 'The e-mail or password is wrong.',
    throttled: 'Too many attempts. Wait a minute and try again.',
    link: 'First time here? Use the one-time sign-in link printed by `insights serve` or `npm start`.',
  },
  {
    title: 'Logowanie',
    intro: 'License Insights pokazuje, czy sprzedane licencje są wdrożone i używane.',
    email: 'E-mail',
    password: 'Hasło',
    submit: 'Zaloguj',
    working: 'Logowanie…',
    or: 'lub',
    oidc: 'Zaloguj przez {label}',
    failed: 'Błędny e-mail lub hasło.',
    throttled: 'Zbyt wiele prób. Odczekaj minutę i spróbuj ponownie.',
    link: 'Pierwszy raz? Użyj jednorazowego linku logowania wypisanego przez `insights serve` lub `npm start`.',
  },
);
