import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { interviewInput } from '../support/interview-fixtures';
import { startTestApi } from '../support/test-api';

const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

describe('restart', () => {
  it('keeps tenants, keys, interviews and idempotency records across a restart', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'afterview-restart-'));
    dirs.push(dataDir);
    const first = await startTestApi({ dataDir });
    const created = await first.request('POST', '/v1/interviews', {
      body: interviewInput(),
      headers: { 'idempotency-key': 'before-restart' },
    });
    expect(created.status).toBe(201);
    const { apiKey, tableName } = first;
    await first.close();

    const second = await startTestApi({ dataDir, tableName });
    try {
      const read = await second.request('GET', `/v1/interviews/${created.body.id}`, { apiKey });
      expect(read.status).toBe(200);
      expect(read.body).toEqual(created.body);
      const replay = await second.request('POST', '/v1/interviews', {
        apiKey,
        body: interviewInput(),
        headers: { 'idempotency-key': 'before-restart' },
      });
      expect(replay.headers.get('idempotent-replayed')).toBe('true');
      expect(replay.body.id).toBe(created.body.id);
    } finally {
      await second.close();
    }
  });
});
