/**
 * Micro-benchmark: follow-up plans computed per second on this machine. Not a test — it
 * prints a figure. Inputs vary the end time over a year so holiday lookups, DST switches and
 * window searches are exercised, not one cached path.
 *
 *   npx tsx bench/plans.ts [seconds]
 */
import { performance } from 'node:perf_hooks';
import { Temporal } from 'temporal-polyfill';
import { type InterviewInput, planFollowUps, resolvePolicy } from '../shared/domain';
import { saveResult } from './lib/quick';

const seconds = Number(process.argv[2] ?? 3);
const policy = resolvePolicy({ holidayCountry: 'DE' });
const base = Temporal.Instant.from('2026-01-05T15:00:00Z');

const inputs: InterviewInput[] = Array.from({ length: 500 }, (_, i) => {
  const end = base.add({ minutes: i * 997 });
  return {
    candidate: { name: 'Ana Ruiz', email: 'ana@example.com', phone: '+49 151 2345678' },
    role: { title: 'Data Engineer', company: 'Acme' },
    round: 1 + (i % 3),
    format: i % 4 === 0 ? 'onsite' : 'video',
    startsAt: end.subtract({ hours: 1 }).toString(),
    endsAt: end.toString(),
    timeZone: 'Europe/Berlin',
    interviewers: [
      { name: 'Jonas Weber', email: 'jonas@acme.example', topics: ['streaming pipelines'] },
      {
        name: 'Mia Chen',
        linkedinUrl: 'https://www.linkedin.com/in/miachen',
        timeZone: 'America/New_York',
      },
    ],
    nextSteps: i % 2 === 0 ? { decisionExpectedBy: end.toString().slice(0, 10) } : {},
  };
});

function run(ms: number): { plans: number; steps: number; elapsed: number; cpuMs: number } {
  let plans = 0;
  let steps = 0;
  const cpu = process.cpuUsage();
  const start = performance.now();
  while (performance.now() - start < ms) {
    for (let i = 0; i < 50; i++) {
      const input = inputs[plans % inputs.length] as InterviewInput;
      steps += planFollowUps(input, policy, Temporal.Instant.from(input.endsAt)).length;
      plans++;
    }
  }
  const used = process.cpuUsage(cpu);
  return {
    plans,
    steps,
    elapsed: performance.now() - start,
    cpuMs: (used.user + used.system) / 1000,
  };
}

run(500); // warm-up: JIT, holiday tables
const { plans, steps, elapsed, cpuMs } = run(seconds * 1000);
const perSecond = Math.round((plans / elapsed) * 1000);
// On a shared machine wall-clock throughput drops with load; CPU time shows the code's cost.
const perCpuSecond = Math.round((plans / cpuMs) * 1000);
console.log(
  `${perSecond} plans/s wall clock, ${perCpuSecond} plans per CPU second (${plans} plans, ${(steps / plans).toFixed(1)} steps each, ${(elapsed / 1000).toFixed(1)} s, Node ${process.version})`,
);
await saveResult({ wall: perSecond, perCpu: perCpuSecond, plans, stepsPerPlan: steps / plans });
