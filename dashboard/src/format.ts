/** Dates as people read them: in a named time zone, with the zone shown. */

const cache = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string, withZone: boolean): Intl.DateTimeFormat {
  const key = `${timeZone}|${withZone}`;
  let format = cache.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat('en-GB', {
      timeZone,
      weekday: 'short',
      day: 'numeric',
      month: 'short',
      year: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
      ...(withZone ? { timeZoneName: 'short' } : {}),
    });
    cache.set(key, format);
  }
  return format;
}

/** `Tue, 3 Mar 2026, 10:00 GMT-5`: the instant in `timeZone`, with its offset. */
export function inZone(instant: string, timeZone: string): string {
  return formatter(timeZone, true).format(new Date(instant));
}

/** The instant in UTC, for logs and attempts (`webhook-timestamp` is real time, in UTC). */
export function utc(instant: string | undefined): string {
  if (!instant) return '—';
  return `${formatter('UTC', false).format(new Date(instant))} UTC`;
}

/** `Tue 3 Mar`: a short day label for the timeline's axis. */
export function dayLabel(ms: number, timeZone: string): string {
  return new Intl.DateTimeFormat('en-GB', {
    timeZone,
    weekday: 'short',
    day: 'numeric',
    month: 'short',
  }).format(new Date(ms));
}

export const words = (value: string): string => value.replaceAll('_', ' ');

/** How far `timeZone` is ahead of UTC at `ms` (negative west of Greenwich). */
export function zoneOffsetMs(ms: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  }).formatToParts(new Date(ms));
  const part = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  const local = Date.UTC(
    part('year'),
    part('month') - 1,
    part('day'),
    part('hour'),
    part('minute'),
    part('second'),
  );
  return local - Math.floor(ms / 1000) * 1000;
}
