/**
 * `/docs` and `/docs/` on a real server: every asset the page names resolves (with its
 * `<base>`), Swagger UI is told not to call the public validator, and the served document
 * points at a relative server so it works on any port and under any prefix.
 */
import { describe, expect, it } from 'vitest';
import { type TestApi, useTestApi } from '../support/test-api';

let api: TestApi;
useTestApi((started) => {
  api = started;
});

/** The URLs a page loads, resolved the way a browser does (honouring `<base href>`). */
function pageUrls(html: string, pageUrl: string): string[] {
  const baseHref = html.match(/<base href="([^"]+)">/)?.[1];
  const base = baseHref === undefined ? pageUrl : new URL(baseHref, pageUrl).href;
  return [...html.matchAll(/<(?:script|link)[^>]*(?:src|href)="([^"]+)"/g)].map(
    (match) => new URL(match[1] as string, base).href,
  );
}

describe('/docs', () => {
  it.each(['/docs', '/docs/'])('%s loads every asset it names from the app', async (path) => {
    const page = await api.request('GET', path, { apiKey: null });
    expect(page.status).toBe(200);
    const urls = pageUrls(page.text, `${api.url}${path}`);
    expect(urls.length).toBeGreaterThanOrEqual(5);
    for (const url of urls) {
      expect(url.startsWith(`${api.url}/docs/assets/`), url).toBe(true);
      const asset = await api.request('GET', new URL(url).pathname, { apiKey: null });
      expect(asset.status, url).toBe(200);
    }
  });

  it('loads the document next to the page and turns the public validator off', async () => {
    const initializer = await api.request('GET', '/docs/assets/initializer.js', { apiKey: null });
    expect(initializer.text).toContain("new URL('openapi.json', document.baseURI)");
    expect(initializer.text).toMatch(/validatorUrl:\s*null/);
  });

  it('serves a document whose server is relative, not a pinned host and port', async () => {
    const document = await api.request('GET', '/openapi.json', { apiKey: null });
    const servers = (document.body as { servers: Array<{ url: string }> }).servers;
    expect(servers.map((server) => server.url)).toEqual(['.']);
    // Resolved against where the document was fetched, `.` is the API root on this port.
    expect(new URL(servers[0]?.url ?? '', `${api.url}/openapi.json`).href).toBe(`${api.url}/`);
  });
});
