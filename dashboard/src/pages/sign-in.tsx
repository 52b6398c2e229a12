import { useState } from 'hono/jsx/dom';
import { call, describeError, session } from '../api';
import { useFocusHeading } from '../ui';

/**
 * Sign-in with an API key. The key stays in this tab's sessionStorage: never in a URL, a
 * cookie or local storage, and it is gone when the tab closes.
 */
export function SignInPage(props: { local: boolean; reason?: string; onSignedIn: () => void }) {
  const [key, setKey] = useState('');
  const [error, setError] = useState<string | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  useFocusHeading('sign-in');

  const tryKey = async (candidate: string) => {
    setBusy(true);
    setError(undefined);
    session.signIn(candidate);
    try {
      // Any authenticated read proves the key; a page of one interview is the cheapest.
      await call('GET', 'v1/interviews?limit=1', { anonymous: false });
      props.onSignedIn();
    } catch (caught) {
      session.signOut();
      setError(describeError(caught));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section class="sign-in">
      <h1 tabIndex={-1}>Sign in</h1>
      {props.reason ? <p role="status">{props.reason}</p> : null}
      <form
        onSubmit={(event: Event) => {
          event.preventDefault();
          if (key.trim()) void tryKey(key.trim());
        }}
      >
        <label for="api-key">API key</label>
        <input
          id="api-key"
          name="api-key"
          type="password"
          autocomplete="off"
          spellcheck={false}
          value={key}
          onInput={(event: Event) => setKey((event.target as HTMLInputElement).value)}
          aria-describedby="api-key-help"
        />
        <p id="api-key-help" class="muted">
          Kept in this browser tab only (sessionStorage) and sent as{' '}
          <code>Authorization: Bearer</code>.
        </p>
        <button type="submit" disabled={busy}>
          Sign in
        </button>
      </form>
      {props.local ? (
        <div class="local-sign-in">
          <p>
            This is the local runtime: use the development key that <code>npm start</code> printed.
          </p>
          <button
            type="button"
            disabled={busy}
            onClick={async () => {
              try {
                const answer = await call<{ apiKey: string }>('POST', 'dashboard/local-sign-in', {
                  anonymous: true,
                });
                await tryKey(answer.data.apiKey);
              } catch (caught) {
                setError(describeError(caught));
              }
            }}
          >
            Sign in with the development key
          </button>
        </div>
      ) : null}
      {error ? (
        <p role="alert" class="notice error">
          {error}
        </p>
      ) : null}
    </section>
  );
}
