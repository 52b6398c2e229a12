/**
 * The console's server half: the HTML shell at `/dashboard`, its two built files, and the
 * local runtime's one-click sign-in. Everything the console shows comes from the public API,
 * called by the browser with the key it keeps in sessionStorage; nothing here reads tenant data.
 *
 * This module is imported on the first `/dashboard` request (see ../routes/dashboard.ts), and
 * the browser code is read from disk, so the API's cold start pays for neither.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Context } from 'hono';
import { NotFoundError } from '../../errors';
import type { ApiEnv } from '../env';
import type { LocalSandbox } from '../route-module';

/** The files dashboard/dist holds after `npm run build:dashboard`; nothing else is served. */
export const dashboardAssetFiles = ['console.js', 'console.css'] as const;
type AssetFile = (typeof dashboardAssetFiles)[number];

const contentTypes: Record<AssetFile, string> = {
  'console.js': 'text/javascript; charset=utf-8',
  'console.css': 'text/css; charset=utf-8',
};

/**
 * Only this origin, no inline code or style, no plugins, no framing, no <base> rewriting, and
 * forms post nowhere: the page can talk to the API it came from and to nothing else.
 */
export const dashboardPolicy =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
  "connect-src 'self'; font-src 'self'; manifest-src 'self'; base-uri 'none'; " +
  "form-action 'none'; frame-ancestors 'none'";

// Relative URLs only: behind API Gateway the page lives under the stage (`/prod/dashboard`),
// and `dashboard/assets/...` then resolves to `/prod/dashboard/assets/...`. The empty data:
// icon keeps the browser from asking for /favicon.ico.
const page = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <meta name="referrer" content="no-referrer">
    <title>Afterview console</title>
    <link rel="icon" href="data:,">
    <link rel="stylesheet" href="dashboard/assets/console.css">
    <script type="module" src="dashboard/assets/console.js"></script>
  </head>
  <body>
    <div id="app">
      <noscript><p>The Afterview console needs JavaScript. The API itself works without it: see <a href="docs">the API documentation</a>.</p></noscript>
    </div>
  </body>
</html>
`;

const notBuilt = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Afterview console</title></head>
<body><main><h1>The console is not built</h1>
<p>Run <code>npm run build:dashboard</code> (or <code>npm install</code>, which runs it) and reload.</p>
</main></body></html>
`;

/**
 * Where the built console lives: the option, else `AFTERVIEW_DASHBOARD_ASSETS_DIR` (the api
 * Lambda sets it to the copy beside its bundle), else dashboard/dist in this checkout.
 */
function resolveDashboardAssetsDir(option?: string): string {
  if (option) return option;
  const fromEnv = process.env.AFTERVIEW_DASHBOARD_ASSETS_DIR;
  if (fromEnv) return fromEnv;
  return fileURLToPath(new URL('../../../dashboard/dist/', import.meta.url));
}

export interface ConsoleOptions {
  assetsDir?: string;
  /** Present only in the local runtime: enables the one-click development sign-in. */
  sandbox?: LocalSandbox;
}

const loopbackHost = /^(localhost|127\.\d{1,3}\.\d{1,3}\.\d{1,3}|\[::1\])(:\d{1,5})?$/i;

export interface DashboardConsole {
  page(c: Context<ApiEnv>): Promise<Response>;
  asset(c: Context<ApiEnv>): Promise<Response>;
  localSignIn(c: Context<ApiEnv>): Response;
}

export function createDashboardConsole(options: ConsoleOptions): DashboardConsole {
  const assets = new Map<AssetFile, Uint8Array>();
  const load = async (file: AssetFile): Promise<Uint8Array | undefined> => {
    const cached = assets.get(file);
    if (cached) return cached;
    try {
      const content = new Uint8Array(
        await readFile(join(resolveDashboardAssetsDir(options.assetsDir), file)),
      );
      assets.set(file, content);
      return content;
    } catch {
      return undefined;
    }
  };

  return {
    async page(c) {
      c.header('Content-Security-Policy', dashboardPolicy);
      c.header('Cache-Control', 'no-cache');
      if (!(await load('console.js'))) return c.html(notBuilt, 503);
      return c.html(page);
    },

    async asset(c) {
      const file = c.req.param('file') as AssetFile;
      if (!(dashboardAssetFiles as readonly string[]).includes(file)) {
        throw new NotFoundError(`No console asset ${file}`);
      }
      const content = await load(file);
      if (!content) {
        throw new NotFoundError('The console is not built: run `npm run build:dashboard`');
      }
      c.header('Content-Security-Policy', dashboardPolicy);
      // The names are not content-hashed, so the browser revalidates (the ETag makes it a 304).
      c.header('Cache-Control', 'no-cache');
      return c.body(content as Uint8Array<ArrayBuffer>, 200, {
        'Content-Type': contentTypes[file],
      });
    },

    localSignIn(c) {
      const key = options.sandbox?.developmentApiKey?.();
      // A page on another site reaching this port through DNS rebinding names its own host,
      // so the key is handed out only to a request addressed to the loopback host itself.
      if (!key || !loopbackHost.test(c.req.header('host') ?? '')) {
        throw new NotFoundError('One-click sign-in exists only on the local runtime');
      }
      return c.json({ apiKey: key }, 200);
    },
  };
}
