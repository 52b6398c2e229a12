/**
 * The handlers behind `/v1/sandbox/*`: sandbox tenants and the sandbox clock. The contract (paths,
 * schemas) is shared/http/routes/sandbox.ts, which every app documents; only the local runtime
 * passes these handlers to createApp (as `sandbox`), so no Lambda bundle contains them.
 */
import { Temporal } from 'temporal-polyfill';
import { ConflictError, ValidationError } from '../shared/errors';
import type { LocalSandbox } from '../shared/http/route-module';
import {
  advanceSandboxClockRoute,
  createSandboxTenantRoute,
  getSandboxClockRoute,
  sandboxClockLimits,
} from '../shared/http/routes/sandbox';

/** What the sandbox routes drive: the local runtime's tenants and clock. */
/** Where a sandbox advance goes: an instant, or one worked out from the clock's now in turn. */
export type SandboxTarget = Temporal.Instant | ((now: Temporal.Instant) => Temporal.Instant);

export interface SandboxControls {
  /** Creates a tenant with a fresh API key (shown once). */
  createTenant(name: string): Promise<{ tenantId: string; apiKey: string }>;
  /** The runtime clock's current instant. */
  now(): Temporal.Instant;
  /**
   * Moves the runtime clock forward to `target` (an instant, or a function of the clock's now
   * when the advances queued before this one are done) and resolves once everything that became
   * due has been handled (wake-ups fired); returns the clock's new now.
   */
  advanceTo(target: SandboxTarget): Promise<Temporal.Instant>;
  /** The development tenant's API key, for the console's one-click sign-in. */
  developmentApiKey?(): string | undefined;
}

const latestInstant = Temporal.Instant.from(sandboxClockLimits.latest);
const longestAdvance = Temporal.Duration.from(sandboxClockLimits.longestAdvance);

/**
 * Where `{ advanceBy }` or `{ to }` puts the clock; calendar units count in UTC. A backwards
 * move is a 409 (the clock only moves forward); a move further than `longestAdvance` or past
 * `latest` is a 400 on the field given: a clock there would make every plan fail.
 */
function sandboxTarget(
  now: Temporal.Instant,
  body: { advanceBy?: string; to?: string },
): Temporal.Instant {
  const field = body.to !== undefined ? 'to' : 'advanceBy';
  const tooFar = () =>
    new ValidationError('The sandbox clock cannot move that far', [
      {
        path: field,
        message: `Moves the clock at most ${sandboxClockLimits.longestAdvance} ahead, and not past ${sandboxClockLimits.latest}`,
      },
    ]);
  const zonedNow = now.toZonedDateTimeISO('UTC');
  let target: Temporal.Instant;
  let limit: Temporal.Instant;
  try {
    target =
      body.to !== undefined
        ? Temporal.Instant.from(body.to)
        : zonedNow.add(Temporal.Duration.from(body.advanceBy ?? 'PT0S')).toInstant();
    limit = zonedNow.add(longestAdvance).toInstant();
  } catch (error) {
    // Temporal refuses an instant out of its range (about ±270,000 years) with a RangeError.
    if (error instanceof RangeError) throw tooFar();
    throw error;
  }
  if (Temporal.Instant.compare(target, now) < 0) {
    throw new ConflictError('The sandbox clock only moves forward');
  }
  if (
    Temporal.Instant.compare(target, limit) > 0 ||
    Temporal.Instant.compare(target, latestInstant) > 0
  ) {
    throw tooFar();
  }
  return target;
}

/** The sandbox for createApp: the `/v1/sandbox/*` handlers over `controls`. */
export function localSandbox(controls: SandboxControls): LocalSandbox {
  return {
    routes(app) {
      app.openapi(createSandboxTenantRoute, async (c) => {
        const created = await controls.createTenant(c.req.valid('json').name);
        return c.json(created, 201);
      });

      app.openapi(getSandboxClockRoute, (c) => c.json({ now: controls.now().toString() }, 200));

      app.openapi(advanceSandboxClockRoute, async (c) => {
        const body = c.req.valid('json');
        const now = await controls.advanceTo((current) => sandboxTarget(current, body));
        return c.json({ now: now.toString() }, 200);
      });
    },
    ...(controls.developmentApiKey ? { developmentApiKey: controls.developmentApiKey } : {}),
  };
}
