import { get } from '../api';
import { utc } from '../format';
import { LoadState, useFocusHeading, useLoad } from '../ui';
import { SandboxBar } from './interview';

/** The local runtime's clock: read it and move it forward (like Stripe's test clocks). */
export function SandboxPage() {
  const clock = useLoad(() => get<{ now: string }>('v1/sandbox/clock'), []);
  useFocusHeading('sandbox');
  return (
    <section>
      <h1 tabIndex={-1}>Sandbox</h1>
      <p>
        The local runtime's clock. Moving it forward fires every step and webhook retry that falls
        due on the way, before the call returns; open an interview to watch its plan move. Webhook
        signatures keep the real time ({utc(new Date().toISOString())} now), so receivers still
        accept them.
      </p>
      <LoadState loaded={clock}>
        {clock.data ? <SandboxBar now={clock.data.now} onAdvanced={clock.reload} /> : null}
      </LoadState>
    </section>
  );
}
