/**
 * A client generated from openapi.yaml typechecks a realistic integrator flow under strict
 * settings (strict, noUncheckedIndexedAccess, exactOptionalPropertyTypes), DOM types and no
 * Node types, as in a browser: sdk/examples/integrator-flow.ts, compiled by tsc.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));

describe('a generated client in strict mode', () => {
  it('compiles the integrator flow, including its expected type errors', async () => {
    const result = await new Promise<{ code: number; output: string }>((resolve) => {
      execFile(
        process.execPath,
        [
          `${root}node_modules/typescript/bin/tsc`,
          '-p',
          `${root}sdk/examples/tsconfig.json`,
          '--pretty',
          'false',
        ],
        { cwd: root },
        (error, stdout, stderr) =>
          resolve({ code: error ? Number(error.code ?? 1) : 0, output: stdout + stderr }),
      );
    });
    expect(result.output).toBe('');
    expect(result.code).toBe(0);
  }, 60_000);
});
