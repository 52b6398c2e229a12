// zod/mini keeps classic zod (and its locales) out of the dispatch Lambda; see aws-config.ts.
import * as z from 'zod/mini';
import type { WakeupPayload } from './ports';

const id = z.string().check(z.minLength(1), z.maxLength(100));

/** The wake-up Input as it arrives at the dispatcher: checked, never trusted. */
export const wakeupPayloadSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('step'), tenantId: id, interviewId: id, stepId: id }),
  z.object({
    kind: z.literal('delivery'),
    tenantId: id,
    eventId: id,
    endpointId: id,
    attempt: z.int().check(z.minimum(1), z.maximum(100)),
  }),
]);

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
  const parsed = wakeupPayloadSchema.safeParse(value);
  return parsed.success ? parsed.data : undefined;
}
