/**
 * How a stored port object is kept in its item. DynamoDB bills a write per started 1 KB of
 * item, so the JSON of anything long is compressed; three shapes exist and readers accept all:
 *
 * - `doc`: the JSON as a string (short documents, and every item written before compression);
 * - `docz`: Brotli-compressed JSON (items written from the first cost pass until this module);
 * - `dz`: raw DEFLATE with a preset dictionary, after one byte naming the dictionary version.
 *
 * The dictionary holds the text every interview repeats (JSON field names, draft phrasing,
 * plan reasons), so a 7 KB interview compresses to about 750 bytes where Brotli alone reached
 * about 2.1 KB. A dictionary can never change once items use it: a better one is added as a
 * new version byte, and the old one stays to read old items.
 */
import {
  brotliDecompressSync,
  deflateRawSync,
  inflateRawSync,
  constants as zlibConstants,
} from 'node:zlib';
import { docDictionaryV1 } from './doc-dictionary-v1';
import { dictionaryDocAttribute, docAttribute, packedDocAttribute } from './table';

type Item = Record<string, unknown>;

/** Dictionaries by the version byte that starts a `dz` value. */
const dictionaries = new Map<number, Buffer>([[1, Buffer.from(docDictionaryV1, 'utf8')]]);
/** The dictionary new documents are written with. */
const currentDictionary = 1;

/** JSON shorter than this is stored as it is: compressing it would not save a write unit. */
export const packThresholdBytes = 600;

/** The attributes that store `json`: `{ doc }` when short, `{ dz }` when long. */
export function encodeDocument(json: string): Item {
  if (json.length < packThresholdBytes) return { [docAttribute]: json };
  const dictionary = dictionaries.get(currentDictionary) as Buffer;
  const deflated = deflateRawSync(json, {
    level: zlibConstants.Z_BEST_COMPRESSION,
    dictionary,
  });
  return { [dictionaryDocAttribute]: Buffer.concat([Buffer.of(currentDictionary), deflated]) };
}

/** The JSON text an item stores, whichever shape it was written in; undefined when none. */
export function decodeDocument(item: Item | undefined): string | undefined {
  const packed = item?.[dictionaryDocAttribute];
  if (packed instanceof Uint8Array) {
    const dictionary = dictionaries.get(packed[0] ?? 0);
    if (!dictionary) throw new Error(`Unknown document dictionary ${packed[0]}`);
    return inflateRawSync(packed.subarray(1), { dictionary }).toString('utf8');
  }
  const brotli = item?.[packedDocAttribute];
  if (brotli instanceof Uint8Array) return brotliDecompressSync(brotli).toString('utf8');
  const doc = item?.[docAttribute];
  return typeof doc === 'string' ? doc : undefined;
}
