/** Small pieces every page uses: loading data, reporting outcomes, showing a secret once. */
import type { Child } from 'hono/jsx';
import { useCallback, useEffect, useState } from 'hono/jsx/dom';
import { describeError } from './api';

export interface Loaded<T> {
  data: T | undefined;
  error: string | undefined;
  loading: boolean;
  reload: () => void;
}

/** Runs `load` on mount and whenever `deps` change; `reload()` runs it again. */
export function useLoad<T>(load: () => Promise<T>, deps: unknown[]): Loaded<T> {
  const [state, setState] = useState<{ data?: T; error?: string; loading: boolean }>({
    loading: true,
  });
  const [round, setRound] = useState(0);
  useEffect(() => {
    let current = true;
    setState((previous) => ({ ...previous, loading: true }));
    load().then(
      (data) => current && setState({ data, loading: false }),
      (error: unknown) => current && setState({ error: describeError(error), loading: false }),
    );
    return () => {
      current = false;
    };
  }, [...deps, round]);
  const reload = useCallback(() => setRound((n) => n + 1), []);
  return { data: state.data, error: state.error, loading: state.loading, reload };
}

export type Notice = { kind: 'ok' | 'error'; text: string } | undefined;

/** The outcome of the last action: announced politely on success, assertively on failure. */
export function NoticeArea({ notice }: { notice: Notice }) {
  return (
    <div class="notice-area">
      <p role="status" class={notice?.kind === 'ok' ? 'notice ok' : 'notice empty'}>
        {notice?.kind === 'ok' ? notice.text : ''}
      </p>
      <p role="alert" class={notice?.kind === 'error' ? 'notice error' : 'notice empty'}>
        {notice?.kind === 'error' ? notice.text : ''}
      </p>
    </div>
  );
}

/** Wraps an action so its outcome lands in a notice and errors never escape. */
export function useAction(): {
  notice: Notice;
  busy: boolean;
  run: (action: () => Promise<string>) => Promise<void>;
  setNotice: (notice: Notice) => void;
} {
  const [notice, setNotice] = useState<Notice>(undefined);
  const [busy, setBusy] = useState(false);
  const run = useCallback(async (action: () => Promise<string>) => {
    setBusy(true);
    setNotice(undefined);
    try {
      setNotice({ kind: 'ok', text: await action() });
    } catch (error) {
      setNotice({ kind: 'error', text: describeError(error) });
    } finally {
      setBusy(false);
    }
  }, []);
  return { notice, busy, run, setNotice };
}

export function LoadState<T>({ loaded, children }: { loaded: Loaded<T>; children: Child }) {
  if (loaded.error)
    return (
      <p role="alert" class="notice error">
        {loaded.error}
      </p>
    );
  if (loaded.data === undefined) return <p class="muted">Loading…</p>;
  return <>{children}</>;
}

/** A secret shown once, with a copy button (Stripe and Svix do the same). */
export function OneTimeSecret({ secret, label }: { secret: string; label: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <section class="secret" aria-label={label}>
      <h3>{label}</h3>
      <p>Copy it now: it is shown only once and cannot be read back later.</p>
      <div class="secret-row">
        <code data-testid="secret">{secret}</code>
        <button
          type="button"
          onClick={async () => {
            await navigator.clipboard?.writeText(secret).catch(() => undefined);
            setCopied(true);
          }}
        >
          Copy
        </button>
        <span role="status">{copied ? 'Copied' : ''}</span>
      </div>
    </section>
  );
}

export function Badge({ tone, children }: { tone: string; children: Child }) {
  return <span class={`badge ${tone}`}>{children}</span>;
}

/** Moves focus to the page heading after navigation, so screen readers hear where they are. */
export function useFocusHeading(key: string): void {
  useEffect(() => {
    document.querySelector<HTMLElement>('main h1')?.focus();
  }, [key]);
}
