/**
 * The README's quickstart, as a project that installs @afterview/sdk writes it, type-checks
 * under strict settings with the SDK's TypeScript source compiled by the consumer's own
 * tsconfig: once as a bundler project with lib ["ES2022", "DOM"] and no DOM.Iterable (what
 * sdk/examples/tsconfig.json uses), once with the settings `tsc --init` writes (module
 * nodenext). The code block is read from sdk/README.md, so the README cannot drift from it.
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));
let project = '';

/** Compiler options every consumer here shares: strict, as a careful project sets them. */
const common = {
  strict: true,
  noUncheckedIndexedAccess: true,
  exactOptionalPropertyTypes: true,
  verbatimModuleSyntax: true,
  isolatedModules: true,
  skipLibCheck: true,
  noEmit: true,
  types: ['node'],
  typeRoots: [join(root, 'node_modules/@types')],
};

const consumers = {
  'a bundler project with lib ES2022 + DOM (no DOM.Iterable)': {
    ...common,
    target: 'ES2022',
    lib: ['ES2022', 'DOM'],
    module: 'ESNext',
    moduleResolution: 'Bundler',
  },
  'the settings `tsc --init` writes (module nodenext)': {
    ...common,
    target: 'esnext',
    module: 'nodenext',
    noUncheckedSideEffectImports: true,
    moduleDetection: 'force',
  },
};

beforeAll(async () => {
  project = await mkdtemp(join(tmpdir(), 'afterview-sdk-consumer-'));
  const readme = await readFile(join(root, 'sdk/README.md'), 'utf8');
  const quickstart = /```ts\n([\s\S]*?)```/.exec(readme)?.[1];
  if (!quickstart) throw new Error('sdk/README.md has no ts code block');
  await writeFile(join(project, 'quickstart.ts'), quickstart);
  await writeFile(join(project, 'package.json'), '{ "type": "module", "private": true }\n');
  // Installed as npm would link a workspace package: node_modules/@afterview/sdk -> sdk/.
  await mkdir(join(project, 'node_modules/@afterview'), { recursive: true });
  await symlink(join(root, 'sdk'), join(project, 'node_modules/@afterview/sdk'), 'dir');
});
afterAll(async () => {
  if (project) await rm(project, { recursive: true, force: true });
});

function tsc(configFile: string): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [join(root, 'node_modules/typescript/bin/tsc'), '-p', configFile, '--pretty', 'false'],
      { cwd: project },
      (error, stdout, stderr) =>
        resolve({ code: error ? Number(error.code ?? 1) : 0, output: stdout + stderr }),
    );
  });
}

describe('the README quickstart in a consumer project', () => {
  it.each(Object.entries(consumers))(
    'type-checks in %s',
    async (name, compilerOptions) => {
      const configFile = join(project, `tsconfig.${Object.keys(consumers).indexOf(name)}.json`);
      await writeFile(configFile, JSON.stringify({ compilerOptions, files: ['quickstart.ts'] }));
      const result = await tsc(configFile);
      expect(result.output).toBe('');
      expect(result.code).toBe(0);
    },
    60_000,
  );
});
