/**
 * The Lambda build: esbuild with the settings of bundle-settings.ts, split into chunks, and one
 * plugin. The Lambda construct runs this file (through tsx, as it runs the CDK app) right after
 * NodejsFunction's own single-file build, which can neither split nor take plugins, and
 * replaces that file with this build's output; bench/bundles.ts builds with the same options.
 *
 *   tsx infra/build-lambda.ts <entry.ts> <output directory>
 */
import { dirname } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type BuildOptions, build, type Plugin } from 'esbuild';
import { bundleSettings, splitting } from './bundle-settings';

/**
 * zod's `locales` index re-exports the error messages of some forty languages (about 260 KiB
 * minified). Classic zod imports English itself (`locales/en.js`) and the code never selects
 * another locale, but `export * as locales` keeps the whole index alive for esbuild, so every
 * bundle with classic zod parsed all of them on its first request. This keeps `en` only:
 * `z.locales.en` still works, any other language is undefined.
 */
export const englishOnlyZodLocales: Plugin = {
  name: 'english-only-zod-locales',
  setup(plugin) {
    plugin.onLoad(
      { filter: /[\\/]node_modules[\\/]zod[\\/]v4[\\/]locales[\\/]index\.js$/ },
      (args) => ({
        contents: 'export { default as en } from "./en.js";',
        loader: 'js',
        resolveDir: dirname(args.path),
      }),
    );
  },
};

/** esbuild options for one entry built into `outdir` (`index.mjs` plus `chunks/`). */
export function lambdaBuildOptions(entry: string, outdir: string): BuildOptions {
  return {
    entryPoints: [entry],
    bundle: true,
    outdir,
    splitting: true,
    entryNames: splitting.entryNames,
    chunkNames: splitting.chunkNames,
    outExtension: { '.js': splitting.outExtension },
    format: bundleSettings.format,
    platform: bundleSettings.platform,
    target: bundleSettings.target,
    minify: bundleSettings.minify,
    sourcemap: bundleSettings.sourcemap,
    sourcesContent: bundleSettings.sourcesContent,
    mainFields: [...bundleSettings.mainFields],
    banner: { js: bundleSettings.banner },
    plugins: [englishOnlyZodLocales],
    logLevel: 'warning',
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [entry, outdir] = process.argv.slice(2);
  if (!entry || !outdir) throw new Error('usage: tsx infra/build-lambda.ts <entry> <outdir>');
  await build(lambdaBuildOptions(entry, outdir));
}
