import { describe, expect, it } from 'vitest';
import type { PolicyOverrides } from '../../shared/domain/model';
import { policyCacheTtlMs, TenantPolicies } from '../../shared/service/policy-cache';

/** A policy table whose reads and writes can be counted, held back and failed. */
class PolicyTable {
  readonly rows = new Map<string, PolicyOverrides>();
  reads = 0;
  /** When set, reads wait for it; `release()` lets them finish with the value read at the start. */
  private gate: Promise<void> | undefined;
  private open: (() => void) | undefined;
  failNextRead = false;

  hold(): void {
    this.gate = new Promise((resolve) => {
      this.open = resolve;
    });
  }
  release(): void {
    this.open?.();
    this.gate = undefined;
  }

  async getPolicy(tenantId: string): Promise<PolicyOverrides | undefined> {
    this.reads += 1;
    if (this.failNextRead) {
      this.failNextRead = false;
      throw new Error('table unavailable');
    }
    const row = this.rows.get(tenantId);
    const value = row === undefined ? undefined : structuredClone(row);
    await this.gate;
    return value;
  }
  async putPolicy(tenantId: string, policy: PolicyOverrides): Promise<void> {
    this.rows.set(tenantId, structuredClone(policy));
  }
}

function setup(ttlMs?: number) {
  const table = new PolicyTable();
  let now = 1_000;
  const policies = new TenantPolicies({ store: table, ttlMs, monotonicMs: () => now });
  return {
    table,
    policies,
    advance(ms: number) {
      now += ms;
    },
  };
}

describe('TenantPolicies', () => {
  it('reuses a read for the cache lifetime and reads the table again after it', async () => {
    const { table, policies, advance } = setup();
    table.rows.set('ten_a', { maxCheckIns: 2 });
    expect(await policies.overrides('ten_a')).toEqual({ maxCheckIns: 2 });
    // Another process changes the table: this one keeps its copy until it is too old.
    table.rows.set('ten_a', { maxCheckIns: 3 });
    advance(policyCacheTtlMs - 1);
    expect(await policies.overrides('ten_a')).toEqual({ maxCheckIns: 2 });
    expect(table.reads).toBe(1);
    advance(1);
    expect(await policies.overrides('ten_a')).toEqual({ maxCheckIns: 3 });
    expect(table.reads).toBe(2);
  });

  it('keeps tenants apart, including a tenant without overrides', async () => {
    const { table, policies } = setup();
    table.rows.set('ten_a', { maxCheckIns: 2 });
    expect(await policies.overrides('ten_b')).toBeUndefined();
    expect(await policies.overrides('ten_a')).toEqual({ maxCheckIns: 2 });
    expect(await policies.overrides('ten_b')).toBeUndefined();
    expect(table.reads).toBe(2);
  });

  it('plans with a policy this process stored at once', async () => {
    const { table, policies } = setup();
    table.rows.set('ten_a', { maxCheckIns: 2 });
    await policies.overrides('ten_a');
    await policies.put('ten_a', { maxCheckIns: 1, holidayCountry: 'US' });
    expect(table.rows.get('ten_a')).toEqual({ maxCheckIns: 1, holidayCountry: 'US' });
    expect(await policies.overrides('ten_a')).toEqual({ maxCheckIns: 1, holidayCountry: 'US' });
    expect(table.reads).toBe(1);
  });

  it('never lets a read that started before a write replace what the write stored', async () => {
    const { table, policies } = setup();
    table.rows.set('ten_a', { maxCheckIns: 2 });
    table.hold();
    const before = policies.overrides('ten_a');
    await policies.put('ten_a', { maxCheckIns: 0 });
    table.release();
    // The earlier read answers what the table held when it started…
    expect(await before).toEqual({ maxCheckIns: 2 });
    // …and the copy plans use afterwards is the written one.
    expect(await policies.overrides('ten_a')).toEqual({ maxCheckIns: 0 });
  });

  it('shares one read among concurrent misses', async () => {
    const { table, policies } = setup();
    table.rows.set('ten_a', { maxCheckIns: 1 });
    table.hold();
    const reads = Array.from({ length: 8 }, () => policies.overrides('ten_a'));
    table.release();
    expect(await Promise.all(reads)).toEqual(Array(8).fill({ maxCheckIns: 1 }));
    expect(table.reads).toBe(1);
  });

  it('does not remember a failed read', async () => {
    const { table, policies } = setup();
    table.rows.set('ten_a', { maxCheckIns: 1 });
    table.failNextRead = true;
    await expect(policies.overrides('ten_a')).rejects.toThrow('table unavailable');
    expect(await policies.overrides('ten_a')).toEqual({ maxCheckIns: 1 });
    expect(table.reads).toBe(2);
  });

  it('reads the table on every fresh() and keeps the result for planning', async () => {
    const { table, policies } = setup();
    table.rows.set('ten_a', { maxCheckIns: 1 });
    await policies.overrides('ten_a');
    table.rows.set('ten_a', { maxCheckIns: 2 });
    expect(await policies.fresh('ten_a')).toEqual({ maxCheckIns: 2 });
    expect(await policies.overrides('ten_a')).toEqual({ maxCheckIns: 2 });
    expect(table.reads).toBe(2);
  });

  it('hands out a copy no caller can change', async () => {
    const { table, policies } = setup();
    table.rows.set('ten_a', { sendDays: [1, 2, 3] });
    const shared = (await policies.overrides('ten_a')) as Record<string, unknown>;
    expect(Object.isFrozen(shared)).toBe(true);
    expect(Object.isFrozen(shared.sendDays)).toBe(true);
    // put() freezes its own copy, not the caller's object.
    const mine: PolicyOverrides = { maxCheckIns: 3 };
    await policies.put('ten_a', mine);
    expect(Object.isFrozen(mine)).toBe(false);
  });

  it('reads the table every time when its lifetime is 0', async () => {
    const { table, policies } = setup(0);
    table.rows.set('ten_a', { maxCheckIns: 1 });
    await policies.overrides('ten_a');
    await policies.overrides('ten_a');
    expect(table.reads).toBe(2);
  });
});
