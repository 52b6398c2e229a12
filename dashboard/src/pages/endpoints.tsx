import { useState } from 'hono/jsx/dom';
import { call, getAll } from '../api';
import { utc } from '../format';
import type { Endpoint, EndpointWithSecret } from '../types';
import {
  Badge,
  LoadState,
  NoticeArea,
  OneTimeSecret,
  useAction,
  useFocusHeading,
  useLoad,
} from '../ui';
import { EventTypePicker } from './event-types';

/** Webhook endpoints: the list, and a form to add one (its secret is shown once). */
export function EndpointsPage() {
  const loaded = useLoad(() => getAll<Endpoint>('v1/webhook-endpoints', 5), []);
  const action = useAction();
  const [url, setUrl] = useState('');
  const [description, setDescription] = useState('');
  const [types, setTypes] = useState<string[]>([]);
  const [created, setCreated] = useState<EndpointWithSecret | undefined>(undefined);
  useFocusHeading('endpoints');

  return (
    <section>
      <h1 tabIndex={-1}>Webhook endpoints</h1>
      <LoadState loaded={loaded}>
        {(loaded.data ?? []).length === 0 ? (
          <p>No endpoints yet.</p>
        ) : (
          <div class="table-wrap">
            <table>
              <caption class="visually-hidden">Webhook endpoints, newest first</caption>
              <thead>
                <tr>
                  <th scope="col">URL</th>
                  <th scope="col">Description</th>
                  <th scope="col">State</th>
                  <th scope="col">Event types</th>
                  <th scope="col">Last success</th>
                </tr>
              </thead>
              <tbody>
                {(loaded.data ?? []).map((endpoint) => (
                  <tr key={endpoint.id}>
                    <td>
                      <a href={`#/endpoints/${encodeURIComponent(endpoint.id)}`}>{endpoint.url}</a>
                    </td>
                    <td>{endpoint.description ?? '—'}</td>
                    <td>
                      <Badge tone={endpoint.enabled ? 'enabled' : 'disabled'}>
                        {endpoint.enabled ? 'enabled' : 'disabled'}
                      </Badge>
                      {endpoint.disabledReason ? (
                        <span class="muted"> {endpoint.disabledReason}</span>
                      ) : null}
                    </td>
                    <td>{endpoint.eventTypes.length === 0 ? 'all' : endpoint.eventTypes.length}</td>
                    <td>{utc(endpoint.lastSuccessAt)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </LoadState>

      <h2>Add an endpoint</h2>
      <form
        class="stack"
        onSubmit={(event: Event) => {
          event.preventDefault();
          void action.run(async () => {
            const answer = await call<EndpointWithSecret>('POST', 'v1/webhook-endpoints', {
              body: {
                url: url.trim(),
                ...(description.trim() ? { description: description.trim() } : {}),
                ...(types.length > 0 ? { eventTypes: types } : {}),
              },
            });
            setCreated(answer.data);
            setUrl('');
            setDescription('');
            setTypes([]);
            loaded.reload();
            return `Endpoint ${answer.data.url} added.`;
          });
        }}
      >
        <label>
          URL
          <input
            name="url"
            type="url"
            required
            value={url}
            placeholder="https://ats.example.com/hooks/afterview"
            onInput={(event: Event) => setUrl((event.target as HTMLInputElement).value)}
          />
        </label>
        <label>
          Description
          <input
            name="description"
            value={description}
            onInput={(event: Event) => setDescription((event.target as HTMLInputElement).value)}
          />
        </label>
        <EventTypePicker value={types} onChange={setTypes} />
        <button type="submit" disabled={action.busy}>
          Add endpoint
        </button>
      </form>
      <NoticeArea notice={action.notice} />
      {created ? (
        <>
          <OneTimeSecret secret={created.secret} label="Signing secret" />
          <p>
            <a href={`#/endpoints/${encodeURIComponent(created.id)}`}>Open {created.url}</a>
          </p>
        </>
      ) : null}
    </section>
  );
}
