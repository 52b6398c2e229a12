import type { OpenAPIHono } from '@hono/zod-openapi';

/** Per-request values the shared middleware sets for every route module. */
interface ApiVariables {
  /** Set by the auth middleware on authenticated routes. */
  tenantId: string;
  requestId: string;
  /**
   * The interview a request concerns when its path does not name it (a redeliver of one of its
   * events), set by the route: the Idempotency-Key record is linked to it, so erasing the
   * interview reaches the record like those of the interview's own routes.
   */
  interviewId?: string;
}

export interface ApiEnv {
  Variables: ApiVariables;
}

/** The one app every route module registers on (same middleware, errors and OpenAPI registry). */
export type ApiApp = OpenAPIHono<ApiEnv>;
