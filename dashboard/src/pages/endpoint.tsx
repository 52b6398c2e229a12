import { useState } from 'hono/jsx/dom';
import { call, get } from '../api';
import { utc } from '../format';
import type { Attempt, Endpoint, EndpointWithSecret, Page } from '../types';
import {
  Badge,
  LoadState,
  NoticeArea,
  OneTimeSecret,
  useAction,
  useFocusHeading,
  useLoad,
} from '../ui';
import { AttemptTable } from './deliveries';
import { EventTypePicker } from './event-types';

async function loadEndpoint(id: string) {
  const path = `v1/webhook-endpoints/${encodeURIComponent(id)}`;
  const [endpoint, attempts] = await Promise.all([
    get<Endpoint>(path),
    get<Page<Attempt>>(`${path}/deliveries?limit=50`),
  ]);
  return { endpoint, attempts };
}

/** One endpoint: its state, settings, secret rotation, test, recovery and attempt log. */
export function EndpointPage({ id }: { id: string }) {
  const loaded = useLoad(() => loadEndpoint(id), [id]);
  const action = useAction();
  const [secret, setSecret] = useState<string | undefined>(undefined);
  const [types, setTypes] = useState<string[] | undefined>(undefined);
  const [since, setSince] = useState('');
  const [more, setMore] = useState<{ items: Attempt[]; cursor?: string } | undefined>(undefined);
  useFocusHeading(`endpoint-${id}`);

  const path = `v1/webhook-endpoints/${encodeURIComponent(id)}`;
  const endpoint = loaded.data?.endpoint;
  const patch = (body: object, done: string) =>
    action.run(async () => {
      await call('PATCH', path, {
        body,
        headers: endpoint ? { 'If-Match': `"${endpoint.version}"` } : {},
      });
      loaded.reload();
      return done;
    });
  const attempts = [...(loaded.data?.attempts.data ?? []), ...(more?.items ?? [])];
  const cursor = more ? more.cursor : loaded.data?.attempts.nextCursor;

  return (
    <section>
      <p class="crumbs">
        <a href="#/endpoints">Webhook endpoints</a>
      </p>
      <h1 tabIndex={-1}>{endpoint?.url ?? 'Webhook endpoint'}</h1>
      <LoadState loaded={loaded}>
        {endpoint ? (
          <>
            <dl class="facts">
              <dt>State</dt>
              <dd>
                <Badge tone={endpoint.enabled ? 'enabled' : 'disabled'}>
                  {endpoint.enabled ? 'enabled' : 'disabled'}
                </Badge>
                {endpoint.disabledReason ? (
                  <span data-testid="disabled-reason">
                    {' '}
                    {endpoint.disabledReason} ({utc(endpoint.disabledAt)})
                  </span>
                ) : null}
              </dd>
              <dt>Id / version</dt>
              <dd>
                <code>{endpoint.id}</code> v{endpoint.version}
              </dd>
              <dt>Description</dt>
              <dd>{endpoint.description ?? '—'}</dd>
              <dt>Last success</dt>
              <dd>{utc(endpoint.lastSuccessAt)}</dd>
              {endpoint.secretRotatingUntil ? (
                <>
                  <dt>Previous secret</dt>
                  <dd>still signs until {utc(endpoint.secretRotatingUntil)}</dd>
                </>
              ) : null}
            </dl>
            <NoticeArea notice={action.notice} />
            {secret ? <OneTimeSecret secret={secret} label="New signing secret" /> : null}
            <div class="actions">
              <button
                type="button"
                disabled={action.busy}
                onClick={() =>
                  patch(
                    { enabled: !endpoint.enabled },
                    endpoint.enabled ? 'Endpoint disabled.' : 'Endpoint enabled.',
                  )
                }
              >
                {endpoint.enabled ? 'Disable' : 'Enable'}
              </button>
              <button
                type="button"
                disabled={action.busy}
                onClick={() =>
                  action.run(async () => {
                    const answer = await call<EndpointWithSecret>('POST', `${path}/rotate-secret`, {
                      body: {},
                    });
                    setSecret(answer.data.secret);
                    loaded.reload();
                    return 'Secret rotated: the previous one keeps signing for 24 hours.';
                  })
                }
              >
                Rotate secret
              </button>
              <button
                type="button"
                disabled={action.busy}
                onClick={() =>
                  action.run(async () => {
                    const answer = await call<Attempt>('POST', `${path}/test`, { body: {} });
                    loaded.reload();
                    const a = answer.data;
                    return `Test event: ${a.outcome}${a.statusCode ? ` (${a.statusCode})` : ''} in ${a.latencyMs} ms.`;
                  })
                }
              >
                Send test event
              </button>
            </div>

            <h2>Event types</h2>
            <form
              onSubmit={(event: Event) => {
                event.preventDefault();
                const chosen = types ?? endpoint.eventTypes;
                void patch({ eventTypes: chosen.length > 0 ? chosen : null }, 'Event types saved.');
              }}
            >
              <EventTypePicker value={types ?? endpoint.eventTypes} onChange={setTypes} />
              <button type="submit" disabled={action.busy}>
                Save event types
              </button>
            </form>

            <h2>Recover failed deliveries</h2>
            <form
              class="inline"
              onSubmit={(event: Event) => {
                event.preventDefault();
                void action.run(async () => {
                  const instant = new Date(since).toISOString();
                  const answer = await call<{ recovered: number }>('POST', `${path}/recover`, {
                    body: { since: instant },
                  });
                  loaded.reload();
                  return `${answer.data.recovered} deliveries queued again.`;
                });
              }}
            >
              <label>
                Since (your local time)
                <input
                  name="since"
                  type="datetime-local"
                  required
                  value={since}
                  onInput={(event: Event) => setSince((event.target as HTMLInputElement).value)}
                />
              </label>
              <button type="submit" disabled={action.busy}>
                Recover
              </button>
            </form>

            <h2>Attempt log</h2>
            {attempts.length === 0 ? <p>No attempts yet.</p> : null}
            {attempts.length > 0 ? (
              <AttemptLog
                attempts={attempts}
                busy={action.busy}
                onRedeliver={(eventId) =>
                  action.run(async () => {
                    await call('POST', `v1/events/${encodeURIComponent(eventId)}/redeliver`, {
                      body: { endpointId: endpoint.id },
                    });
                    loaded.reload();
                    return `Event ${eventId} queued again for this endpoint.`;
                  })
                }
              />
            ) : null}
            {cursor ? (
              <button
                type="button"
                onClick={async () => {
                  const page = await get<Page<Attempt>>(
                    `${path}/deliveries?limit=50&cursor=${encodeURIComponent(cursor)}`,
                  );
                  setMore({
                    items: [...(more?.items ?? []), ...page.data],
                    ...(page.nextCursor ? { cursor: page.nextCursor } : {}),
                  });
                }}
              >
                Load older attempts
              </button>
            ) : null}
          </>
        ) : null}
      </LoadState>
    </section>
  );
}

function AttemptLog(props: {
  attempts: Attempt[];
  busy: boolean;
  onRedeliver: (eventId: string) => void;
}) {
  const events = [...new Set(props.attempts.map((attempt) => attempt.eventId))];
  return (
    <ol class="events">
      {events.map((eventId) => (
        <li key={eventId} class="event" data-event-id={eventId}>
          <div class="event-head">
            <code>{eventId}</code>
            <button type="button" disabled={props.busy} onClick={() => props.onRedeliver(eventId)}>
              Redeliver<span class="visually-hidden"> {eventId}</span>
            </button>
          </div>
          <AttemptTable
            attempts={props.attempts.filter((attempt) => attempt.eventId === eventId)}
            caption={`Attempts for ${eventId}, newest first`}
          />
        </li>
      ))}
    </ol>
  );
}
