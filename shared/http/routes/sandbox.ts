import { createRoute, z } from '@hono/zod-openapi';
import { Temporal } from 'temporal-polyfill';
import { durationSchema, instantSchema } from '../../domain/model';
import { ConflictError, NotFoundError } from '../../errors';
import type { ApiApp } from '../env';
import { problemResponses } from '../problem';
import type { RouteContext, SandboxControls } from '../route-module';
import { timestampSchema } from '../schemas';

const tags = ['Sandbox (local runtime only)'];
const localOnly =
  'Local runtime only (`npm start`): elsewhere this path answers 404. Needs no API key.';

const sandboxTenantRequestSchema = z
  .strictObject({ name: z.string().trim().min(1).max(200) })
  .openapi('SandboxTenantRequest');

const sandboxTenantSchema = z
  .object({
    tenantId: z.string(),
    apiKey: z.string().openapi({ description: 'Shown once; only its hash is stored.' }),
  })
  .openapi('SandboxTenant');

const clockSchema = z.object({ now: timestampSchema }).openapi('SandboxClock');

const advanceClockSchema = z
  .strictObject({
    advanceBy: durationSchema.optional(),
    to: instantSchema.optional(),
  })
  .refine((body) => (body.advanceBy === undefined) !== (body.to === undefined), {
    message: 'Give exactly one of `advanceBy` (a duration) or `to` (an instant)',
  })
  .openapi('SandboxClockAdvance');

const createTenant = createRoute({
  method: 'post',
  path: '/v1/sandbox/tenants',
  operationId: 'createSandboxTenant',
  tags,
  security: [],
  summary: 'Create a sandbox tenant and API key',
  description: localOnly,
  request: {
    body: {
      required: true,
      content: { 'application/json': { schema: sandboxTenantRequestSchema } },
    },
  },
  responses: {
    201: {
      description: 'The new tenant and its API key',
      content: { 'application/json': { schema: sandboxTenantSchema } },
    },
    ...problemResponses(400, 404, 413, 415),
  },
});

const getClock = createRoute({
  method: 'get',
  path: '/v1/sandbox/clock',
  operationId: 'getSandboxClock',
  tags,
  security: [],
  summary: 'Read the runtime clock',
  description: localOnly,
  responses: {
    200: {
      description: 'The runtime’s now',
      content: { 'application/json': { schema: clockSchema } },
    },
    ...problemResponses(404),
  },
});

const advanceClock = createRoute({
  method: 'post',
  path: '/v1/sandbox/clock',
  operationId: 'advanceSandboxClock',
  tags,
  security: [],
  summary: 'Move the runtime clock forward',
  description:
    `${localOnly} Answers once every step that became due has been handled, so a webhook ` +
    'receiver has already seen them. The clock never moves backwards (409).',
  request: {
    body: { required: true, content: { 'application/json': { schema: advanceClockSchema } } },
  },
  responses: {
    200: {
      description: 'The runtime’s new now',
      content: { 'application/json': { schema: clockSchema } },
    },
    ...problemResponses(400, 404, 409, 413, 415),
  },
});

function controls(sandbox: SandboxControls | undefined): SandboxControls {
  if (!sandbox) throw new NotFoundError('The sandbox exists only in the local runtime');
  return sandbox;
}

/** Where `{ advanceBy }` or `{ to }` puts the clock; calendar units count in UTC. */
export function sandboxTarget(
  now: Temporal.Instant,
  body: { advanceBy?: string; to?: string },
): Temporal.Instant {
  const target =
    body.to !== undefined
      ? Temporal.Instant.from(body.to)
      : now
          .toZonedDateTimeISO('UTC')
          .add(Temporal.Duration.from(body.advanceBy ?? 'PT0S'))
          .toInstant();
  if (Temporal.Instant.compare(target, now) < 0) {
    throw new ConflictError('The sandbox clock only moves forward');
  }
  return target;
}

/**
 * `/v1/sandbox/*`. Always registered (so the OpenAPI document is the same everywhere), but
 * every handler answers 404 unless the app was given SandboxControls.
 */
export function sandboxRoutes(app: ApiApp, { sandbox }: RouteContext): void {
  // Checked before body validation, so outside the local runtime every request is a plain 404.
  app.use('/v1/sandbox/*', async (_c, next) => {
    controls(sandbox);
    await next();
  });

  app.openapi(createTenant, async (c) => {
    const created = await controls(sandbox).createTenant(c.req.valid('json').name);
    return c.json(created, 201);
  });

  app.openapi(getClock, (c) => c.json({ now: controls(sandbox).now().toString() }, 200));

  app.openapi(advanceClock, async (c) => {
    const clock = controls(sandbox);
    const target = sandboxTarget(clock.now(), c.req.valid('json'));
    const now = await clock.advanceTo(target);
    return c.json({ now: now.toString() }, 200);
  });
}
