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

/** Entry files of the deployed functions, relative to the project root. */
export const functionEntries = {
  api: 'functions/api.ts',
  dispatch: 'functions/dispatch.ts',
  reconcile: 'functions/reconcile.ts',
} as const;
