/**
 * The interactive docs in a real browser: headless Chromium (see test/support/chromium.ts for
 * where it comes from) driven by playwright-core against the local runtime. Every request that
 * leaves the local server is aborted and counted, so the test proves /docs works offline and
 * calls no CDN. A missing browser fails the test with the reason instead of skipping it.
 */
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalRuntime, quietRuntimeOptions, startLocalRuntime } from '../../local/runtime';
import { launchChromium } from '../support/browser';

const screenshotDir = 'test-results';

let runtime: LocalRuntime;
let browser: Browser;
let page: Page;
const external: string[] = [];
const failedLocal: string[] = [];
const pageErrors: string[] = [];

beforeAll(async () => {
  runtime = await startLocalRuntime(quietRuntimeOptions());
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1280, height: 1600 } });
  const origin = new URL(runtime.url).origin;
  await page.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith(`${origin}/`) || url.startsWith('data:')) return route.continue();
    external.push(url);
    return route.abort('blockedbyclient');
  });
  page.on('pageerror', (error) => pageErrors.push(error.message));
  page.on('response', (response) => {
    if (response.status() >= 400) failedLocal.push(`${response.status()} ${response.url()}`);
  });
  await page.goto(`${runtime.url}/docs`, { waitUntil: 'load' });
  // Swagger UI renders after fetching /openapi.json: wait for the operations, not for time.
  await page.locator('.opblock').first().waitFor({ state: 'visible', timeout: 30_000 });
}, 90_000);

afterAll(async () => {
  await browser?.close();
  await runtime?.close();
});

describe('/docs in headless Chromium, offline', () => {
  it('shows the API title', async () => {
    await expect(page.title()).resolves.toBe('Afterview API');
    await expect(page.locator('.info .title').first().textContent()).resolves.toContain(
      'Afterview',
    );
  });

  it.each([
    ['POST', '/v1/interviews'],
    ['GET', '/v1/interviews/{id}'],
    ['POST', '/v1/plans/preview'],
    ['POST', '/v1/webhook-endpoints'],
    ['GET', '/v1/events'],
  ])('renders the %s %s operation', async (method, path) => {
    const block = page.locator(`.opblock-${method.toLowerCase()}`, {
      has: page.locator(`.opblock-summary-path[data-path="${path}"]`),
    });
    await expect(block.count()).resolves.toBe(1);
    await expect(block.locator('.opblock-summary-method').textContent()).resolves.toBe(method);
  });

  it('opens an operation and shows its request body schema', async () => {
    const block = page.locator('.opblock-post', {
      has: page.locator('.opblock-summary-path[data-path="/v1/interviews"]'),
    });
    await block.locator('.opblock-summary').click();
    await block.locator('.opblock-section-request-body').waitFor({ state: 'visible' });
    await expect(block.locator('.opblock-section-request-body').textContent()).resolves.toMatch(
      /application\/json/,
    );
  });

  it('asks for nothing outside the local server, and every local request succeeds', () => {
    expect(external).toEqual([]);
    expect(failedLocal).toEqual([]);
    expect(pageErrors).toEqual([]);
  });

  it('saves a screenshot', async () => {
    await mkdir(screenshotDir, { recursive: true });
    const path = join(screenshotDir, 'docs.png');
    const image = await page.screenshot({ path, fullPage: false });
    expect(image.byteLength).toBeGreaterThan(10_000);
    expect(existsSync(path)).toBe(true);
  });
});
