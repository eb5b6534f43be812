/**
 * Routes. Every page is its own chunk (loaded when first opened), so the first page pays only for
 * itself; URLs keep each page's filters in the query string.
 */

import { Button, Text } from '@fluentui/react-components';
import type { Right } from '@license-insights/contracts';
import { lazy, type ReactNode, Suspense, useEffect } from 'react';
import {
  createBrowserRouter,
  Navigate,
  Outlet,
  RouterProvider,
  useLocation,
  useNavigate,
} from 'react-router';
import { setOnUnauthenticated } from './api/http';
import { can, ME_KEY, meQuery, useMe } from './app/auth';
import { prefetchFirstData } from './app/first-data';
import { Shell } from './app/Shell';
import { shellMessages } from './app/shell.messages';
import { ErrorState, Loading } from './components/states';
import { useT } from './i18n';
import { queryClient } from './query';

/** Each page's chunk, loaded when first needed. */
const load = {
  signIn: () => import('./pages/SignInPage'),
  portfolio: () => import('./pages/PortfolioPage'),
  customer: () => import('./pages/CustomerPage'),
  subscriptions: () => import('./pages/SubscriptionsPage'),
  recommendations: () => import('./pages/RecommendationsPage'),
  imports: () => import('./pages/ImportsPage'),
  settings: () => import('./pages/SettingsPage'),
  staff: () => import('./pages/StaffPage'),
  tokens: () => import('./pages/TokensPage'),
  audit: () => import('./pages/AuditPage'),
};
const SignInPage = lazy(load.signIn);
const PortfolioPage = lazy(load.portfolio);
const CustomerPage = lazy(load.customer);
const SubscriptionsPage = lazy(load.subscriptions);
const RecommendationsPage = lazy(load.recommendations);
const ImportsPage = lazy(load.imports);
const SettingsPage = lazy(load.settings);
const StaffPage = lazy(load.staff);
const TokensPage = lazy(load.tokens);
const AuditPage = lazy(load.audit);

/**
 * The first page's chunk starts loading with the app, beside the check of who is signed in (not
 * after it): a cold load waits for the slower of the two, not their sum.
 */
function preloadFirstPage(pathname: string): void {
  const first =
    pathname === '/' || pathname.startsWith('/insights')
      ? load.portfolio
      : /^\/customers\/[^/]+\/subscriptions/.test(pathname)
        ? load.subscriptions
        : pathname.startsWith('/customers/')
          ? load.customer
          : (Object.entries(load).find(([k]) => pathname.startsWith(`/${k}`))?.[1] ?? null);
  void first?.();
}
if (!window.location.pathname.startsWith('/sign-in')) {
  void queryClient.prefetchQuery(meQuery);
  prefetchFirstData(queryClient, new URL(window.location.href));
  preloadFirstPage(window.location.pathname);
}

/** Signed in, else to the sign-in page (coming back here after). */
function SignedIn() {
  const me = useMe();
  const location = useLocation();
  const navigate = useNavigate();
  useEffect(() => {
    setOnUnauthenticated(() => {
      queryClient.setQueryData(ME_KEY, null);
    });
  }, []);
  useEffect(() => {
    if (me.data === null) {
      navigate(`/sign-in?next=${encodeURIComponent(location.pathname + location.search)}`, { replace: true });
    }
  }, [me.data, location.pathname, location.search, navigate]);
  if (me.isPending) return <Loading />;
  if (me.error) return <ErrorState error={me.error} onRetry={() => me.refetch()} />;
  if (me.data === null || me.data === undefined) return <Loading />;
  return (
    <Shell principal={me.data}>
      <Suspense fallback={<Loading />}>
        <Outlet />
      </Suspense>
    </Shell>
  );
}

/** A page for a right the roles may lack: a clear message, not a broken page. */
function Needs({ right, children }: { right: Right | null; children: ReactNode }) {
  const me = useMe();
  const t = useT(shellMessages);
  if (right !== null && !can(me.data, right)) {
    return (
      <section>
        <Text as="h1" size={700} weight="semibold" block>
          {t('forbiddenTitle')}
        </Text>
        <Text as="p" block>
          {t('forbidden')}
        </Text>
      </section>
    );
  }
  return <>{children}</>;
}

function Home() {
  const me = useMe();
  return <Navigate to={can(me.data, 'read_aggregates') ? '/insights' : '/tokens'} replace />;
}

function NotFound() {
  const t = useT(shellMessages);
  const navigate = useNavigate();
  return (
    <section>
      <Text as="h1" size={700} weight="semibold" block>
        {t('notFoundTitle')}
      </Text>
      <Text as="p" block>
        {t('notFound')}
      </Text>
      <Button appearance="primary" onClick={() => navigate('/insights')}>
        {t('backHome')}
      </Button>
    </section>
  );
}

const router = createBrowserRouter([
  {
    path: '/sign-in',
    element: (
      <Suspense fallback={<Loading />}>
        <SignInPage />
      </Suspense>
    ),
  },
  {
    element: <SignedIn />,
    children: [
      { path: '/', element: <Home /> },
      {
        path: '/insights',
        element: (
          <Needs right="read_aggregates">
            <PortfolioPage />
          </Needs>
        ),
      },
      {
        path: '/customers/:customerId',
        element: (
          <Needs right="read_aggregates">
            <CustomerPage />
          </Needs>
        ),
      },
      {
        path: '/customers/:customerId/subscriptions',
        element: (
          <Needs right="read_subscriptions">
            <SubscriptionsPage />
          </Needs>
        ),
      },
      {
        path: '/recommendations',
        element: (
          <Needs right="read_aggregates">
            <RecommendationsPage />
          </Needs>
        ),
      },
      {
        path: '/imports',
        element: (
          <Needs right="manage_data">
            <ImportsPage />
          </Needs>
        ),
      },
      {
        path: '/settings',
        element: (
          <Needs right="manage_data">
            <SettingsPage />
          </Needs>
        ),
      },
      {
        path: '/staff',
        element: (
          <Needs right="manage_staff">
            <StaffPage />
          </Needs>
        ),
      },
      {
        path: '/tokens',
        element: (
          <Needs right={null}>
            <TokensPage />
          </Needs>
        ),
      },
      {
        path: '/audit',
        element: (
          <Needs right="read_audit">
            <AuditPage />
          </Needs>
        ),
      },
      { path: '*', element: <NotFound /> },
    ],
  },
]);

export function App() {
  return <RouterProvider router={router} />;
}
