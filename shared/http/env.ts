import type { OpenAPIHono } from '@hono/zod-openapi';

/** Per-request values the shared middleware sets for every route module. */
interface ApiVariables {
  /** Set by the auth middleware on authenticated routes. */
  tenantId: string;
  requestId: string;
}

export interface ApiEnv {
  Variables: ApiVariables;
}

/** The one app every route module registers on (same middleware, errors and OpenAPI registry). */
export type ApiApp = OpenAPIHono<ApiEnv>;
