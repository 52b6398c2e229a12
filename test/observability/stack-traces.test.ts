/**
 * Stack traces from the minified Lambda bundles name the original sources although the
 * functions run without `--enable-source-maps`: a fixture is bundled with the Lambda build's
 * own options (minified, linked source maps, chunks) and run in a plain `node` process, where
 * it throws, logs and rethrows through the same code the functions use.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lambdaBuildOptions } from '../../infra/build-lambda';
import { originalStack } from '../../shared/observability/stack-traces';

const run = promisify(execFile);
const projectRoot = resolve(import.meta.dirname, '../..');

// The line numbers the assertions look for are the lines of `throw` and `fail()` below.
const fixtureSource = `import { observed } from '${projectRoot}/shared/observability/lambda';
import { redactingReplacer } from '${projectRoot}/shared/observability/redaction';
import { withMappedStack } from '${projectRoot}/shared/observability/stack-traces';

export function fail(): never {
  throw new Error('boom', { cause: new TypeError('inner') });
}

const handler = observed(
  { logger: { addLambdaContext() {} }, metrics: { flush() {} } } as never,
  async () => fail(),
);

export async function report() {
  let logged = '';
  try {
    fail();
  } catch (error) {
    logged = JSON.stringify({ error }, redactingReplacer);
  }
  const rethrown = await handler({}, undefined).catch((error: Error) => error);
  let atLoad = '';
  try {
    withMappedStack(fail);
  } catch (error) {
    atLoad = (error as Error).stack ?? '';
  }
  return { logged: JSON.parse(logged).error.stack, rethrown: rethrown.stack, cause: rethrown.cause.stack, atLoad };
}
`;
const throwLine = 6;
const callLine = 17;

let directory: string;
let bundle: string;

beforeAll(async () => {
  directory = mkdtempSync(join(tmpdir(), 'afterview-stack-'));
  const entry = join(directory, 'thrower.ts');
  writeFileSync(entry, fixtureSource);
  await build(lambdaBuildOptions(entry, join(directory, 'out')));
  bundle = join(directory, 'out', 'index.mjs');
}, 60_000);

afterAll(() => rmSync(directory, { recursive: true, force: true }));

/** Runs the bundle's `report()` in a fresh `node` with no source map flag, as Lambda runs it. */
async function reportFromBundle(): Promise<{
  logged: string;
  rethrown: string;
  cause: string;
  atLoad: string;
}> {
  const script = `const { report } = await import(${JSON.stringify(pathToFileURL(bundle).href)});
process.stdout.write(JSON.stringify(await report()));`;
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], {
    env: { PATH: process.env.PATH ?? '' },
  });
  return JSON.parse(stdout);
}

describe('stack traces of the minified bundles', () => {
  it('are minified to begin with: the map is not applied at load', () => {
    expect(readFileSync(bundle, 'utf8')).toContain('sourceMappingURL=index.mjs.map');
  });

  it('name the original file and line in a logged error, a rethrown one, its cause, and one thrown while composing', async () => {
    const { logged, rethrown, cause, atLoad } = await reportFromBundle();
    for (const stack of [logged, rethrown, cause, atLoad]) {
      expect(stack).toContain(`thrower.ts:${throwLine}:`);
      expect(stack).not.toMatch(/index\.mjs:\d+:\d+/);
    }
    expect(logged).toContain(`thrower.ts:${callLine}:`);
    // The frame keeps its shape: "at <function> (<source>:<line>:<column>)".
    expect(logged).toMatch(/\n\s+at \S+ \((?:\S+\/)?thrower\.ts:6:\d+\)/);
  });

  it('leave frames alone where no map is found, or the map cannot be read', () => {
    writeFileSync(join(directory, 'broken.js'), 'throw 1');
    writeFileSync(join(directory, 'broken.js.map'), 'not json');
    const stack = [
      'Error: nope',
      '    at foo (node:internal/modules/run_main:1:2)',
      `    at bar (${join(directory, 'missing.js')}:3:4)`,
      `    at ${pathToFileURL(join(directory, 'broken.js')).href}:1:1`,
      '    at Array.map (<anonymous>)',
    ].join('\n');
    expect(originalStack(stack)).toBe(stack);
    expect(originalStack(undefined)).toBeUndefined();
  });
});
