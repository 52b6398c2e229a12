import { useState } from 'hono/jsx/dom';
import { get } from '../api';
import { inZone, words } from '../format';
import type { Interview, Page } from '../types';
import { Badge, LoadState, useFocusHeading, useLoad } from '../ui';

/** Interviews, newest first, with the API's own filters: status and exact `externalId`. */
export function InterviewsPage() {
  const [status, setStatus] = useState('');
  const [externalId, setExternalId] = useState('');
  const [query, setQuery] = useState({ status: '', externalId: '' });
  const [pages, setPages] = useState<Interview[]>([]);
  const [cursor, setCursor] = useState<string | undefined>(undefined);
  useFocusHeading('interviews');

  const path = (after?: string) => {
    const params = new URLSearchParams({ limit: '20' });
    if (query.status) params.set('status', query.status);
    if (query.externalId) params.set('externalId', query.externalId);
    if (after) params.set('cursor', after);
    return `v1/interviews?${params}`;
  };
  const loaded = useLoad(async () => {
    const page = await get<Page<Interview>>(path());
    setPages([]);
    setCursor(page.nextCursor);
    return page.data;
  }, [query.status, query.externalId]);

  const rows = [...(loaded.data ?? []), ...pages];
  return (
    <section>
      <h1 tabIndex={-1}>Interviews</h1>
      <form
        class="filters"
        aria-label="Filter interviews"
        onSubmit={(event: Event) => {
          event.preventDefault();
          setQuery({ status, externalId: externalId.trim() });
        }}
      >
        <label>
          Status
          <select
            name="status"
            value={status}
            onChange={(event: Event) => setStatus((event.target as HTMLSelectElement).value)}
          >
            <option value="">Any</option>
            <option value="active">Active</option>
            <option value="closed">Closed</option>
          </select>
        </label>
        <label>
          External id
          <input
            name="externalId"
            type="search"
            value={externalId}
            placeholder="e.g. ats-1001"
            onInput={(event: Event) => setExternalId((event.target as HTMLInputElement).value)}
          />
        </label>
        <button type="submit">Search</button>
      </form>
      <LoadState loaded={loaded}>
        {rows.length === 0 ? (
          <p>
            No interviews match. Create one with <code>POST /v1/interviews</code>.
          </p>
        ) : (
          <div class="table-wrap">
            <table>
              <caption class="visually-hidden">Interviews, newest first</caption>
              <thead>
                <tr>
                  <th scope="col">Candidate</th>
                  <th scope="col">Role</th>
                  <th scope="col">External id</th>
                  <th scope="col">Status</th>
                  <th scope="col">Next step due</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((interview) => (
                  <tr key={interview.id}>
                    <td>
                      <a href={`#/interviews/${encodeURIComponent(interview.id)}`}>
                        {interview.candidate?.name ?? interview.id}
                      </a>
                    </td>
                    <td>
                      {interview.role ? `${interview.role.title}, ${interview.role.company}` : '—'}
                    </td>
                    <td>{interview.externalId ?? '—'}</td>
                    <td>
                      <Badge tone={interview.status}>
                        {interview.status}
                        {interview.closedReason ? ` (${words(interview.closedReason)})` : ''}
                      </Badge>
                    </td>
                    <td>
                      {interview.nextDueAt ? inZone(interview.nextDueAt, interview.timeZone) : '—'}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        {cursor ? (
          <button
            type="button"
            onClick={async () => {
              const page = await get<Page<Interview>>(path(cursor));
              setPages([...pages, ...page.data]);
              setCursor(page.nextCursor);
            }}
          >
            Load more
          </button>
        ) : null}
      </LoadState>
    </section>
  );
}
