/**
 * The browser tests need nothing installed by hand: with no CHROMIUM_PATH and no browser on
 * PATH (a fresh machine that has only Node), Chromium comes from the npm registry
 * (`@sparticuz/chromium`) and drives a real page.
 */
import { chromium } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { chromiumArgs, resolveChromium } from '../support/chromium';

describe('Chromium on a machine with only Node', () => {
  it('comes from the npm package and renders a page', async () => {
    const resolved = await resolveChromium({ PATH: '' });
    expect(resolved.source).toBe('npm');

    const browser = await chromium.launch({
      executablePath: resolved.executablePath,
      args: chromiumArgs,
    });
    try {
      const page = await browser.newPage();
      await page.setContent('<main><h1>Afterview</h1><p id="sum"></p></main>');
      // Runs in the page: proves a working JavaScript engine, not just an HTML parser.
      await page.evaluate("document.getElementById('sum').textContent = String(20 + 22)");
      await expect(page.textContent('#sum')).resolves.toBe('42');
    } finally {
      await browser.close();
    }
  }, 60_000);

  it('honours CHROMIUM_PATH as an override, and refuses one that does not exist', async () => {
    const npm = await resolveChromium({ PATH: '' });
    await expect(resolveChromium({ CHROMIUM_PATH: npm.executablePath, PATH: '' })).resolves.toEqual(
      {
        executablePath: npm.executablePath,
        source: 'CHROMIUM_PATH',
      },
    );
    await expect(resolveChromium({ CHROMIUM_PATH: '/nonexistent/chromium' })).rejects.toThrow(
      /does not exist/,
    );
  });
});
