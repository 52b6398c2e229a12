/** The `If-Match` precondition as the services see it: a list of versions the caller accepts. */
import { PreconditionFailedError } from '../errors';

/**
 * Throws PreconditionFailedError (412) unless `version` is one of `accepted`. Undefined accepts
 * any version; an empty list accepts none (an `If-Match` of weak tags only, say).
 *
 * @param what names the resource in the message, e.g. `interview`.
 */
export function checkVersion(
  what: string,
  version: number,
  accepted: readonly number[] | undefined,
): void {
  if (accepted === undefined || accepted.includes(version)) return;
  const expected =
    accepted.length === 0
      ? 'and If-Match names no version (a weak tag never matches)'
      : `not ${accepted.join(' or ')}`;
  throw new PreconditionFailedError(`The ${what} is at version ${version}, ${expected}`);
}
