/**
 * The deployment boundary in the folder tree: what the Lambdas bundle (functions/, shared/) and
 * the CDK app (infra/) never import from local/, the code that only runs on a laptop (the local
 * runtime, dynalite, the Scheduler emulator, the sandbox handlers). bundling.test.ts checks the
 * built bundles; this catches the import itself, in every file, without building anything.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const projectRoot = resolve(import.meta.dirname, '../..');
const shipped = ['functions', 'shared', 'infra'];
/** Packages only the local runtime may load. */
const laptopPackages = ['dynalite'];

function sourceFiles(folder: string): string[] {
  return readdirSync(join(projectRoot, folder), { recursive: true, encoding: 'utf8' })
    .filter((file) => /\.(ts|mts|mjs|js)$/.test(file))
    .map((file) => join(folder, file));
}

/** Every module specifier a file names: static and dynamic imports, re-exports, requires. */
function specifiers(file: string): string[] {
  const text = readFileSync(join(projectRoot, file), 'utf8');
  return ts.preProcessFile(text, true, true).importedFiles.map((entry) => entry.fileName);
}

/** Where a specifier points, relative to the project root (bare package names unchanged). */
function target(file: string, specifier: string): string {
  if (!specifier.startsWith('.')) return specifier;
  return relative(projectRoot, resolve(projectRoot, dirname(file), specifier))
    .split(sep)
    .join('/');
}

describe('the local/ boundary', () => {
  const files = shipped.flatMap(sourceFiles);

  it('finds the files it checks, and their imports', () => {
    expect(files).toContain(join('shared', 'runtime', 'compose.ts'));
    expect(specifiers(join('shared', 'runtime', 'compose.ts')).length).toBeGreaterThan(5);
  });

  it.each(shipped)('%s/ imports nothing from local/ and no laptop-only package', (folder) => {
    const crossings = files
      .filter((file) => file.startsWith(`${folder}${sep}`))
      .flatMap((file) =>
        specifiers(file)
          .map((specifier) => target(file, specifier))
          .filter(
            (to) =>
              to === 'local' ||
              to.startsWith('local/') ||
              laptopPackages.some((name) => to === name || to.startsWith(`${name}/`)),
          )
          .map((to) => `${file} → ${to}`),
      );
    expect(crossings).toEqual([]);
  });
});
