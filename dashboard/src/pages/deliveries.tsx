/**
 * Events and their deliveries: each event with every endpoint's attempts (time, status,
 * latency, response excerpt, next retry) and a redeliver button.
 *
 * The API lists attempts per endpoint, not per event, so the console reads each endpoint's
 * recent log (a few pages) and groups it by event id.
 */
import { call, getAll } from '../api';
import { utc } from '../format';
import type { ApiEvent, Attempt, Endpoint } from '../types';
import { Badge, NoticeArea, useAction } from '../ui';

export interface DeliveryLog {
  endpoints: Endpoint[];
  /** eventId → endpointId → attempts, oldest first. */
  attempts: Map<string, Map<string, Attempt[]>>;
}

export async function loadDeliveryLog(eventIds: ReadonlySet<string>): Promise<DeliveryLog> {
  const endpoints = await getAll<Endpoint>('v1/webhook-endpoints', 2);
  const attempts = new Map<string, Map<string, Attempt[]>>();
  const logs = await Promise.all(
    endpoints.map((endpoint) =>
      getAll<Attempt>(`v1/webhook-endpoints/${encodeURIComponent(endpoint.id)}/deliveries`, 3),
    ),
  );
  for (const attempt of logs.flat()) {
    if (!eventIds.has(attempt.eventId)) continue;
    const byEndpoint = attempts.get(attempt.eventId) ?? new Map<string, Attempt[]>();
    byEndpoint.set(attempt.endpointId, [...(byEndpoint.get(attempt.endpointId) ?? []), attempt]);
    attempts.set(attempt.eventId, byEndpoint);
  }
  for (const byEndpoint of attempts.values()) {
    for (const list of byEndpoint.values())
      list.sort((a, b) => a.attemptedAt.localeCompare(b.attemptedAt));
  }
  return { endpoints, attempts };
}

export function AttemptTable({ attempts, caption }: { attempts: Attempt[]; caption: string }) {
  return (
    <div class="table-wrap">
      <table class="attempts">
        <caption>{caption}</caption>
        <thead>
          <tr>
            <th scope="col">Attempt</th>
            <th scope="col">Time (UTC, real clock)</th>
            <th scope="col">Result</th>
            <th scope="col">Latency</th>
            <th scope="col">Response</th>
            <th scope="col">Next retry</th>
          </tr>
        </thead>
        <tbody>
          {attempts.map((attempt) => (
            <tr key={attempt.id} data-outcome={attempt.outcome}>
              <td>#{attempt.attempt}</td>
              <td>{utc(attempt.attemptedAt)}</td>
              <td>
                <Badge tone={attempt.outcome}>
                  {attempt.outcome}
                  {attempt.statusCode ? ` ${attempt.statusCode}` : ''}
                </Badge>
                {attempt.error ? <span class="muted"> {attempt.error}</span> : null}
              </td>
              <td>{attempt.latencyMs} ms</td>
              <td>
                <code class="excerpt">{(attempt.responseBody ?? '').slice(0, 160) || '—'}</code>
              </td>
              <td>{attempt.nextAttemptAt ? utc(attempt.nextAttemptAt) : '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function EventDeliveries(props: {
  events: ApiEvent[];
  log: DeliveryLog;
  onChanged: () => void;
}) {
  const action = useAction();
  const endpointUrl = (id: string) => props.log.endpoints.find((e) => e.id === id)?.url ?? id;
  return (
    <section aria-labelledby="events-heading">
      <h2 id="events-heading">Events and deliveries</h2>
      <NoticeArea notice={action.notice} />
      {props.events.length === 0 ? <p>No events yet.</p> : null}
      <ol class="events">
        {props.events.map((event) => {
          const byEndpoint = props.log.attempts.get(event.id);
          return (
            <li key={event.id} class="event" data-event-id={event.id}>
              <div class="event-head">
                <code>{event.type}</code>
                <span class="muted">{utc(event.timestamp)}</span>
                <code class="muted">{event.id}</code>
                <button
                  type="button"
                  disabled={action.busy}
                  onClick={() =>
                    action.run(async () => {
                      const result = await call<{ endpointIds: string[] }>(
                        'POST',
                        `v1/events/${encodeURIComponent(event.id)}/redeliver`,
                        { body: {} },
                      );
                      props.onChanged();
                      return `Redelivery of ${event.type} queued for ${result.data.endpointIds.length} endpoint(s).`;
                    })
                  }
                >
                  Redeliver
                  <span class="visually-hidden">
                    {' '}
                    {event.type} {event.id}
                  </span>
                </button>
              </div>
              {byEndpoint && byEndpoint.size > 0 ? (
                [...byEndpoint].map(([endpointId, attempts]) => (
                  <AttemptTable
                    key={endpointId}
                    attempts={attempts}
                    caption={`Attempts to ${endpointUrl(endpointId)}`}
                  />
                ))
              ) : (
                <p class="muted">No delivery attempts recorded.</p>
              )}
            </li>
          );
        })}
      </ol>
    </section>
  );
}
