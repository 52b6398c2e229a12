/**
 * Typed errors. The HTTP layer maps them to problem documents in one place; the dispatcher
 * maps them to retry or give up. A raw error never reaches a response body.
 */

/**
 * Every problem a response can carry, by `code`: its HTTP status, its title and the name of the
 * error class that raises it. The single list the OpenAPI `Problem.code` enum and the SDK's error
 * types are generated from (in this order); an error class whose code is not listed here does
 * not compile, so a new problem cannot go undocumented.
 */
// biome-ignore format: one problem a line
const problems = {
  validation_error: [400, 'The request is not valid', 'ValidationError'],
  malformed_request: [400, 'The request could not be read', 'MalformedRequestError'],
  unauthorized: [401, 'Missing or invalid API key', 'UnauthorizedError'],
  not_found: [404, 'Not found', 'NotFoundError'],
  method_not_allowed: [405, 'The method is not allowed on this resource', 'MethodNotAllowedError'],
  conflict: [409, 'The request conflicts with the current state', 'ConflictError'],
  interview_erased: [410, 'The interview was erased', 'InterviewErasedError'],
  idempotency_key_in_use: [409, 'A request with this Idempotency-Key is still in progress', 'IdempotencyKeyInUseError'],
  precondition_failed: [412, 'The resource has changed', 'PreconditionFailedError'],
  payload_too_large: [413, 'The request body is too large', 'PayloadTooLargeError'],
  unsupported_media_type: [415, 'The request body must be application/json', 'UnsupportedMediaTypeError'],
  idempotency_key_reused: [422, 'The Idempotency-Key was used with a different request', 'IdempotencyMismatchError'],
  // Answered by API Gateway's throttling (see the stack's gateway responses), never raised here.
  rate_limited: [429, 'Too many requests'],
  internal_error: [500, 'Something went wrong on our side', 'InternalServerError'],
} as const satisfies Record<string, readonly [status: number, title: string, name?: string]>;

export type ProblemCode = keyof typeof problems;
/** The codes an error class raises (those with a class name in the table). */
type RaisedCode = {
  [Code in ProblemCode]: (typeof problems)[Code] extends readonly [number, string, string]
    ? Code
    : never;
}[ProblemCode];
export const problemCodes = Object.keys(problems) as [ProblemCode, ...ProblemCode[]];

export abstract class AfterviewError extends Error {
  abstract readonly status: number;
  abstract readonly type: ProblemCode;
  abstract readonly title: string;
}

/**
 * The base class of the error raised for problem `code`: its name, status, type and title come
 * from the `problems` table, so each exported class below is one line and keeps its own
 * `instanceof`.
 */
function problemError<Code extends RaisedCode>(code: Code) {
  const [status, title, name] = problems[code] as readonly [number, string, string];
  return class extends AfterviewError {
    override readonly name: string = name;
    readonly status: number = status;
    readonly type: Code = code;
    readonly title: string = title;
  };
}

export interface FieldError {
  /** JSON pointer-ish dotted path of the bad field, e.g. `interviewers.0.email`. */
  path: string;
  message: string;
  code?: string;
}

export class ValidationError extends problemError('validation_error') {
  readonly errors: FieldError[];
  constructor(message: string, errors: FieldError[] = []) {
    super(message);
    this.errors = errors;
  }
}

export class MalformedRequestError extends problemError('malformed_request') {}
export class UnauthorizedError extends problemError('unauthorized') {}
export class NotFoundError extends problemError('not_found') {}
/** A state conflict: e.g. acting on a closed interview or a step that is no longer open. */
export class ConflictError extends problemError('conflict') {}
export class PreconditionFailedError extends problemError('precondition_failed') {}
export class PayloadTooLargeError extends problemError('payload_too_large') {}
export class UnsupportedMediaTypeError extends problemError('unsupported_media_type') {}
export class IdempotencyMismatchError extends problemError('idempotency_key_reused') {}
/** The interview's personal data was erased: what it concerned can no longer be sent or replayed. */
export class InterviewErasedError extends problemError('interview_erased') {}
/** Unknown failures: the response carries no detail (see `problemResponse`). */
export class InternalServerError extends problemError('internal_error') {}

/**
 * Another request with the same Idempotency-Key is still running. Nothing was done; retry after
 * `retryAfterSeconds` to get its response replayed.
 */
export class IdempotencyKeyInUseError extends problemError('idempotency_key_in_use') {
  readonly retryAfterSeconds: number;
  constructor(message: string, retryAfterSeconds: number) {
    super(message);
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

/** The route exists but not for this method; `allow` lists the methods it answers. */
export class MethodNotAllowedError extends problemError('method_not_allowed') {
  readonly allow: string[];
  constructor(message: string, allow: string[]) {
    super(message);
    this.allow = allow;
  }
}

/** Storage-level: a conditional write lost to a concurrent writer. Callers retry or map to 412. */
export class VersionConflictError extends Error {
  override readonly name = 'VersionConflictError';
}

/**
 * Storage-level: every attempt of an optimistic write lost its race (see `optimisticWrite`).
 * Deliberately not a VersionConflictError, so an enclosing optimistic write does not retry it.
 */
export class WriteContentionError extends Error {
  override readonly name = 'WriteContentionError';
}

/** Storage-level: an item that must be new already exists. */
export class AlreadyExistsError extends Error {
  override readonly name = 'AlreadyExistsError';
}
