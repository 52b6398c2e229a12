import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { NotFoundError } from '../../errors';
import type { ApiApp } from '../env';
import type { OpenApiDocument } from '../openapi';

/** The swagger-ui-dist files /docs needs; a bundle that cannot ship node_modules copies these. */
export const docsAssetFiles = [
  'swagger-ui.css',
  'index.css',
  'swagger-ui-bundle.js',
  'swagger-ui-standalone-preset.js',
  'favicon-32x32.png',
  'favicon-16x16.png',
] as const;

const contentTypes: Record<string, string> = {
  css: 'text/css; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
  png: 'image/png',
};

/**
 * Where the Swagger UI files live: the option, else `AFTERVIEW_DOCS_ASSETS_DIR`, else the
 * installed swagger-ui-dist package. Resolved on first use, so an app without the package
 * still starts and only /docs fails.
 */
function resolveDocsAssetsDir(option?: string): string {
  if (option) return option;
  const fromEnv = process.env.AFTERVIEW_DOCS_ASSETS_DIR;
  if (fromEnv) return fromEnv;
  const require = createRequire(import.meta.url);
  return dirname(require.resolve('swagger-ui-dist/package.json'));
}

/**
 * The page. Its URLs are relative, so it works under any prefix (a stage, `/prod/docs`) and on
 * any port. At `/docs/` a `<base href="../">` makes them resolve as they do at `/docs`.
 */
const docsPage = (base: string) => `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8">${base ? `\n    <base href="${base}">` : ''}
    <title>Afterview API</title>
    <link rel="stylesheet" href="docs/assets/swagger-ui.css">
    <link rel="stylesheet" href="docs/assets/index.css">
    <link rel="icon" type="image/png" href="docs/assets/favicon-32x32.png" sizes="32x32">
    <link rel="icon" type="image/png" href="docs/assets/favicon-16x16.png" sizes="16x16">
  </head>
  <body>
    <div id="swagger-ui"></div>
    <script src="docs/assets/swagger-ui-bundle.js"></script>
    <script src="docs/assets/swagger-ui-standalone-preset.js"></script>
    <script src="docs/assets/initializer.js"></script>
  </body>
</html>
`;

// A file, not an inline script, so the page's Content-Security-Policy can forbid inline code.
// `validatorUrl: null`: Swagger UI would otherwise send the document to validator.swagger.io.
const initializer = `window.onload = function () {
  window.ui = SwaggerUIBundle({
    url: new URL('openapi.json', document.baseURI).href,
    validatorUrl: null,
    dom_id: '#swagger-ui',
    deepLinking: true,
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
    layout: 'StandaloneLayout',
  });
};
`;

const docsPolicy =
  "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; " +
  "img-src 'self' data:; connect-src 'self'; font-src 'self'; frame-ancestors 'none'";

/**
 * `GET /openapi.json`, and `GET /docs`: Swagger UI served from the app itself, so the
 * documentation works offline and no third-party CDN sees who reads it.
 */
export function docsRoutes(
  app: ApiApp,
  options: { document: () => OpenApiDocument; assetsDir?: string },
): void {
  let cachedDocument: OpenApiDocument | undefined;
  const assets = new Map<string, Uint8Array>();

  app.get('/openapi.json', (c) => {
    cachedDocument ??= options.document();
    c.header('Cache-Control', 'no-cache');
    return c.json(cachedDocument);
  });

  for (const [path, base] of [
    ['/docs', ''],
    ['/docs/', '../'],
  ] as const) {
    app.get(path, (c) => {
      c.header('Content-Security-Policy', docsPolicy);
      c.header('Cache-Control', 'no-cache');
      return c.html(docsPage(base));
    });
  }

  app.get('/docs/assets/:file', async (c) => {
    const file = c.req.param('file');
    c.header('Content-Security-Policy', docsPolicy);
    c.header('Cache-Control', 'public, max-age=3600');
    if (file === 'initializer.js') {
      return c.body(initializer, 200, { 'Content-Type': contentTypes.js ?? '' });
    }
    if (!(docsAssetFiles as readonly string[]).includes(file)) {
      throw new NotFoundError(`No documentation asset ${file}`);
    }
    let content = assets.get(file);
    if (!content) {
      content = new Uint8Array(await readFile(join(resolveDocsAssetsDir(options.assetsDir), file)));
      assets.set(file, content);
    }
    const extension = file.slice(file.lastIndexOf('.') + 1);
    return c.body(content as Uint8Array<ArrayBuffer>, 200, {
      'Content-Type': contentTypes[extension] ?? 'application/octet-stream',
    });
  });
}
