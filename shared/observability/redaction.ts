/**
 * What must never reach a log line: API keys, webhook secrets and signatures, tokens, and the
 * candidate's or interviewers' contact details. Applied to every value a log line serialises,
 * so a field added carelessly later (or an error message quoting input) is still covered.
 */

import { originalStack } from './stack-traces';

const redactedText = '[redacted]';

/** Field names whose value is secret or personal whatever it looks like. */
const sensitiveKey =
  /secret|api[-_]?key|authorization|password|passphrase|token|signature|cookie|e-?mail|phone|linkedin/i;

/** Secrets and contact details recognisable by their shape inside any string. */
const sensitiveValues: ReadonlyArray<[RegExp, string]> = [
  [/whsec_[A-Za-z0-9+/=_-]+/g, `whsec_${redactedText}`],
  [/afv_[A-Za-z0-9]+/g, `afv_${redactedText}`],
  [/Bearer\s+\S+/gi, `Bearer ${redactedText}`],
  [/v1,[A-Za-z0-9+/=]{20,}/g, `v1,${redactedText}`],
  [/[\w.+-]+@[\w-]+(\.[\w-]+)+/g, redactedText],
  // International phone numbers only: a bare digit pattern would also eat dates and ids.
  [/\+\d[\d ().-]{7,}\d/g, redactedText],
  // Receivers sometimes put a token in the query string of their endpoint URL.
  [/(https?:\/\/[^\s?#]+)\?[^\s#]*/g, `$1?${redactedText}`],
];

/** Masks secrets and contact details inside free text. */
export function redactText(text: string): string {
  let result = text;
  for (const [pattern, replacement] of sensitiveValues)
    result = result.replace(pattern, replacement);
  return result;
}

/**
 * A `JSON.stringify` replacer (the shape Powertools Logger's `jsonReplacerFn` takes): values
 * under a sensitive key become `[redacted]`, strings are masked by shape, errors keep only their
 * name, message and stack (masked too, and pointing at the original sources: ./stack-traces).
 */
export function redactingReplacer(key: string, value: unknown): unknown {
  if (key !== '' && sensitiveKey.test(key) && value !== undefined && value !== null) {
    return redactedText;
  }
  if (typeof value === 'string') return redactText(value);
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Error) {
    return { name: value.name, message: value.message, stack: originalStack(value.stack) };
  }
  return value;
}
