/**
 * Versioned documents. Every item that stores a port object (see ./documents for how its JSON
 * is kept) also stores the version of that object's shape in `v` (see ./table). A reader
 * upgrades an older document one version at a time to the version this code writes, checks
 * its shape, and refuses a document from a newer version rather than misreading it. Items
 * written before versions existed have no `v`: they are version 0.
 *
 * The checks are plain functions, not zod, so the worker Lambdas (dispatch, reconcile) can read
 * documents without loading zod at init (see test/infra/bundling.test.ts). They are light on
 * purpose: they prove the document is the entity it claims to be (the fields code branches on
 * and keys are built from), not every rule the API enforced when it was written.
 */
import { decodeDocument, encodeDocument } from './documents';
import { versionAttribute } from './table';

type Item = Record<string, unknown>;
type Document = Record<string, unknown>;

/** A stored document that cannot be read: corrupt, or written by a newer schema version. */
export class StoredDocumentError extends Error {
  override readonly name = 'StoredDocumentError';
}

/** Returns the first problem found in `value` (reached at `path`), or undefined when none. */
export type Check = (value: unknown, path: string) => string | undefined;

const kind =
  (description: string, test: (value: unknown) => boolean): Check =>
  (value, path) =>
    test(value) ? undefined : `${path} is not ${description}`;

export const isString = kind('a string', (value) => typeof value === 'string');
export const isNumber = kind('a number', (value) => typeof value === 'number');
export const isInteger = kind('an integer', Number.isInteger);
export const isBoolean = kind('a boolean', (value) => typeof value === 'boolean');
export const isArray = kind('an array', Array.isArray);
export const isOneOf = (...values: readonly unknown[]): Check =>
  kind(`one of ${values.join(', ')}`, (value) => values.includes(value));

const isRecord = (value: unknown): value is Document =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * An object with these fields (and any others: a document may carry fields this check does not
 * name). `optional` fields are checked only when present.
 */
export function isObject(
  required: Record<string, Check> = {},
  optional: Record<string, Check> = {},
): Check {
  return (value, path) => {
    if (!isRecord(value)) return `${path} is not an object`;
    for (const [name, check] of Object.entries(required)) {
      const problem = check(value[name], `${path}.${name}`);
      if (problem !== undefined) return problem;
    }
    for (const [name, check] of Object.entries(optional)) {
      if (value[name] === undefined) continue;
      const problem = check(value[name], `${path}.${name}`);
      if (problem !== undefined) return problem;
    }
    return undefined;
  };
}

export interface DocumentSchema<T> {
  /** Names the document in errors, e.g. `interview`. */
  entity: string;
  /** The version this code writes; documents of a higher one are refused. */
  version: number;
  /**
   * `upgrades[n]` turns a version-n document into version n+1, so there are exactly `version`
   * of them; `upgrades[0]` reads the items written before versions existed.
   */
  upgrades: ReadonlyArray<(document: Document) => Document>;
  /** The shape of a current-version document. */
  check: Check;
  /** Type only: what a valid document is. */
  readonly _type?: T;
}

export function defineDocument<T>(schema: Omit<DocumentSchema<T>, '_type'>): DocumentSchema<T> {
  if (schema.upgrades.length !== schema.version) {
    throw new Error(
      `${schema.entity}: version ${schema.version} needs ${schema.version} upgrades, has ${schema.upgrades.length}`,
    );
  }
  return schema;
}

/** The attributes that store `value` as a current-version document: `v` and `doc` or `dz`. */
export function documentAttributes<T>(schema: DocumentSchema<T>, value: T): Item {
  return { [versionAttribute]: schema.version, ...encodeDocument(JSON.stringify(value)) };
}

/**
 * The document an item stores, upgraded to the current version and checked; undefined when
 * the item is absent or stores none. `where` names the item in errors (its keys).
 */
export function readDocument<T>(
  schema: DocumentSchema<T>,
  item: Item | undefined,
  where: string,
): T | undefined {
  const json = decodeDocument(item);
  if (json === undefined) return undefined;
  const label = `${schema.entity} item ${where}`;
  const stored = item?.[versionAttribute];
  const version = stored === undefined ? 0 : stored;
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 0) {
    throw new StoredDocumentError(`${label}: schema version ${String(stored)} is not a version`);
  }
  if (version > schema.version) {
    throw new StoredDocumentError(
      `${label}: written with schema version ${version}, but this code reads at most version ${schema.version} (a newer deploy wrote it; deploy that version again rather than roll back)`,
    );
  }
  let document: unknown;
  try {
    document = JSON.parse(json);
  } catch {
    throw new StoredDocumentError(`${label} is corrupt: its document is not JSON`);
  }
  for (let from = version; from < schema.version; from++) {
    if (!isRecord(document)) break;
    document = (schema.upgrades[from] as (document: Document) => Document)(document);
  }
  const problem = schema.check(document, schema.entity);
  if (problem !== undefined) throw new StoredDocumentError(`${label} is corrupt: ${problem}`);
  return document as T;
}
