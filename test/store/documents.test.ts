/**
 * Stored documents: the compressed shape written now, and every shape written before it still
 * read back, through the store on dynalite (items rewritten by hand into the old shapes).
 */
import { createHash } from 'node:crypto';
import { brotliCompressSync } from 'node:zlib';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { Temporal } from 'temporal-polyfill';
import { describe, expect, it } from 'vitest';
import { itemSize } from '../../bench/lib/capacity';
import { docDictionaryV1 } from '../../shared/store/doc-dictionary-v1';
import { decodeDocument, encodeDocument, packThresholdBytes } from '../../shared/store/documents';
import type { StoredEvent, StoredInterview } from '../../shared/store/ports';
import { useRawTable } from '../support/dynalite-store';
import { storedInput } from '../support/interview-fixtures';

/** The digest of dictionary 1 as committed: a changed byte makes its items unreadable. */
const DICTIONARY_V1_SHA256 = '5294eeac05b1aed6f6e8a1e4064c437643c1b20e20bbfc56d9cbf07ade5734ba';

const at = '2026-03-02T09:00:00Z';
const draftBody =
  'Dear Grace,\n\nThank you for making time for our conversation about the Platform Engineer ' +
  'position at Acme. I especially enjoyed discussing compilers with you, and it has stayed on my ' +
  'mind since. Please let me know if I can answer any further questions, and I look forward to ' +
  'hearing about the next steps.\n\nKind regards,\nAda Example\nada@example.com';

function interview(tenantId: string, id: string): StoredInterview {
  return {
    tenantId,
    id,
    version: 1,
    createdAt: at,
    updatedAt: at,
    state: {
      input: storedInput,
      status: 'active',
      steps: [1, 2, 3].map((n) => ({
        id: `stp_${n}`,
        kind: 'check_in' as const,
        status: 'scheduled' as const,
        round: 1,
        recipient: {
          name: 'Grace Hopper',
          email: 'grace@example.com',
          role: 'interviewer' as const,
        },
        channel: 'email' as const,
        dueAt: `2026-03-1${n}T09:00:00Z`,
        timeZone: 'Europe/Berlin',
        localDueAt: `2026-03-1${n}T10:00:00+01:00`,
        reason: `check-in ${n} of at most 3 to an interviewer by email`,
        draft: { subject: 'Thank you for our conversation', body: draftBody },
      })),
    } as unknown as StoredInterview['state'],
    eventSequence: 1,
    nextDueAt: '2026-03-11T09:00:00Z',
  };
}

describe('document encoding', () => {
  it('keeps short JSON as a string and compresses long JSON behind a dictionary byte', () => {
    const short = JSON.stringify({ a: 1 });
    expect(encodeDocument(short)).toEqual({ doc: short });

    const long = JSON.stringify(interview('ten_a', 'int_a'));
    expect(long.length).toBeGreaterThan(packThresholdBytes);
    const encoded = encodeDocument(long);
    expect(Object.keys(encoded)).toEqual(['dz']);
    const packed = encoded.dz as Buffer;
    expect(packed[0]).toBe(1);
    expect(packed.length).toBeLessThan(long.length / 3);
    expect(decodeDocument(encoded)).toBe(long);
  });

  it.each([
    ['doc (uncompressed)', (json: string) => ({ doc: json })],
    ['docz (Brotli)', (json: string) => ({ docz: brotliCompressSync(json) })],
    ['dz (dictionary)', (json: string) => encodeDocument(json)],
  ])('reads %s', (_shape, write) => {
    const json = JSON.stringify(interview('ten_b', 'int_b'));
    expect(decodeDocument(write(json))).toBe(json);
  });

  it('refuses a dictionary it does not have instead of guessing', () => {
    expect(() => decodeDocument({ dz: Buffer.of(9, 1, 2, 3) })).toThrow(/dictionary 9/);
  });

  it('never changes dictionary 1: items written with it need exactly these bytes', () => {
    const digest = createHash('sha256').update(docDictionaryV1, 'utf8').digest('hex');
    expect(digest).toBe(DICTIONARY_V1_SHA256);
  });
});

describe('old item shapes through the store', () => {
  const table = useRawTable('documents');

  async function rawItem(key: { pk: string; sk: string }): Promise<Record<string, AttributeValue>> {
    const item = await table.get(key);
    if (!item) throw new Error('item missing');
    return item;
  }

  /** Rewrites the stored item with its document in an older shape. */
  async function rewriteAs(key: { pk: string; sk: string }, shape: 'doc' | 'docz'): Promise<void> {
    const { dz, doc, ...rest } = await rawItem(key);
    const json = decodeDocument({
      ...(dz?.B ? { dz: dz.B } : {}),
      ...(doc?.S ? { doc: doc.S } : {}),
    });
    if (json === undefined) throw new Error('no document');
    const old: AttributeValue = shape === 'doc' ? { S: json } : { B: brotliCompressSync(json) };
    await table.put({ ...rest, [shape]: old });
  }

  it('writes a planned interview compressed, well under 2 KB', async () => {
    const stored = interview('ten_size', 'int_size');
    await table.store.createInterview(stored);
    const item = await rawItem({ pk: 'T#ten_size', sk: 'INT#int_size' });
    expect(item.dz?.B).toBeDefined();
    expect(item.doc).toBeUndefined();
    expect(itemSize(item)).toBeLessThan(2048);
    expect(await table.store.getInterview('ten_size', 'int_size')).toEqual(stored);
  });

  it.each(['doc', 'docz'] as const)(
    'reads interviews and events stored as %s, by key and in lists',
    async (shape) => {
      const tenantId = `ten_${shape}`;
      const stored = interview(tenantId, `int_${shape}`);
      await table.store.createInterview(stored);
      const event: StoredEvent = {
        tenantId,
        id: `evt_${shape}`,
        type: 'step.due',
        timestamp: at,
        interviewId: stored.id,
        data: { step: stored.state.steps[0] },
        createdAt: at,
        expiresAt: Math.floor(Temporal.Instant.from(at).epochMilliseconds / 1000) + 86_400,
      };
      await table.store.putEvent(event);
      await rewriteAs({ pk: `T#${tenantId}`, sk: `INT#${stored.id}` }, shape);
      await rewriteAs({ pk: `T#${tenantId}`, sk: `EVT#${event.id}` }, shape);

      expect(await table.store.getInterview(tenantId, stored.id)).toEqual(stored);
      expect((await table.store.listInterviews(tenantId, { limit: 10 })).items).toEqual([stored]);
      expect(await table.store.getEvent(tenantId, event.id)).toEqual(event);
      expect((await table.store.listEvents(tenantId, { limit: 10 })).items).toEqual([event]);

      // The next write of an old item stores it in the current shape.
      await table.store.updateInterview({ ...stored, version: 2 }, 1);
      const rewritten = await rawItem({ pk: `T#${tenantId}`, sk: `INT#${stored.id}` });
      expect(rewritten.dz?.B).toBeDefined();
      expect(rewritten.doc ?? rewritten.docz).toBeUndefined();
    },
  );
});
