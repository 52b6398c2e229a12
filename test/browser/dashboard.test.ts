/**
 * The console in a real browser: headless Chromium driven by playwright-core against the local
 * runtime (dynalite, the Scheduler emulator, the dispatcher) and real webhook receivers, one
 * of which always fails. The tests run in order, like a person clicking through: sign in, find
 * an interview created through the API, read its timeline, move the sandbox clock and watch a
 * step turn due, see the failing endpoint's attempts and redeliver, rotate a secret.
 *
 * Every request that leaves the local servers is aborted and counted (none may happen), every
 * CSP violation and page error is recorded, axe-core checks each page for serious or critical
 * violations, and each page is saved as a screenshot under test-results/.
 */
import { readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { serve } from '@hono/node-server';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { buildDashboard } from '../../scripts/build-dashboard';
import { launchChromium } from '../support/browser';
import {
  type ApiInterview,
  interviewInput,
  startTestRuntime,
  startWebhookReceiver,
  type TestRuntime,
  type WebhookReceiver,
} from '../support/runtime';

const screenshotDir = 'test-results';
/** The event types an endpoint may subscribe to, as openapi.yaml's WebhookEndpoint lists them. */
const specEventTypes: string[] = parse(
  readFileSync(new URL('../../openapi.yaml', import.meta.url), 'utf8'),
).components.schemas.WebhookEndpoint.properties.eventTypes.items.enum;

/** The values of the event-type checkboxes the page offers, sorted. */
async function offeredEventTypes(target: Page): Promise<string[]> {
  const boxes = await target.locator('input[name="event-type"]').all();
  const values = await Promise.all(boxes.map((box) => box.getAttribute('value')));
  return values.map(String).sort();
}
const axeSource = readFileSync(
  createRequire(import.meta.url).resolve('axe-core/axe.min.js'),
  'utf8',
);

let harness: TestRuntime;
let failing: WebhookReceiver;
let healthy: WebhookReceiver;
let failingEndpointId: string;
let interview: ApiInterview;
/** Ends late on a Friday evening: no send window fits the 24 h deadline, so it is flagged late. */
let lateInterview: ApiInterview;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let origin: string;
/** The runtime behind a `/prod` prefix, as API Gateway serves a stage. */
let stage: { url: string; close: () => Promise<void> };
const external: string[] = [];
const failedLocal: string[] = [];
const pageErrors: string[] = [];
const cspViolations: string[] = [];

/** Opens a page that aborts and counts every request outside `allowedOrigin`. */
async function watchedPage(allowedOrigin: string): Promise<Page> {
  const opened = await context.newPage();
  await opened.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith(`${allowedOrigin}/`) || url.startsWith('data:')) return route.continue();
    external.push(url);
    return route.abort('blockedbyclient');
  });
  opened.on('pageerror', (error) => pageErrors.push(error.message));
  opened.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) cspViolations.push(message.text());
  });
  opened.on('response', (response) => {
    if (response.status() >= 400) failedLocal.push(`${response.status()} ${response.url()}`);
  });
  return opened;
}

/** Puts the development key where the console keeps it, as its sign-in does. */
async function signedIn(target: Page, url: string): Promise<void> {
  await target.goto(url);
  await target.evaluate(
    `sessionStorage.setItem('afterview.apiKey', ${JSON.stringify(harness.runtime.apiKey)})`,
  );
  await target.reload();
}

/** Runs axe-core in the page; returns the serious and critical violations. */
async function accessibilityProblems(target: Page): Promise<string[]> {
  // Evaluated through the DevTools protocol, so the page's CSP (no inline scripts) still holds.
  await target.evaluate(axeSource);
  const results = await target.evaluate<{
    violations: Array<{ id: string; impact: string; help: string; nodes: unknown[] }>;
  }>('axe.run(document)');
  return results.violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map((v) => `${v.impact} ${v.id}: ${v.help} (${v.nodes.length} nodes)`);
}

async function screenshot(target: Page, name: string): Promise<Buffer> {
  await mkdir(screenshotDir, { recursive: true });
  return target.screenshot({ path: join(screenshotDir, name), fullPage: true });
}

const markers = () => page.locator('svg [data-step-id]');

beforeAll(async () => {
  await buildDashboard();
  [harness, failing, healthy] = await Promise.all([
    startTestRuntime(),
    startWebhookReceiver(() => 503),
    startWebhookReceiver(() => 200),
  ]);
  origin = new URL(harness.runtime.url).origin;
  failingEndpointId = await harness.addEndpoint(failing.url);
  await harness.addEndpoint(healthy.url);
  const end = harness.runtime.clock.now().add({ hours: 2 });
  interview = await harness.createInterview({
    ...interviewInput(end),
    externalId: 'ats-console-1',
  });

  const inTwoDays = harness.runtime.clock
    .now()
    .toZonedDateTimeISO('America/New_York')
    .add({ days: 2 });
  const friday = inTwoDays
    .add({ days: (5 - inTwoDays.dayOfWeek + 7) % 7 })
    .with({ hour: 22, minute: 0, second: 0, millisecond: 0, microsecond: 0, nanosecond: 0 });
  lateInterview = await harness.createInterview({
    ...interviewInput(friday.toInstant()),
    externalId: 'ats-console-late',
  });
  expect(lateInterview.steps.some((step) => (step as { late?: boolean }).late)).toBe(true);

  const server = serve({
    port: 0,
    hostname: '127.0.0.1',
    fetch: (request) => {
      const url = new URL(request.url);
      if (!url.pathname.startsWith('/prod/')) return new Response('no such stage', { status: 403 });
      url.pathname = url.pathname.slice('/prod'.length);
      return harness.runtime.app.fetch(new Request(url, request));
    },
  });
  await new Promise((resolve) => server.once('listening', resolve));
  stage = {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/prod`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };

  browser = await launchChromium();
  context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  page = await watchedPage(origin);
}, 90_000);

afterAll(async () => {
  await browser?.close();
  await stage?.close();
  await Promise.all([harness?.close(), failing?.close(), healthy?.close()]);
});

describe('the console in headless Chromium', () => {
  it('refuses a wrong key with the API’s own 401 and stores nothing', async () => {
    await page.goto(`${origin}/dashboard`, { waitUntil: 'load' });
    await page.getByLabel('API key').fill('afv_not_a_real_key_at_all');
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await expect(page.getByRole('alert').filter({ hasText: '401' }).textContent()).resolves.toMatch(
      /not valid/,
    );
    await expect(page.evaluate(`sessionStorage.length`)).resolves.toBe(0);
    // The refused sign-in is the one failed request this test expects.
    failedLocal.splice(0, failedLocal.length);
  });

  it('signs in with the development key in one click, keeping it in sessionStorage only', async () => {
    await page.goto(`${origin}/dashboard`, { waitUntil: 'load' });
    const button = page.getByRole('button', { name: 'Sign in with the development key' });
    await button.waitFor();
    await screenshot(page, 'dashboard-sign-in.png');
    await button.click();
    await page.getByRole('heading', { name: 'Interviews' }).waitFor();
    const stored = await page.evaluate(
      `({ session: sessionStorage.getItem('afterview.apiKey'), local: localStorage.length, cookies: document.cookie })`,
    );
    expect(stored).toEqual({ session: harness.runtime.apiKey, local: 0, cookies: '' });
    expect(page.url()).not.toContain(harness.runtime.apiKey);
  });

  it('finds the interview created through the API by its external id', async () => {
    // Both interviews are listed before any filter.
    await page.locator('tbody tr').nth(1).waitFor();
    await expect(page.locator('tbody tr').count()).resolves.toBe(2);
    await page.getByLabel('External id').fill('ats-console-1');
    await page.getByLabel('Status').selectOption('closed');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByText('No interviews match.').waitFor();
    await page.getByLabel('Status').selectOption('active');
    await page.getByRole('button', { name: 'Search' }).click();
    const link = page.getByRole('link', { name: 'Dana Whitfield' });
    await link.waitFor();
    await expect(page.locator('tbody tr').count()).resolves.toBe(1);
    await screenshot(page, 'dashboard-interviews.png');
    await link.click();
    await page.getByRole('heading', { name: /Dana Whitfield/ }).waitFor();
  });

  it('draws every step of the plan on the timeline, coloured by status', async () => {
    await markers().first().waitFor();
    await expect(markers().count()).resolves.toBe(interview.steps.length);
    const statuses = await markers().evaluateAll((nodes) =>
      nodes.map((node) => node.getAttribute('data-status')),
    );
    expect(new Set(statuses)).toEqual(new Set(['scheduled']));
    await expect(page.locator('.timeline figcaption strong').textContent()).resolves.toBe(
      'America/New_York',
    );
  });

  it('shows the reason and the draft of a step chosen with the keyboard', async () => {
    const thankYou = interview.steps.find((step) => step.kind === 'thank_you');
    const marker = page.locator(`svg [data-step-id="${thankYou?.id}"]`);
    await marker.focus();
    await page.keyboard.press('Enter');
    const details = page.locator(`.step-details[data-step-id="${thankYou?.id}"]`);
    await details.waitFor();
    await expect(details.locator('.reason').textContent()).resolves.toMatch(/\w+/);
    await expect(details.locator('.draft pre').textContent()).resolves.toContain('Priya');
    await expect(marker.getAttribute('aria-pressed')).resolves.toBe('true');
    await screenshot(page, 'dashboard-interview.png');
  });

  it('marks late steps with a ring on the timeline and a badge in the list', async () => {
    const target = await watchedPage(origin);
    await signedIn(target, `${origin}/dashboard#/interviews/${lateInterview.id}`);
    await target.locator('svg [data-step-id]').first().waitFor();
    const late = lateInterview.steps.filter((step) => (step as { late?: boolean }).late);
    await expect(target.locator('svg .step.late .late-ring').count()).resolves.toBe(late.length);
    await expect(target.locator('table.steps .badge.late').count()).resolves.toBe(late.length);
    await target.close();
  });

  it('moves the sandbox clock forward and a step turns due on the timeline', async () => {
    await expect(page.locator('svg [data-status="due"]').count()).resolves.toBe(0);
    await page.getByLabel('Advance by').selectOption('P3D');
    await page.getByRole('button', { name: 'Advance' }).click();
    await page.locator('svg [data-status="due"]').first().waitFor({ timeout: 20_000 });
    const stored = await harness.getInterview(interview.id);
    const dueInApi = stored.steps.filter((step) => step.status === 'due').length;
    expect(dueInApi).toBeGreaterThan(0);
    await expect(page.locator('svg [data-status="due"]').count()).resolves.toBe(dueInApi);
  });

  it('lists the failing endpoint’s attempts under each event and redelivers', async () => {
    const failedRows = page.locator('.event tr[data-outcome="failed"]');
    await failedRows.first().waitFor();
    await expect(failedRows.first().textContent()).resolves.toContain('503');
    const event = page
      .locator('.event', { has: page.locator('tr[data-outcome="failed"]') })
      .first();
    const eventId = await event.getAttribute('data-event-id');
    const before = failing.deliveries.filter((d) => d.id === eventId).length;
    await event.getByRole('button', { name: /^Redeliver/ }).click();
    await page
      .getByRole('status')
      .filter({ hasText: /queued for 2 endpoint/ })
      .waitFor();
    // A redelivery is a new wake-up: move the clock a minute so it runs.
    await page.getByLabel('Advance by').selectOption('PT1H');
    await page.getByRole('button', { name: 'Advance' }).click();
    await page
      .getByRole('status')
      .filter({ hasText: /Clock advanced/ })
      .waitFor();
    expect(failing.deliveries.filter((d) => d.id === eventId).length).toBeGreaterThan(before);
    await screenshot(page, 'dashboard-deliveries.png');
  });

  it('marks a due step done', async () => {
    const due = page.locator('svg [data-status="due"]').first();
    const stepId = await due.getAttribute('data-step-id');
    await due.click();
    await page.getByRole('button', { name: 'Mark done' }).click();
    await page.locator(`svg [data-step-id="${stepId}"][data-status="completed"]`).waitFor();
    const stored = await harness.getInterview(interview.id);
    expect(stored.steps.find((step) => step.id === stepId)?.status).toBe('completed');
  });

  it('posts a signal: the change appears on the timeline and cancelled steps are struck through', async () => {
    await expect(page.locator('svg [data-status="cancelled"]').count()).resolves.toBe(0);
    // The signal types come from the API's own document, so new ones appear without a release.
    const spec = (await (await fetch(`${origin}/openapi.json`)).json()) as {
      components: {
        schemas: { Signal: { oneOf: Array<{ properties: { type: { enum: string[] } } }> } };
      };
    };
    const documented = spec.components.schemas.Signal.oneOf.map((v) => v.properties.type.enum[0]);
    await expect(
      page
        .getByLabel('Type')
        .locator('option')
        .evaluateAll((options) => options.map((option) => option.getAttribute('value'))),
    ).resolves.toEqual(documented);
    await page.getByLabel('Type').selectOption('employer_replied');
    await page.getByLabel('Fields (JSON)').fill('{ "note": "They will decide after the offsite" }');
    await page.getByRole('button', { name: 'Post signal' }).click();
    await page.locator('.change.updated', { hasText: 'employer replied' }).first().waitFor();
    const cancelled = page.locator('svg [data-status="cancelled"]');
    await expect(cancelled.count()).resolves.toBeGreaterThan(0);
    await expect(cancelled.first().locator('.strike').count()).resolves.toBe(1);
    await cancelled.first().click();
    await expect(page.locator('.step-details .cancel-reason').textContent()).resolves.toMatch(
      /^employer replied/,
    );
    await screenshot(page, 'dashboard-signal.png');
    // The picture in the README: due, done and cancelled steps, a re-plan, and "now".
    await page
      .locator('.timeline')
      .screenshot({ path: join(screenshotDir, 'dashboard-timeline.png') });
  });

  it('shows an endpoint’s attempt log and rotates its secret', async () => {
    await page.getByRole('navigation').getByRole('link', { name: 'Webhook endpoints' }).click();
    await page.getByRole('link', { name: failing.url }).click();
    await page.getByRole('heading', { name: 'Attempt log' }).waitFor();
    await expect(page.locator('tr[data-outcome="failed"]').count()).resolves.toBeGreaterThan(0);
    await page.getByRole('button', { name: 'Rotate secret' }).click();
    const secret = page.getByTestId('secret');
    await secret.waitFor();
    await expect(secret.textContent()).resolves.toMatch(/^whsec_/);
    await page.getByText(/still signs until/).waitFor();
    await screenshot(page, 'dashboard-endpoint.png');
    const stored = await harness.api('GET', `/v1/webhook-endpoints/${failingEndpointId}`);
    expect(stored.body.secretRotatingUntil).toEqual(expect.any(String));
  });

  it('sends a test event and shows the attempt', async () => {
    const before = failing.deliveries.length;
    await page.getByRole('button', { name: 'Send test event' }).click();
    await page.getByRole('status').filter({ hasText: 'Test event: failed (503)' }).waitFor();
    expect(failing.deliveries.slice(before).map((d) => d.type)).toEqual(['webhook.test']);
  });

  it('disables and re-enables the endpoint, and recovers failed deliveries since a time', async () => {
    await page.getByRole('button', { name: 'Disable' }).click();
    await page.getByRole('button', { name: 'Enable' }).waitFor();
    const disabled = await harness.api('GET', `/v1/webhook-endpoints/${failingEndpointId}`);
    expect(disabled.body.enabled).toBe(false);
    await page.getByRole('button', { name: 'Enable' }).click();
    await page.getByRole('button', { name: 'Disable' }).waitFor();
    await page.getByLabel('Since (your local time)').fill('2020-01-01T00:00');
    await page.getByRole('button', { name: 'Recover' }).click();
    const notice = page.getByRole('status').filter({ hasText: /deliveries queued again/ });
    await expect(notice.textContent()).resolves.toMatch(/^[1-9]\d* deliveries queued again/);
  });

  it('offers exactly the event types openapi.yaml lists', async () => {
    expect(specEventTypes).toContain('webhook.delivery_exhausted');
    await expect(offeredEventTypes(page)).resolves.toEqual([...specEventTypes].sort());
  });

  it('saves the event types an endpoint receives', async () => {
    await page.getByRole('checkbox', { name: 'followup.check_in' }).check();
    await page.getByRole('checkbox', { name: 'followup.thank_you' }).check();
    await page.getByRole('button', { name: 'Save event types' }).click();
    await page.getByRole('status').filter({ hasText: 'Event types saved.' }).waitFor();
    const stored = await harness.api('GET', `/v1/webhook-endpoints/${failingEndpointId}`);
    expect([...stored.body.eventTypes].sort()).toEqual(['followup.check_in', 'followup.thank_you']);
  });

  it('adds an endpoint and shows its secret once', async () => {
    await page.getByRole('navigation').getByRole('link', { name: 'Webhook endpoints' }).click();
    await page.getByLabel('URL').fill(`${healthy.url}/second`);
    await page.getByLabel('Description').fill('added in the console');
    await expect(offeredEventTypes(page)).resolves.toEqual([...specEventTypes].sort());
    await page.getByRole('button', { name: 'Add endpoint' }).click();
    await expect(page.getByTestId('secret').textContent()).resolves.toMatch(/^whsec_/);
    await page
      .getByRole('link', { name: `${healthy.url}/second` })
      .first()
      .waitFor();
    await screenshot(page, 'dashboard-endpoints.png');
  });

  it('shows the sandbox clock page on the local runtime', async () => {
    await page.getByRole('link', { name: 'Sandbox' }).click();
    await page.getByTestId('sandbox-now').waitFor();
    await screenshot(page, 'dashboard-sandbox.png');
  });

  it.each([
    ['sign-in', '#/'],
    ['interviews', '#/interviews'],
    ['interview', () => `#/interviews/${interview.id}`],
    ['endpoints', '#/endpoints'],
    ['endpoint', () => `#/endpoints/${failingEndpointId}`],
    ['sandbox', '#/sandbox'],
  ] as const)('axe-core finds nothing serious or critical on the %s page', async (name, hash) => {
    const target = await watchedPage(origin);
    const url = `${origin}/dashboard${typeof hash === 'string' ? hash : hash()}`;
    if (name === 'sign-in') await target.goto(url);
    else await signedIn(target, url);
    await target.locator('main h1').waitFor();
    await target.waitForLoadState('networkidle');
    await expect(accessibilityProblems(target)).resolves.toEqual([]);
    await target.close();
  });

  it('fits a phone screen: the page never scrolls sideways', async () => {
    const phone = await browser.newContext({
      viewport: { width: 390, height: 844 },
      isMobile: true,
    });
    const target = await phone.newPage();
    await target.route('**/*', (route) => {
      const url = route.request().url();
      if (url.startsWith(`${origin}/`) || url.startsWith('data:')) return route.continue();
      external.push(url);
      return route.abort('blockedbyclient');
    });
    await signedIn(target, `${origin}/dashboard#/interviews/${interview.id}`);
    await target.locator('svg [data-step-id]').first().waitFor();
    const widths = await target.evaluate<{ document: number; viewport: number }>(
      '({ document: document.documentElement.scrollWidth, viewport: window.innerWidth })',
    );
    expect(widths.document).toBeLessThanOrEqual(widths.viewport);
    await mkdir(screenshotDir, { recursive: true });
    await target.screenshot({ path: join(screenshotDir, 'dashboard-phone.png') });
    await phone.close();
  });

  it('works under an API Gateway stage path, with only relative URLs', async () => {
    const stageOrigin = new URL(stage.url).origin;
    const target = await watchedPage(stageOrigin);
    const requested: string[] = [];
    target.on('request', (request) => requested.push(new URL(request.url()).pathname));
    await target.goto(`${stage.url}/dashboard`);
    await target.getByRole('button', { name: 'Sign in with the development key' }).click();
    await target.getByRole('link', { name: 'Dana Whitfield' }).first().waitFor();
    expect(requested.length).toBeGreaterThan(3);
    expect(requested.filter((path) => !path.startsWith('/prod/'))).toEqual([]);
    await target.close();
  });

  it('asked for nothing outside the local servers, broke no CSP rule and threw nothing', () => {
    expect(external).toEqual([]);
    expect(cspViolations).toEqual([]);
    expect(pageErrors).toEqual([]);
    expect(failedLocal).toEqual([]);
  });
});
