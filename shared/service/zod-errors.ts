import type { z } from 'zod';
import type { FieldError } from '../errors';

/**
 * Dotted field paths (`interviewers.0.email`) with zod's message and issue code, each distinct
 * error once: zod reports every failed check of a field, and two of them can read the same
 * (a URL with both the wrong scheme and the wrong host).
 */
export function zodIssuesToFieldErrors(issues: readonly z.core.$ZodIssue[]): FieldError[] {
  const seen = new Set<string>();
  return fieldErrorsOf(issues).filter((error) => {
    const key = JSON.stringify([error.path, error.code, error.message]);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function fieldErrorsOf(issues: readonly z.core.$ZodIssue[]): FieldError[] {
  return issues.flatMap((issue): FieldError[] => {
    const base = issue.path.map(String).join('.');
    // Unknown keys come as one issue listing them all; name each key as its own field.
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({
        path: base === '' ? key : `${base}.${key}`,
        message: 'Unknown field',
        code: issue.code,
      }));
    }
    return [{ path: base, message: issue.message, code: issue.code }];
  });
}
