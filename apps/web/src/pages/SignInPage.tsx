/** Sign-in: e-mail and password, and "Sign in with Microsoft" (OpenID Connect) when configured. */
import {
  Button,
  Card,
  Divider,
  Field,
  Input,
  MessageBar,
  MessageBarBody,
  makeStyles,
  Text,
  tokens,
} from '@fluentui/react-components';
import { authProvidersResponseSchema, signInResponseSchema } from '@license-insights/contracts';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useNavigate, useSearchParams } from 'react-router';
import { ApiError, apiGet, rememberCsrfToken } from '../api/http';
import { ME_KEY } from '../app/auth';
import { useLocale, useT } from '../i18n';
import { signInMessages } from './SignInPage.messages';

const useStyles = makeStyles({
  root: {
    minHeight: '100vh',
    display: 'grid',
    placeItems: 'center',
    padding: '24px',
    backgroundColor: tokens.colorNeutralBackground2,
  },
  card: { width: '100%', maxWidth: '400px', padding: '28px' },
  brand: {
    color: tokens.colorBrandForeground1,
    fontWeight: tokens.fontWeightSemibold,
    textTransform: 'uppercase',
    letterSpacing: '0.04em',
  },
  form: { display: 'flex', flexDirection: 'column', gap: '12px' },
  muted: { color: tokens.colorNeutralForeground3 },
  langs: { display: 'flex', gap: '4px', justifyContent: 'flex-end' },
});

/** Only a path on this site (never another origin) is a place to go back to. */
function safeNext(next: string | null): string {
  return next?.startsWith('/') && !next.startsWith('//') ? next : '/';
}

export default function SignInPage() {
  const s = useStyles();
  const t = useT(signInMessages);
  const { locale, setLocale } = useLocale();
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const providers = useQuery({
    queryKey: ['auth-providers'],
    queryFn: () => apiGet('/api/v1/auth/providers', authProvidersResponseSchema),
  });
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const next = safeNext(params.get('next'));

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const res = await fetch('/api/v1/auth/sign-in', {
        method: 'POST',
        credentials: 'same-origin',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify({ email, password }),
      });
      if (!res.ok) throw new ApiError(res.status, await res.json().catch(() => ({})));
      const body = signInResponseSchema.parse(await res.json());
      rememberCsrfToken(body.csrfToken);
      queryClient.setQueryData(ME_KEY, body.principal);
      navigate(next, { replace: true });
    } catch (err) {
      setError(err instanceof ApiError && err.status === 429 ? t('throttled') : t('failed'));
    } finally {
      setBusy(false);
    }
  };

  const oidc = providers.data?.oidc ?? null;
  return (
    <main className={s.root}>
      <Card className={s.card}>
        <div className={s.langs}>
          <Button
            size="small"
            appearance={locale === 'en' ? 'primary' : 'subtle'}
            onClick={() => setLocale('en')}
            lang="en"
          >
            English
          </Button>
          <Button
            size="small"
            appearance={locale === 'pl' ? 'primary' : 'subtle'}
            onClick={() => setLocale('pl')}
            lang="pl"
          >
            Polski
          </Button>
        </div>
        <Text className={s.brand}>License Insights</Text>
        <Text as="h1" size={600} weight="semibold">
          {t('title')}
        </Text>
        <Text className={s.muted}>{t('intro')}</Text>
        <form className={s.form} onSubmit={submit} noValidate>
          <Field label={t('email')} required>
            <Input
              type="email"
              autoComplete="username"
              value={email}
              onChange={(_, d) => setEmail(d.value)}
            />
          </Field>
          <Field label={t('password')} required>
            <Input
              type="password"
              autoComplete="current-password"
              value={password}
              onChange={(_, d) => setPassword(d.value)}
            />
          </Field>
          {error === null ? null : (
            <MessageBar intent="error" role="alert">
              <MessageBarBody>{error}</MessageBarBody>
            </MessageBar>
          )}
          <Button appearance="primary" type="submit" disabled={busy || email === '' || password === ''}>
            {busy ? t('working') : t('submit')}
          </Button>
        </form>
        {oidc === null ? null : (
          <>
            <Divider>{t('or')}</Divider>
            <Button as="a" href={oidc.startUrl}>
              {t('oidc', { label: oidc.label })}
            </Button>
          </>
        )}
        <Text size={200} className={s.muted}>
          {t('link')}
        </Text>
      </Card>
    </main>
  );
}
