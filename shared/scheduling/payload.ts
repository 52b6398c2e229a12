import type { WakeupPayload } from './ports';

// Checked by hand rather than with a schema library: this is the only parsing the dispatch
// Lambda does at all, and a dozen lines keep zod (even zod/mini's core, about 20 KiB) out of its
// cold start. See docs/benchmarks.md "Cold start".

type Fields = Record<string, unknown>;

/** A string id of 1 to 100 characters. */
function isId(value: unknown): value is string {
  return typeof value === 'string' && value.length >= 1 && value.length <= 100;
}

function isAttempt(value: unknown): value is number {
  return Number.isSafeInteger(value) && (value as number) >= 1 && (value as number) <= 100;
}

/** An ISO 8601 instant as this service writes them (`2030-01-07T09:00:00Z`, up to nanoseconds). */
function isInstant(value: unknown): value is string {
  return (
    typeof value === 'string' &&
    /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z$/.test(value) &&
    !Number.isNaN(Date.parse(value))
  );
}

/** The wake-up Input as it arrives at the dispatcher: checked, never trusted. */
function checkPayload(value: unknown): WakeupPayload | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const fields = value as Fields;
  if (fields.kind === 'step') {
    const { tenantId, interviewId, stepId } = fields;
    if (!isId(tenantId) || !isId(interviewId) || !isId(stepId)) return undefined;
    // Only the known keys, as a schema's parse would return them.
    return { kind: 'step', tenantId, interviewId, stepId };
  }
  if (fields.kind === 'delivery') {
    const { tenantId, eventId, endpointId, attempt } = fields;
    if (!isId(tenantId) || !isId(eventId) || !isId(endpointId) || !isAttempt(attempt)) {
      return undefined;
    }
    return { kind: 'delivery', tenantId, eventId, endpointId, attempt };
  }
  if (fields.kind === 'endpoint') {
    const { tenantId, endpointId, failingSince } = fields;
    if (!isId(tenantId) || !isId(endpointId) || !isInstant(failingSince)) return undefined;
    return { kind: 'endpoint', tenantId, endpointId, failingSince };
  }
  return undefined;
}

/** The payload, or undefined when `input` is not one (a JSON string is accepted too). */
export function parseWakeupPayload(input: unknown): WakeupPayload | undefined {
  let value = input;
  if (typeof input === 'string') {
    try {
      value = JSON.parse(input);
    } catch {
      return undefined;
    }
  }
  return checkPayload(value);
}
