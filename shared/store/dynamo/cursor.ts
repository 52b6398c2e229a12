/**
 * Page cursors: base64url JSON of the last key, checked against the query that receives it, so
 * a cursor is never a way into another tenant's items or another list's range.
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { ValidationError } from '../../errors';

/** Largest page the store will fetch in one call, whatever the caller asks. */
const maxPageSize = 1000;

function invalidCursor(): ValidationError {
  return new ValidationError('The cursor is not valid', [
    {
      path: 'cursor',
      message: 'Not a cursor returned by this list with these filters',
      code: 'invalid_cursor',
    },
  ]);
}

export function encodeCursor(key: Record<string, string>): string {
  return Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');
}

/** The cursor's JSON object; anything that is not one is an invalid cursor. */
function decodeCursorObject(cursor: string): Record<string, unknown> {
  if (cursor.length === 0 || cursor.length > 4096 || !/^[A-Za-z0-9_-]+$/.test(cursor)) {
    throw invalidCursor();
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalidCursor();
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw invalidCursor();
  }
  return parsed as Record<string, unknown>;
}

export interface CursorRule {
  /** Exactly these attributes, all strings. */
  attributes: readonly string[];
  /** Attributes whose value is fixed by the query (its partition, the tenant's base partition). */
  equals: Record<string, string>;
  /** Attributes whose value must start with a prefix (the sort key range being listed). */
  startsWith: Record<string, string>;
}

/**
 * Decodes a cursor and proves it belongs to this exact query: the same key attributes, the same
 * partition (so the same tenant and filters) and the same sort key range. Anything else is a
 * client error, never a 500 and never a way into another tenant's items.
 */
export function decodeCursor(cursor: string, rule: CursorRule): Record<string, AttributeValue> {
  const parsed = decodeCursorObject(cursor);
  if (Object.keys(parsed).length !== rule.attributes.length) throw invalidCursor();
  const key: Record<string, AttributeValue> = {};
  for (const name of rule.attributes) {
    const value = parsed[name];
    if (typeof value !== 'string' || value.length === 0 || value.length > 2048) {
      throw invalidCursor();
    }
    const fixed = rule.equals[name];
    if (fixed !== undefined && value !== fixed) throw invalidCursor();
    const prefix = rule.startsWith[name];
    if (prefix !== undefined && !value.startsWith(prefix)) throw invalidCursor();
    key[name] = { S: value };
  }
  return key;
}

/** `<instant>#<interviewId>`, or `<instant>#<tenantId>#<interviewId>` as items written before. */
const dueCursorPattern = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z(#[^#]+){1,2}$/;

/** The due index's cursor: `{ after: <due sort key> }`, the last entry a page returned. */
export function decodeDueCursor(cursor: string): string {
  const parsed = decodeCursorObject(cursor);
  const after = parsed.after;
  if (
    Object.keys(parsed).length !== 1 ||
    typeof after !== 'string' ||
    !dueCursorPattern.test(after)
  ) {
    throw invalidCursor();
  }
  return after;
}

export function clampLimit(limit: number): number {
  if (!Number.isFinite(limit)) return 1;
  return Math.min(Math.max(Math.trunc(limit), 1), maxPageSize);
}
