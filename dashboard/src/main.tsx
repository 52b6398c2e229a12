/**
 * The Afterview console: a single page with hash routes (`#/interviews/int_…`), so it needs
 * no server routes of its own and works under any path prefix.
 */
import { render, useEffect, useState } from 'hono/jsx/dom';
import './styles.css';
import { call, session, whenUnauthorized } from './api';
import { EndpointPage } from './pages/endpoint';
import { EndpointsPage } from './pages/endpoints';
import { InterviewPage } from './pages/interview';
import { InterviewsPage } from './pages/interviews';
import { SandboxPage } from './pages/sandbox';
import { SignInPage } from './pages/sign-in';

function currentRoute(): string[] {
  return location.hash.replace(/^#\/?/, '').split('/').filter(Boolean).map(decodeURIComponent);
}

function useRoute(): string[] {
  const [route, setRoute] = useState(currentRoute());
  useEffect(() => {
    const update = () => setRoute(currentRoute());
    window.addEventListener('hashchange', update);
    return () => window.removeEventListener('hashchange', update);
  }, []);
  return route;
}

/** True on the local runtime, where the sandbox routes answer (they are 404 elsewhere). */
function useIsLocal(): boolean | undefined {
  const [local, setLocal] = useState<boolean | undefined>(undefined);
  useEffect(() => {
    call('GET', 'v1/sandbox/clock', { anonymous: true }).then(
      () => setLocal(true),
      () => setLocal(false),
    );
  }, []);
  return local;
}

function Page({ route, local }: { route: string[]; local: boolean }) {
  const [section, id] = route;
  if (section === 'interviews' && id) return <InterviewPage id={id} local={local} />;
  if (section === 'endpoints' && id) return <EndpointPage id={id} />;
  if (section === 'endpoints') return <EndpointsPage />;
  if (section === 'sandbox' && local) return <SandboxPage />;
  return <InterviewsPage />;
}

function App() {
  const [signedIn, setSignedIn] = useState(session.key() !== null);
  const [signedOutReason, setSignedOutReason] = useState<string | undefined>(undefined);
  const route = useRoute();
  const local = useIsLocal();

  useEffect(() => {
    whenUnauthorized(() => {
      session.signOut();
      setSignedOutReason('The API refused the key (401). Sign in again.');
      setSignedIn(false);
    });
  }, []);

  const section = route[0] ?? 'interviews';
  const link = (name: string, label: string) => (
    <a href={`#/${name}`} aria-current={section === name ? 'page' : undefined}>
      {label}
    </a>
  );

  return (
    <>
      <button type="button" class="skip" onClick={skipToMain}>
        Skip to content
      </button>
      <header class="top">
        <span class="brand">Afterview console</span>
        {signedIn ? (
          <nav aria-label="Sections">
            {link('interviews', 'Interviews')}
            {link('endpoints', 'Webhook endpoints')}
            {local ? link('sandbox', 'Sandbox') : null}
            <button
              type="button"
              class="link"
              onClick={() => {
                session.signOut();
                setSignedOutReason('Signed out.');
                setSignedIn(false);
              }}
            >
              Sign out
            </button>
          </nav>
        ) : null}
        {local ? <span class="env">local runtime</span> : null}
      </header>
      <main id="main" tabIndex={-1}>
        {signedIn ? (
          <Page route={route} local={local === true} />
        ) : (
          <SignInPage
            local={local === true}
            reason={signedOutReason}
            onSignedIn={() => {
              setSignedOutReason(undefined);
              setSignedIn(true);
            }}
          />
        )}
      </main>
    </>
  );
}

// A button, not a `#main` link: the hash belongs to the router.
function skipToMain(): void {
  document.getElementById('main')?.focus();
}

const root = document.getElementById('app');
if (root) {
  root.replaceChildren();
  render(<App />, root);
}
