// The sign-in gate and the router. A section the role may not open shows "Sin permiso" (never a
// blank page); an expired session shows the sign-in dialog over the still-mounted page.
import { Suspense, useState } from 'react';
import { Link, Route, Switch, useLocation } from 'wouter';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { ApiError } from '../api/client.ts';
import { FirstRunForm } from '../auth/FirstRunForm.tsx';
import { LoginForm } from '../auth/LoginForm.tsx';
import { SessionProvider, useSession } from '../auth/session.tsx';
import { Dialog } from '../components/Dialog.tsx';
import { Page } from '../components/Page.tsx';
import { Loading } from '../components/states.tsx';
import { t } from '../i18n/index.ts';
import { Layout } from './Layout.tsx';
import { PageErrorBoundary } from './PageErrorBoundary.tsx';
import { SECTIONS, type Section } from './routes.ts';

const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      staleTime: 15_000,
      refetchOnWindowFocus: false,
      // Client errors (401, 403, 404) will not fix themselves; retry only the server's and the network's.
      retry: (failures, error) => failures < 2 && !(error instanceof ApiError && error.status < 500),
    },
  },
});

function Forbidden() {
  return (
    <Page title={t.forbidden.title}>
      <p role="alert">{t.forbidden.body}</p>
      <p>
        <Link href="/">{t.forbidden.back}</Link>
      </p>
    </Page>
  );
}

function NotFound() {
  return (
    <Page title={t.notFound.title}>
      <p>{t.notFound.body}</p>
      <p>
        <Link href="/">{t.forbidden.back}</Link>
      </p>
    </Page>
  );
}

function SectionRoute({ section }: { section: Section }) {
  const { can } = useSession();
  if (!can(section.permission)) return <Forbidden />;
  const PageComponent = section.page;
  return <PageComponent />;
}

function SignedInApp() {
  const { expired } = useSession();
  const [location] = useLocation();
  return (
    <Layout>
      <PageErrorBoundary resetKey={location}>
        <Suspense fallback={<Loading />}>
          <Switch>
            {SECTIONS.map((s) => (
              <Route key={s.path} path={s.path}>
                <SectionRoute section={s} />
              </Route>
            ))}
            <Route>
              <NotFound />
            </Route>
          </Switch>
        </Suspense>
      </PageErrorBoundary>
      <Dialog title={t.login.expiredTitle} open={expired} onClose={() => undefined} dismissible={false}>
        <LoginForm expired />
      </Dialog>
    </Layout>
  );
}

function SignedOut() {
  const [firstRun, setFirstRun] = useState(false);
  return (
    <main id="main" className="login-page">
      {firstRun ? (
        <FirstRunForm onBack={() => setFirstRun(false)} />
      ) : (
        <div className="login-stack">
          <LoginForm />
          <button type="button" className="link" onClick={() => setFirstRun(true)}>
            {t.firstRun.link}
          </button>
        </div>
      )}
    </main>
  );
}

function Gate() {
  const { session } = useSession();
  if (session === undefined) return <Loading rows={3} />;
  if (session === null) return <SignedOut />;
  // Keyed by account: another person signing in over an expired session starts from a fresh page,
  // while the same person keeps what they had typed.
  return <SignedInApp key={session.user.id} />;
}

export function App() {
  return (
    <QueryClientProvider client={queryClient}>
      <SessionProvider>
        <Gate />
      </SessionProvider>
    </QueryClientProvider>
  );
}
