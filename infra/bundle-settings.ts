/**
 * How every Lambda entry is bundled, in one place without CDK imports so the stack's
 * NodejsFunction and `bench/bundles.ts` cannot drift apart.
 */
export const bundleSettings = {
  format: 'esm',
  target: 'node22',
  platform: 'node',
  minify: true,
  sourcemap: true,
  sourcesContent: false,
  mainFields: ['module', 'main'],
  /**
   * Some dependencies are CommonJS and call `require` for Node built-ins; an ESM bundle has no
   * `require`, so give it one.
   */
  banner:
    "import { createRequire as afterviewCreateRequire } from 'node:module'; const require = afterviewCreateRequire(import.meta.url);",
} as const;

/**
 * Code splitting: every `import()` the code makes (the api's services and routes, composed on
 * the first request; the Scheduler client and the webhook transport, loaded on first use; the
 * SDK's credential providers) becomes a chunk file under `chunks/`, which the init phase
 * neither reads nor compiles. esbuild splits only into a directory, and NodejsFunction builds
 * one file without plugins, so the Lambda construct rebuilds the entry with infra/build-lambda.ts
 * after NodejsFunction's build (`splitBundleCommands`); bench/bundles.ts builds the same way.
 */
export const splitting = {
  entryNames: 'index',
  chunkNames: 'chunks/[name]-[hash]',
  outExtension: '.mjs',
} as const;

/**
 * Shell commands that replace NodejsFunction's single-file build in `outputDir` with
 * infra/build-lambda.ts's split one of `entry`: `index.mjs` (what Lambda loads) plus
 * `chunks/*.mjs`, each with its source map. Run with tsx, as the CDK app itself is.
 */
export function splitBundleCommands(
  entry: string,
  projectRoot: string,
  outputDir: string,
): string[] {
  return [
    `rm -f "${outputDir}/index.mjs" "${outputDir}/index.mjs.map"`,
    `(cd "${projectRoot}" && "${projectRoot}/node_modules/.bin/tsx" "${projectRoot}/infra/build-lambda.ts" "${entry}" "${outputDir}")`,
  ];
}

/**
 * Packages the code loads on first use through `createRequire` instead of importing them, so a
 * cold start that does not need them never parses them (date-holidays: over a megabyte, needed
 * only by plans whose policy names a holiday country; undici: over half a megabyte, needed only
 * when a webhook is sent). esbuild cannot see such a `require`, so
 * each package is bundled on its own into `node_modules/<name>/` beside the handler, where the
 * call resolves it.
 */
export const onDemandPackages = ['date-holidays', 'undici'] as const;

/**
 * Shell commands that build one on-demand package into `outputDir`. The entry is a one-line
 * `require` read from stdin, so the package resolves exactly as the code's own `require` does
 * (its CommonJS build, through its `exports` map) and the bundle keeps that module's shape.
 */
export function onDemandPackageCommands(
  name: string,
  projectRoot: string,
  outputDir: string,
): string[] {
  const folder = `${outputDir}/node_modules/${name}`;
  return [
    `mkdir -p "${folder}"`,
    `(cd "${projectRoot}" && echo "module.exports = require('${name}');" | "${projectRoot}/node_modules/.bin/esbuild" --bundle --platform=node --format=cjs --target=${bundleSettings.target} --minify --legal-comments=none --log-level=warning --sourcefile=${name}.cjs --outfile="${folder}/index.cjs")`,
    `echo '{"name":"${name}","main":"index.cjs"}' > "${folder}/package.json"`,
  ];
}

/** Entry files of the deployed functions, relative to the project root. */
export const functionEntries = {
  api: 'functions/api.ts',
  dispatch: 'functions/dispatch.ts',
  reconcile: 'functions/reconcile.ts',
} as const;
