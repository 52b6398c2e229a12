import type { components } from './generated/openapi.js';

/** An RFC 9457 problem document as the API sends it. */
export type Problem = components['schemas']['Problem'];
/** Every problem `code` the API documents. Keep a default branch: new codes may appear. */
export type ProblemCode = Problem['code'];

/**
 * The API answered with an error. Carries the problem document, its `code`, the HTTP status
 * and the request id to quote when asking for help.
 */
export class AfterviewApiError extends Error {
  override readonly name = 'AfterviewApiError';
  readonly status: number;
  readonly code: ProblemCode | undefined;
  readonly problem: Problem | undefined;
  readonly requestId: string | undefined;
  readonly headers: Headers;

  constructor(response: Response, body: unknown) {
    const problem = isProblem(body) ? body : undefined;
    super(
      problem
        ? `${problem.status} ${problem.code}: ${problem.detail ?? problem.title}`
        : `HTTP ${response.status}`,
    );
    this.status = response.status;
    this.problem = problem;
    this.code = problem?.code;
    this.requestId = problem?.requestId ?? response.headers.get('x-request-id') ?? undefined;
    this.headers = response.headers;
  }
}

function isProblem(body: unknown): body is Problem {
  return (
    typeof body === 'object' &&
    body !== null &&
    typeof (body as { code?: unknown }).code === 'string' &&
    typeof (body as { status?: unknown }).status === 'number'
  );
}
