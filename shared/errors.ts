/**
 * Typed errors. The HTTP layer maps them to problem documents in one place; the dispatcher
 * maps them to retry or give up. A raw error never reaches a response body.
 */
/**
 * Every `code` a problem document can carry, the single list the OpenAPI `Problem.code` enum and
 * the SDK's error types are generated from. An error class whose `type` is not listed here does
 * not compile, so a new problem cannot go undocumented.
 */
export const problemCodes = [
  'validation_error',
  'malformed_request',
  'unauthorized',
  'not_found',
  'method_not_allowed',
  'conflict',
  'interview_erased',
  'idempotency_key_in_use',
  'precondition_failed',
  'payload_too_large',
  'unsupported_media_type',
  'idempotency_key_reused',
  'rate_limited',
  'internal_error',
] as const;
export type ProblemCode = (typeof problemCodes)[number];

export abstract class AfterviewError extends Error {
  abstract readonly status: number;
  abstract readonly type: ProblemCode;
  abstract readonly title: string;
}

export interface FieldError {
  /** JSON pointer-ish dotted path of the bad field, e.g. `interviewers.0.email`. */
  path: string;
  message: string;
  code?: string;
}

export class ValidationError extends AfterviewError {
  override readonly name = 'ValidationError';
  readonly status = 400;
  readonly type = 'validation_error';
  readonly title = 'The request is not valid';
  constructor(
    message: string,
    readonly errors: FieldError[] = [],
  ) {
    super(message);
  }
}

export class MalformedRequestError extends AfterviewError {
  override readonly name = 'MalformedRequestError';
  readonly status = 400;
  readonly type = 'malformed_request';
  readonly title = 'The request could not be read';
}

export class UnauthorizedError extends AfterviewError {
  override readonly name = 'UnauthorizedError';
  readonly status = 401;
  readonly type = 'unauthorized';
  readonly title = 'Missing or invalid API key';
}

export class NotFoundError extends AfterviewError {
  override readonly name = 'NotFoundError';
  readonly status = 404;
  readonly type = 'not_found';
  readonly title = 'Not found';
}

/** A state conflict: e.g. acting on a closed interview or a step that is no longer open. */
export class ConflictError extends AfterviewError {
  override readonly name = 'ConflictError';
  readonly status = 409;
  readonly type = 'conflict';
  readonly title = 'The request conflicts with the current state';
}

export class PreconditionFailedError extends AfterviewError {
  override readonly name = 'PreconditionFailedError';
  readonly status = 412;
  readonly type = 'precondition_failed';
  readonly title = 'The resource has changed';
}

export class PayloadTooLargeError extends AfterviewError {
  override readonly name = 'PayloadTooLargeError';
  readonly status = 413;
  readonly type = 'payload_too_large';
  readonly title = 'The request body is too large';
}

export class UnsupportedMediaTypeError extends AfterviewError {
  override readonly name = 'UnsupportedMediaTypeError';
  readonly status = 415;
  readonly type = 'unsupported_media_type';
  readonly title = 'The request body must be application/json';
}

export class IdempotencyMismatchError extends AfterviewError {
  override readonly name = 'IdempotencyMismatchError';
  readonly status = 422;
  readonly type = 'idempotency_key_reused';
  readonly title = 'The Idempotency-Key was used with a different request';
}

/**
 * Another request with the same Idempotency-Key is still running. Nothing was done; retry after
 * `retryAfterSeconds` to get its response replayed.
 */
export class IdempotencyKeyInUseError extends AfterviewError {
  override readonly name = 'IdempotencyKeyInUseError';
  readonly status = 409;
  readonly type = 'idempotency_key_in_use';
  readonly title = 'A request with this Idempotency-Key is still in progress';
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(message);
  }
}

/** The interview's personal data was erased: what it concerned can no longer be sent or replayed. */
export class InterviewErasedError extends AfterviewError {
  override readonly name = 'InterviewErasedError';
  readonly status = 410;
  readonly type = 'interview_erased';
  readonly title = 'The interview was erased';
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
