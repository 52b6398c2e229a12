/**
 * `npm run crash -- --rounds 50 --seed 7`: the crash suite's long run. Starts the local runtime
 * as `npm start` does, kills it with SIGKILL at seeded random moments under load, restarts it on
 * the same data, and checks every promise at the end (see test/support/crash-run.ts). Prints
 * the figures and exits non-zero when a promise was broken.
 */
import { parseArgs } from 'node:util';
import { runCrashSuite } from '../test/support/crash-run';

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '50' },
    seed: { type: 'string', default: String(Date.now() % 1_000_000) },
    'max-kill-delay-ms': { type: 'string', default: '1500' },
  },
});

const rounds = Number(values.rounds);
const seed = Number(values.seed);
const maxKillDelayMs = Number(values['max-kill-delay-ms']);
if (!Number.isInteger(rounds) || rounds < 1 || !Number.isInteger(seed)) {
  console.error('Usage: npm run crash -- [--rounds N] [--seed S] [--max-kill-delay-ms MS]');
  process.exit(2);
}

console.log(`crash suite: ${rounds} rounds, seed ${seed}`);
const report = await runCrashSuite({
  rounds,
  seed,
  maxKillDelayMs,
  log: (line) => console.log(line),
});
const { violations, ...figures } = report;
console.log(JSON.stringify(figures, null, 2));
if (violations.length > 0) {
  console.error(`${violations.length} broken promises:`);
  for (const line of violations.slice(0, 50)) console.error(`  ${line}`);
  process.exit(1);
}
console.log('every promise held');
