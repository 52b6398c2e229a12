import { useState } from 'hono/jsx/dom';
import { call, get, getAll } from '../api';
import { inZone, utc, words } from '../format';
import type { ApiEvent, Interview, Step } from '../types';
import { Badge, LoadState, NoticeArea, useAction, useFocusHeading, useLoad } from '../ui';
import { EventDeliveries, loadDeliveryLog } from './deliveries';
import { planChanges, stepLabel, Timeline } from './timeline';

const open = (step: Step) => step.status === 'scheduled' || step.status === 'due';

async function loadInterview(id: string, local: boolean) {
  const path = `v1/interviews/${encodeURIComponent(id)}`;
  const [answer, events, clock] = await Promise.all([
    call<Interview>('GET', path),
    getAll<ApiEvent>(`v1/events?interviewId=${encodeURIComponent(id)}`, 2),
    local ? get<{ now: string }>('v1/sandbox/clock').catch(() => undefined) : undefined,
  ]);
  const log = await loadDeliveryLog(new Set(events.map((event) => event.id)));
  return { interview: answer.data, events, log, now: clock?.now ?? new Date().toISOString() };
}

/** The signal types the API accepts, read from its own OpenAPI document. */
async function signalTypes(): Promise<string[]> {
  type Schema = { oneOf?: Array<{ properties?: { type?: { const?: string; enum?: string[] } } }> };
  const document = await get<{ components?: { schemas?: Record<string, Schema> } }>('openapi.json');
  const variants = document.components?.schemas?.Signal?.oneOf ?? [];
  return variants
    .map((variant) => variant.properties?.type?.const ?? variant.properties?.type?.enum?.[0])
    .filter((type): type is string => typeof type === 'string');
}

const signalTemplates: Record<string, string> = {
  employer_replied: '{\n  "decisionExpectedBy": "YYYY-MM-DD"\n}',
  next_round:
    '{\n  "startsAt": "…",\n  "endsAt": "…",\n  "interviewers": [{ "name": "…", "email": "…" }]\n}',
  rescheduled: '{\n  "startsAt": "…",\n  "endsAt": "…"\n}',
};

export function InterviewPage({ id, local }: { id: string; local: boolean }) {
  const loaded = useLoad(() => loadInterview(id, local), [id, local]);
  const [selected, setSelected] = useState<string | undefined>(undefined);
  const action = useAction();
  useFocusHeading(`interview-${id}`);

  const data = loaded.data;
  const interview = data?.interview;
  const step = interview?.steps.find((s) => s.id === selected);
  const act = (path: string, body: unknown, done: string) =>
    action.run(async () => {
      await call('POST', `v1/interviews/${encodeURIComponent(id)}/${path}`, { body });
      loaded.reload();
      return done;
    });

  return (
    <section>
      <p class="crumbs">
        <a href="#/interviews">Interviews</a>
      </p>
      <h1 tabIndex={-1}>
        {interview
          ? `${interview.candidate?.name ?? interview.id} — ${interview.role?.title ?? ''}`
          : 'Interview'}
      </h1>
      <LoadState loaded={loaded}>
        {interview && data ? (
          <>
            <dl class="facts">
              <dt>Status</dt>
              <dd>
                <Badge tone={interview.status}>
                  {interview.status}
                  {interview.closedReason ? ` (${words(interview.closedReason)})` : ''}
                </Badge>
              </dd>
              <dt>Company</dt>
              <dd>{interview.role?.company ?? '—'}</dd>
              <dt>Round</dt>
              <dd>
                {interview.round} ({interview.format})
              </dd>
              <dt>Interview</dt>
              <dd>{inZone(interview.startsAt, interview.timeZone)}</dd>
              <dt>External id</dt>
              <dd>{interview.externalId ?? '—'}</dd>
              <dt>Id / version</dt>
              <dd>
                <code>{interview.id}</code> v{interview.version}
              </dd>
            </dl>
            {local ? <SandboxBar now={data.now} onAdvanced={loaded.reload} /> : null}
            <h2>Plan</h2>
            <Timeline
              interview={interview}
              changes={planChanges(interview, data.events)}
              now={data.now}
              selected={selected}
              onSelect={setSelected}
            />
            <NoticeArea notice={action.notice} />
            {step ? (
              <StepDetails
                step={step}
                busy={action.busy}
                onComplete={() =>
                  act(`steps/${step.id}/complete`, undefined, `${stepLabel(step)}: completed.`)
                }
                onSkip={() =>
                  act(`steps/${step.id}/skip`, undefined, `${stepLabel(step)}: skipped.`)
                }
                onSnooze={(by) =>
                  act(`steps/${step.id}/snooze`, { by }, `${stepLabel(step)}: snoozed by ${by}.`)
                }
              />
            ) : (
              <p class="muted">
                Select a step on the timeline or in the list for its reason and draft.
              </p>
            )}
            <StepList steps={interview.steps} selected={selected} onSelect={setSelected} />
            {interview.status === 'active' ? (
              <SignalForm
                busy={action.busy}
                onPost={(signal) =>
                  act('signals', signal, `Signal ${signal.type} posted; the plan is updated.`)
                }
              />
            ) : null}
            <EventDeliveries events={data.events} log={data.log} onChanged={loaded.reload} />
          </>
        ) : null}
      </LoadState>
    </section>
  );
}

function StepList(props: { steps: Step[]; selected?: string; onSelect: (id: string) => void }) {
  const steps = [...props.steps].sort((a, b) => a.dueAt.localeCompare(b.dueAt));
  return (
    <div class="table-wrap">
      <table class="steps">
        <caption>Steps by due time, in each recipient's time zone</caption>
        <thead>
          <tr>
            <th scope="col">Step</th>
            <th scope="col">Due (recipient's time)</th>
            <th scope="col">Channel</th>
            <th scope="col">Status</th>
          </tr>
        </thead>
        <tbody>
          {steps.map((step) => (
            <tr key={step.id} class={step.status === 'cancelled' ? 'cancelled' : ''}>
              <td>
                <button
                  type="button"
                  class="link"
                  aria-pressed={props.selected === step.id ? 'true' : 'false'}
                  onClick={() => props.onSelect(step.id)}
                >
                  {stepLabel(step)}
                </button>
              </td>
              <td>
                {inZone(step.dueAt, step.timeZone)} <span class="muted">{step.timeZone}</span>
              </td>
              <td>{step.channel}</td>
              <td>
                <Badge tone={step.status}>{step.status}</Badge>
                {step.late ? <Badge tone="late">late</Badge> : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function StepDetails(props: {
  step: Step;
  busy: boolean;
  onComplete: () => void;
  onSkip: () => void;
  onSnooze: (by: string) => void;
}) {
  const { step } = props;
  const [by, setBy] = useState('P2D');
  return (
    <section class="step-details" aria-labelledby="step-heading" data-step-id={step.id}>
      <h2 id="step-heading">
        <span class={step.status === 'cancelled' ? 'struck' : ''}>{stepLabel(step)}</span>{' '}
        <Badge tone={step.status}>{step.status}</Badge>
        {step.late ? <Badge tone="late">late</Badge> : null}
      </h2>
      <dl class="facts">
        <dt>Due</dt>
        <dd>
          {inZone(step.dueAt, step.timeZone)} ({step.timeZone}) · {utc(step.dueAt)}
        </dd>
        {step.deadline ? (
          <>
            <dt>Deadline</dt>
            <dd>{inZone(step.deadline, step.timeZone)}</dd>
          </>
        ) : null}
        <dt>Recipient</dt>
        <dd>
          {step.recipient.name} ({words(step.recipient.role)}) by {step.channel}
          {step.recipient.email ? ` · ${step.recipient.email}` : ''}
        </dd>
        <dt>Why then</dt>
        <dd class="reason">{step.reason}</dd>
        {step.cancelReason ? (
          <>
            <dt>Cancelled</dt>
            <dd class="cancel-reason">
              {step.cancelReason}
              {step.cancelledAt ? ` (${utc(step.cancelledAt)})` : ''}
            </dd>
          </>
        ) : null}
        {step.completedAt ? (
          <>
            <dt>Done</dt>
            <dd>{utc(step.completedAt)}</dd>
          </>
        ) : null}
      </dl>
      {step.draft ? (
        <div class="draft">
          <h3>Draft</h3>
          <p>
            <strong>Subject:</strong> {step.draft.subject}
          </p>
          <pre>{step.draft.body}</pre>
        </div>
      ) : null}
      {open(step) ? (
        <div class="actions">
          <button type="button" disabled={props.busy} onClick={props.onComplete}>
            Mark done
          </button>
          <button type="button" disabled={props.busy} onClick={props.onSkip}>
            Skip
          </button>
          <form
            class="inline"
            onSubmit={(event: Event) => {
              event.preventDefault();
              props.onSnooze(by);
            }}
          >
            <label>
              Snooze by (ISO 8601 duration)
              <input
                name="snooze-by"
                value={by}
                size={8}
                onInput={(event: Event) => setBy((event.target as HTMLInputElement).value)}
              />
            </label>
            <button type="submit" disabled={props.busy}>
              Snooze
            </button>
          </form>
        </div>
      ) : null}
    </section>
  );
}

function SignalForm(props: { busy: boolean; onPost: (signal: { type: string }) => void }) {
  const types = useLoad(signalTypes, []);
  const [type, setType] = useState('employer_replied');
  const [fields, setFields] = useState(signalTemplates.employer_replied ?? '{}');
  const [error, setError] = useState<string | undefined>(undefined);
  return (
    <section aria-labelledby="signal-heading">
      <h2 id="signal-heading">Post a signal</h2>
      <form
        class="signal"
        onSubmit={(event: Event) => {
          event.preventDefault();
          try {
            const extra = fields.trim() === '' ? {} : (JSON.parse(fields) as object);
            setError(undefined);
            props.onPost({ ...extra, type });
          } catch {
            setError('The fields are not valid JSON.');
          }
        }}
      >
        <label>
          Type
          <select
            name="signal-type"
            value={type}
            onChange={(event: Event) => {
              const value = (event.target as HTMLSelectElement).value;
              setType(value);
              setFields(signalTemplates[value] ?? '{}');
            }}
          >
            {(
              types.data ?? [
                'employer_replied',
                'rejected',
                'withdrawn',
                'offer',
                'next_round',
                'rescheduled',
              ]
            ).map((name) => (
              <option key={name} value={name}>
                {words(name)}
              </option>
            ))}
          </select>
        </label>
        <label>
          Fields (JSON)
          <textarea
            aria-describedby="signal-help"
            name="signal-fields"
            rows={4}
            value={fields}
            onInput={(event: Event) => setFields((event.target as HTMLTextAreaElement).value)}
          />
        </label>
        {error ? (
          <p role="alert" class="notice error">
            {error}
          </p>
        ) : null}
        <button type="submit" disabled={props.busy}>
          Post signal
        </button>
      </form>
    </section>
  );
}

/** The local runtime's sandbox clock, beside the plan it moves. */
export function SandboxBar({ now, onAdvanced }: { now: string; onAdvanced: () => void }) {
  const [by, setBy] = useState('P1D');
  const action = useAction();
  return (
    <section class="sandbox-bar" aria-label="Sandbox clock">
      <p>
        Sandbox clock: <strong data-testid="sandbox-now">{utc(now)}</strong>
      </p>
      <form
        class="inline"
        onSubmit={(event: Event) => {
          event.preventDefault();
          void action.run(async () => {
            const answer = await call<{ now: string }>('POST', 'v1/sandbox/clock', {
              body: { advanceBy: by },
              anonymous: true,
            });
            onAdvanced();
            return `Clock advanced to ${utc(answer.data.now)}.`;
          });
        }}
      >
        <label>
          Advance by
          <select
            name="advance-by"
            value={by}
            onChange={(event: Event) => setBy((event.target as HTMLSelectElement).value)}
          >
            <option value="PT1H">1 hour</option>
            <option value="PT6H">6 hours</option>
            <option value="P1D">1 day</option>
            <option value="P3D">3 days</option>
            <option value="P7D">7 days</option>
            <option value="P14D">14 days</option>
          </select>
        </label>
        <button type="submit" disabled={action.busy}>
          Advance
        </button>
      </form>
      <NoticeArea notice={action.notice} />
    </section>
  );
}
