/**
 * The plan as a picture: one lane per step kind, each step at its due time, coloured by
 * status; late steps ringed, cancelled ones hollow and struck through; the interview, "now"
 * and every change to the plan (from the interview's events) drawn where they happened.
 *
 * The axis is labelled in the interview's time zone (named under the picture); each step's
 * own zone is in its label and details. Every marker is a keyboard-focusable button.
 */
import { dayLabel, inZone, words, zoneOffsetMs } from '../format';
import type { ApiEvent, Interview, Step } from '../types';

/** A change to the plan, placed at the instant it happened. */
export interface PlanChange {
  at: string;
  label: string;
  kind: 'created' | 'updated' | 'closed';
}

/**
 * The plan's changes: each `interview.*` event, named after what the steps changed at the same
 * instant say (a signal or a snooze cancels steps with its cause as the reason; a step marked
 * done or skipped carries the time). The API records no signal history of its own, so a
 * signal that changed no step shows as a plain "updated".
 */
export function planChanges(interview: Interview, events: readonly ApiEvent[]): PlanChange[] {
  const causes = new Map<string, Set<string>>();
  const note = (instant: string, cause: string) => {
    const at = new Date(instant).getTime().toString();
    causes.set(at, (causes.get(at) ?? new Set()).add(cause));
  };
  for (const step of interview.steps) {
    if (step.cancelledAt && step.cancelReason) {
      note(step.cancelledAt, step.cancelReason.split(/[:;]/)[0]?.trim() ?? step.cancelReason);
    }
    if (step.completedAt) note(step.completedAt, `${words(step.kind)} ${step.status}`);
  }
  return events
    .filter((event) => event.type.startsWith('interview.'))
    .map((event): PlanChange => {
      const kind = event.type.slice('interview.'.length) as PlanChange['kind'];
      const version = typeof event.data.version === 'number' ? event.data.version : undefined;
      const cause = [...(causes.get(new Date(event.timestamp).getTime().toString()) ?? [])];
      const label =
        kind === 'created'
          ? 'created'
          : kind === 'closed'
            ? `closed${event.data.closedReason ? `: ${words(String(event.data.closedReason))}` : ''}`
            : `${cause.length > 0 ? cause.join(', ') : 'updated'}${version ? ` (v${version})` : ''}`;
      return { at: event.timestamp, label, kind };
    })
    .sort((a, b) => a.at.localeCompare(b.at));
}

const laneOrder = [
  'thank_you',
  'handwritten_note',
  'contact_info_needed',
  'check_in',
  'feedback_request',
  'withdrawal_notice',
  'move_on',
];

const width = 960;
const labelWidth = 150;
const right = 24;
const rowHeight = 22;
const markerGap = 18;

export function stepLabel(step: Step): string {
  const what =
    step.kind === 'check_in' && step.checkInNumber
      ? `Check-in ${step.checkInNumber}`
      : words(step.kind).replace(/^./, (c) => c.toUpperCase());
  return `${what} to ${step.recipient.name}`;
}

export function Timeline(props: {
  interview: Interview;
  changes: PlanChange[];
  now: string | undefined;
  selected: string | undefined;
  onSelect: (stepId: string) => void;
}) {
  const { interview, changes } = props;
  const zone = interview.timeZone;
  const times = [
    Date.parse(interview.startsAt),
    Date.parse(interview.endsAt),
    ...interview.steps.map((step) => Date.parse(step.dueAt)),
    ...changes.map((change) => Date.parse(change.at)),
    ...(props.now ? [Date.parse(props.now)] : []),
  ];
  const first = Math.min(...times);
  const last = Math.max(...times);
  const span = Math.max(last - first, 3_600_000);
  const start = first - span * 0.03;
  const end = last + span * 0.03;
  const x = (ms: number) =>
    labelWidth + ((ms - start) / (end - start)) * (width - labelWidth - right);

  // Lanes in a fixed order; markers that would overlap move to another row of the lane.
  const kinds = [...new Set(interview.steps.map((step) => step.kind))].sort(
    (a, b) => laneOrder.indexOf(a) - laneOrder.indexOf(b),
  );
  const placed = new Map<string, { x: number; row: number }>();
  const laneRows = new Map<string, number>();
  for (const kind of kinds) {
    const rows: number[] = [];
    const steps = interview.steps
      .filter((step) => step.kind === kind)
      .sort((a, b) => a.dueAt.localeCompare(b.dueAt));
    for (const step of steps) {
      const at = x(Date.parse(step.dueAt));
      let row = rows.findIndex((lastX) => at - lastX >= markerGap);
      if (row === -1) row = rows.length;
      rows[row] = at;
      placed.set(step.id, { x: at, row });
    }
    laneRows.set(kind, Math.max(rows.length, 1));
  }

  const changesTop = 24;
  const changesHeight = 56;
  let y = changesTop + changesHeight;
  const lanes = kinds.map((kind) => {
    const top = y;
    const height = (laneRows.get(kind) ?? 1) * rowHeight + 14;
    y += height;
    return { kind, top, height };
  });
  const axisY = y + 4;
  const height = axisY + 30;

  // Day ticks: about eight, on local midnights of the interview's zone.
  const dayMs = 86_400_000;
  const days = Math.max(1, Math.ceil((end - start) / dayMs / 8));
  const ticks: number[] = [];
  for (let t = Math.ceil(start / dayMs) * dayMs; t <= end + dayMs; t += days * dayMs) {
    const midnight = t - zoneOffsetMs(t, zone);
    if (midnight >= start && midnight <= end) ticks.push(midnight);
  }

  const nowX = props.now ? x(Date.parse(props.now)) : undefined;
  return (
    <figure class="timeline">
      <div class="timeline-scroll">
        {/* biome-ignore lint/a11y/useSemanticElements: SVG has no <fieldset>; the group names the picture without hiding its buttons as role="img" would. */}
        <svg
          viewBox={`0 0 ${width} ${height}`}
          role="group"
          aria-label={`Plan of ${interview.steps.length} steps, from ${dayLabel(first, zone)} to ${dayLabel(last, zone)}`}
        >
          {lanes.map((lane, index) => (
            <g key={lane.kind}>
              <rect
                x={0}
                y={lane.top}
                width={width}
                height={lane.height}
                class={index % 2 === 0 ? 'lane even' : 'lane'}
              />
              <text x={8} y={lane.top + 18} class="lane-label">
                {words(lane.kind)}
              </text>
            </g>
          ))}
          <text x={8} y={changesTop + 18} class="lane-label">
            changes
          </text>
          {ticks.map((t) => (
            <g key={t}>
              <line x1={x(t)} x2={x(t)} y1={changesTop} y2={axisY} class="tick" />
              <text x={x(t)} y={axisY + 18} class="tick-label" text-anchor="middle">
                {dayLabel(t, zone)}
              </text>
            </g>
          ))}
          <g class="interview-mark">
            <rect
              x={x(Date.parse(interview.startsAt))}
              y={changesTop}
              width={Math.max(
                3,
                x(Date.parse(interview.endsAt)) - x(Date.parse(interview.startsAt)),
              )}
              height={axisY - changesTop}
            />
            <text x={x(Date.parse(interview.endsAt)) + 4} y={axisY - 6} class="mark-label">
              interview
            </text>
          </g>
          {changes.map((change, index) => {
            const cx = x(Date.parse(change.at));
            return (
              <g key={`${change.at}-${index}`} class={`change ${change.kind}`}>
                <line x1={cx} x2={cx} y1={changesTop + 4} y2={axisY} />
                <path
                  d={`M ${cx - 6} ${changesTop + 8} L ${cx + 6} ${changesTop + 8} L ${cx} ${changesTop + 18} Z`}
                />
                <text x={cx + 8} y={changesTop + 18 + (index % 3) * 12} class="change-label">
                  {change.label}
                </text>
                <title>{`${change.label}, ${inZone(change.at, zone)}`}</title>
              </g>
            );
          })}
          {nowX !== undefined ? (
            <g class="now">
              <line x1={nowX} x2={nowX} y1={changesTop - 10} y2={axisY} />
              <text x={nowX} y={changesTop - 12} text-anchor="middle">
                now
              </text>
            </g>
          ) : null}
          {lanes.flatMap((lane) =>
            interview.steps
              .filter((step) => step.kind === lane.kind)
              .map((step) => {
                const place = placed.get(step.id) ?? { x: 0, row: 0 };
                const cy = lane.top + 12 + place.row * rowHeight;
                const selected = props.selected === step.id;
                const label = `${stepLabel(step)}, ${inZone(step.dueAt, step.timeZone)} (${step.timeZone}), ${step.status}${step.late ? ', late' : ''}`;
                const select = () => props.onSelect(step.id);
                return (
                  // biome-ignore lint/a11y/useSemanticElements: an SVG shape cannot be a <button>; role, tabindex and key handling make it one.
                  <g
                    key={step.id}
                    class={`step ${step.status}${step.late ? ' late' : ''}${selected ? ' selected' : ''}`}
                    role="button"
                    tabindex="0"
                    aria-label={label}
                    aria-pressed={selected ? 'true' : 'false'}
                    data-step-id={step.id}
                    data-status={step.status}
                    onClick={select}
                    onKeyDown={(event: KeyboardEvent) => {
                      if (event.key === 'Enter' || event.key === ' ') {
                        event.preventDefault();
                        select();
                      }
                    }}
                  >
                    <title>{label}</title>
                    {step.late ? <circle cx={place.x} cy={cy} r={11} class="late-ring" /> : null}
                    <circle cx={place.x} cy={cy} r={7} class="dot" />
                    {step.status === 'cancelled' ? (
                      <line x1={place.x - 10} x2={place.x + 10} y1={cy} y2={cy} class="strike" />
                    ) : null}
                  </g>
                );
              }),
          )}
        </svg>
      </div>
      <figcaption>
        <ul class="legend">
          {(['scheduled', 'due', 'completed', 'skipped', 'cancelled'] as const).map((status) => (
            <li key={status}>
              <svg width="16" height="16" aria-hidden="true" class={`step ${status}`}>
                <circle cx={8} cy={8} r={6} class="dot" />
                {status === 'cancelled' ? (
                  <line x1={1} x2={15} y1={8} y2={8} class="strike" />
                ) : null}
              </svg>
              {status}
            </li>
          ))}
          <li>
            <svg width="22" height="22" aria-hidden="true" class="step scheduled late">
              <circle cx={11} cy={11} r={9} class="late-ring" />
              <circle cx={11} cy={11} r={6} class="dot" />
            </svg>
            late (past its deadline)
          </li>
        </ul>
        <p class="muted">
          Days on the axis are in the interview's time zone, <strong>{zone}</strong>; each step
          shows its recipient's zone. Triangles mark changes to the plan.
        </p>
      </figcaption>
    </figure>
  );
}
