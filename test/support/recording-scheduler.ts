import type { Wakeup, WakeupScheduler } from '../../shared/scheduling/ports';

/**
 * A WakeupScheduler decorator that remembers what the services asked for and forwards it to
 * `inner` (the real EventBridge adapter against the emulator in the API harness). `failNext`
 * makes the next call throw before reaching `inner`, to prove a Scheduler outage does not
 * fail a request.
 */
export class RecordingScheduler implements WakeupScheduler {
  readonly active = new Map<string, Wakeup>();
  readonly calls: Array<{ op: 'schedule' | 'cancel'; names: string[] }> = [];
  failNext = false;

  constructor(private readonly inner?: WakeupScheduler) {}

  async schedule(wakeups: readonly Wakeup[]): Promise<void> {
    this.#maybeFail();
    this.calls.push({ op: 'schedule', names: wakeups.map((wakeup) => wakeup.name) });
    await this.inner?.schedule(wakeups);
    for (const wakeup of wakeups) this.active.set(wakeup.name, wakeup);
  }

  async cancel(names: readonly string[]): Promise<void> {
    this.#maybeFail();
    this.calls.push({ op: 'cancel', names: [...names] });
    await this.inner?.cancel(names);
    for (const name of names) this.active.delete(name);
  }

  #maybeFail(): void {
    if (!this.failNext) return;
    this.failNext = false;
    throw new Error('Scheduler unavailable (simulated)');
  }
}
