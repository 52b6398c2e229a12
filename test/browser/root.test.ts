/**
 * A newcomer who opens the API's root in a browser lands on the interactive docs, on whatever
 * port the runtime listens (a free one here, never the default 3000).
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalRuntime, quietRuntimeOptions, startLocalRuntime } from '../../local/runtime';
import { launchChromium } from '../support/browser';

let runtime: LocalRuntime;
let browser: Browser;

beforeAll(async () => {
  runtime = await startLocalRuntime(quietRuntimeOptions());
  browser = await launchChromium();
}, 90_000);

afterAll(async () => {
  await browser?.close();
  await runtime?.close();
});

describe('GET / in headless Chromium', () => {
  it('leads to the docs on the port the runtime uses', async () => {
    expect(runtime.port).not.toBe(3000);
    const page = await browser.newPage();
    await page.goto(`${runtime.url}/`, { waitUntil: 'load' });
    expect(new URL(page.url())).toMatchObject({ port: String(runtime.port), pathname: '/docs' });
    await page.locator('.opblock').first().waitFor({ state: 'visible', timeout: 30_000 });
    await expect(page.title()).resolves.toBe('Afterview API');
  }, 60_000);
});
