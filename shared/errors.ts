/**
 * Typed errors. The HTTP layer maps them to problem documents in one place; the dispatcher
 * maps them to retry or give up. A raw error never reaches a response body.
 */

/**
 * Every problem a response can carry, by `code`, is in `problems.json`: its HTTP status, its
 * title and the error class that raises it (`raisedBy`; none for a problem only API Gateway
 * answers). It is the single list the OpenAPI `Problem.code` enum and the SDK's error types are
 * generated from (in its order); an error class whose code is not listed there does not compile,
 * so a new problem cannot go undocumented.
 */
import problems from './problems.json';

export type ProblemCode = keyof typeof problems;
/** The codes an error class raises (those with a class name in the table). */
type RaisedCode = {
  [Code in ProblemCode]: (typeof problems)[Code] extends { raisedBy: string } ? Code : never;
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
  const { status, title, raisedBy: name } = problems[code] as (typeof problems)[RaisedCode];
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

/**
 * Concurrent writers kept winning the race for the same interview or endpoint (every attempt of
 * an optimistic write lost). Nothing was done: unlike `conflict`, the same request can succeed
 * when sent again, after `retryAfterSeconds` (Stripe calls this a lock timeout).
 */
export class ResourceBusyError extends problemError('resource_busy') {
  readonly retryAfterSeconds: number;
  constructor(message: string, retryAfterSeconds = 1) {
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
