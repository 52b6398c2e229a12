/**
 * `If-Match` as RFC 9110 (section 13.1.1) defines it: `*`, or a comma-separated list of entity
 * tags compared with the strong comparison. A weak tag (`W/"3"`) never matches, and a list
 * matches when any of its tags does. Our ETags are versions (`"3"`), so a strong tag that is not
 * a version is well-formed but matches nothing.
 */
import { ValidationError } from '../errors';

/** One entity tag, then optional whitespace: `W/` (case-sensitive) marks a weak one. */
const entityTag = /(W\/)?"([\x21\x23-\x7e\x80-\xff]*)"[ \t]*/y;
/** Separators around and between list members; empty members are allowed and ignored. */
const separators = /[ \t]*(?:,[ \t]*)*/y;
/** A version as an entity tag: no leading zero (tags compare as text), at most 15 digits. */
const versionTag = /^[1-9]\d{0,14}$/;

function malformed(): ValidationError {
  return new ValidationError('The If-Match header is not valid', [
    {
      path: 'header.if-match',
      message: 'Expected *, or entity tags such as "3" separated by commas',
      code: 'invalid_format',
    },
  ]);
}

/**
 * The versions an `If-Match` header accepts, or undefined when it sets no precondition (absent,
 * or `*`: the resource exists, which the lookup already requires). An empty list means no tag
 * can match (only weak tags, or tags that are not versions): the write answers 412. Throws a
 * ValidationError (400) when the header is not `*` or a list of entity tags.
 */
export function parseIfMatch(header: string | undefined): number[] | undefined {
  if (header === undefined) return undefined;
  const value = header.trim();
  if (value === '*') return undefined;
  const versions: number[] = [];
  let tags = 0;
  let at = 0;
  while (true) {
    separators.lastIndex = at;
    separators.exec(value);
    at = separators.lastIndex;
    if (at === value.length) break;
    // Members must be separated by a comma: two tags in a row are malformed.
    if (tags > 0 && !value.slice(0, at).trimEnd().endsWith(',')) throw malformed();
    entityTag.lastIndex = at;
    const match = entityTag.exec(value);
    if (!match) throw malformed();
    at = entityTag.lastIndex;
    tags++;
    const [, weak, opaque = ''] = match;
    if (weak === undefined && versionTag.test(opaque)) versions.push(Number(opaque));
  }
  if (tags === 0) throw malformed();
  return versions;
}
