/**
 * The console's server half over HTTP: the page shell and its headers, the built files, and
 * the local-only sign-in. The browser flows are in test/browser/dashboard.test.ts.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OpenAPIHono } from '@hono/zod-openapi';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDashboard } from '../../scripts/build-dashboard';
import { dashboardPolicy } from '../../shared/http/dashboard/console';
import type { ApiEnv } from '../../shared/http/env';
import { createErrorHandler } from '../../shared/http/problem';
import { dashboardRoutes } from '../../shared/http/routes/dashboard';
import { quietLogger } from '../support/loggers';
import { startTestRuntime, type TestRuntime } from '../support/runtime';
import { startTestApi, type TestApi } from '../support/test-api';

let local: TestRuntime;
let production: TestApi;

beforeAll(async () => {
  await buildDashboard();
  [local, production] = await Promise.all([startTestRuntime(), startTestApi({ sandbox: false })]);
});
afterAll(async () => {
  await Promise.all([local?.close(), production?.close()]);
});

const fromLocal = (path: string, init?: RequestInit) => fetch(`${local.runtime.url}${path}`, init);

describe('GET /dashboard', () => {
  it('serves the shell with a strict CSP and no inline code', async () => {
    const response = await fromLocal('/dashboard');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    expect(response.headers.get('content-security-policy')).toBe(dashboardPolicy);
    expect(dashboardPolicy).not.toMatch(/unsafe-inline|unsafe-eval|\*/);
    const html = await response.text();
    // Every script has a src; nothing inline, no style attributes.
    expect(html.match(/<script\b[^>]*>/g)).toEqual([
      '<script type="module" src="dashboard/assets/console.js">',
    ]);
    expect(html).not.toMatch(/\sstyle=|\son\w+=/);
  });

  it('uses relative URLs only, so it works under an API Gateway stage path', async () => {
    const html = await (await fromLocal('/dashboard')).text();
    const urls = [...html.matchAll(/\s(?:src|href)="([^"]*)"/g)].map((match) => match[1]);
    expect(urls.length).toBeGreaterThan(2);
    for (const url of urls) expect(url).not.toMatch(/^(\/|https?:|\/\/)/);
  });

  it('sends /dashboard/ to /dashboard with a relative redirect', async () => {
    const response = await fromLocal('/dashboard/', { redirect: 'manual' });
    expect(response.status).toBe(301);
    expect(response.headers.get('location')).toBe('../dashboard');
  });

  it('is served by a deployment-shaped app too (no sandbox)', async () => {
    const response = await production.request('GET', '/dashboard', { apiKey: null });
    expect(response.status).toBe(200);
    expect(response.text).toContain('dashboard/assets/console.js');
  });

  it('answers 503 with the command to run when the console is not built', async () => {
    const app = new OpenAPIHono<ApiEnv>();
    app.onError(createErrorHandler(quietLogger));
    dashboardRoutes(app, { assetsDir: await mkdtemp(join(tmpdir(), 'afterview-no-console-')) });
    const response = await app.request('/dashboard');
    expect(response.status).toBe(503);
    expect(await response.text()).toContain('npm run build:dashboard');
    expect((await app.request('/dashboard/assets/console.js')).status).toBe(404);
  });
});

describe('GET /dashboard/assets/{file}', () => {
  it.each([
    ['console.js', /^text\/javascript/],
    ['console.css', /^text\/css/],
  ])('serves %s with an ETag, and 304 when it has not changed', async (file, type) => {
    const response = await fromLocal(`/dashboard/assets/${file}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(type);
    expect((await response.arrayBuffer()).byteLength).toBeGreaterThan(1000);
    const etag = response.headers.get('etag');
    expect(etag).toMatch(/^"/);
    const again = await fromLocal(`/dashboard/assets/${file}`, {
      headers: { 'if-none-match': etag ?? '' },
    });
    expect(again.status).toBe(304);
  });

  it.each(['index.html', '..%2Fpackage.json', 'console.js.map'])(
    'refuses %s with a 404 problem document',
    async (file) => {
      const response = await fromLocal(`/dashboard/assets/${file}`);
      expect(response.status).toBe(404);
      expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    },
  );
});

describe('POST /dashboard/local-sign-in', () => {
  it('hands the development key to the local runtime’s own page', async () => {
    const response = await fromLocal('/dashboard/local-sign-in', { method: 'POST' });
    expect(response.status).toBe(200);
    await expect(response.json()).resolves.toEqual({ apiKey: local.runtime.apiKey });
  });

  it('refuses a request addressed to another host (DNS rebinding)', async () => {
    const response = await local.runtime.app.request('/dashboard/local-sign-in', {
      method: 'POST',
      headers: { host: 'attacker.example:3000' },
    });
    expect(response.status).toBe(404);
    expect(await response.text()).not.toContain(local.runtime.apiKey);
  });

  it('does not exist outside the local runtime', async () => {
    const response = await production.request('POST', '/dashboard/local-sign-in', {
      apiKey: null,
    });
    expect(response.status).toBe(404);
    expect(response.body.code).toBe('not_found');
  });
});
