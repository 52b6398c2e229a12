/**
 * Builds the console's browser code (dashboard/src) into dashboard/dist with esbuild: one ES
 * module and one stylesheet, minified. `npm install` runs it (the `prepare` script) and so does
 * `npm start`, so a fresh clone never needs a manual step; the api Lambda ships the two files
 * beside its bundle and serves them from disk, so none of this code is parsed at cold start.
 *
 *   npx tsx scripts/build-dashboard.ts
 */
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const projectRoot = fileURLToPath(new URL('..', import.meta.url));

/** Where the built files land, relative to the project root (the stack copies them from here). */
export const dashboardDistDir = 'dashboard/dist';

/** Builds the console into `outdir` (default dashboard/dist) and returns the output sizes. */
export async function buildDashboard(
  outdir = `${projectRoot}/${dashboardDistDir}`,
): Promise<Record<string, number>> {
  const result = await build({
    absWorkingDir: projectRoot,
    entryPoints: { console: 'dashboard/src/main.tsx' },
    outdir,
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: ['es2022'],
    minify: true,
    sourcemap: false,
    legalComments: 'none',
    jsx: 'automatic',
    jsxImportSource: 'hono/jsx/dom',
    tsconfig: 'dashboard/tsconfig.json',
    metafile: true,
    logLevel: 'warning',
  });
  return Object.fromEntries(
    Object.entries(result.metafile.outputs).map(([file, output]) => [file, output.bytes]),
  );
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const outputs = await buildDashboard();
  for (const [file, bytes] of Object.entries(outputs)) {
    console.log(`dashboard: ${file} ${(bytes / 1024).toFixed(1)} KiB`);
  }
}
