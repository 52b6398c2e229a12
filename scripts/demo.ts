/**
 * `npm run demo`: one interview's whole follow-up plan played out in a few seconds.
 *
 * Runs in its own local runtime, started in this process in memory on free ports, so a
 * service you are running (`npm start`) is left alone: its data and its sandbox clock do not
 * move. `--against <url>` plays the demo on that API instead, in a fresh sandbox tenant; the
 * sandbox clock belongs to the whole runtime there, so it moves for every tenant, for good.
 *
 * It registers a webhook receiver on 127.0.0.1 that verifies every signature, creates an
 * interview with three interviewers, and moves the sandbox clock from one due step to the next,
 * printing each webhook as it arrives. Part way through, the employer replies with a new
 * decision date and the plan changes. Needs no network beyond localhost.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { Temporal } from 'temporal-polyfill';
import { type LocalRuntime, startLocalRuntime } from '../local/runtime';
import type { Step } from '../shared/domain/model';
import { verify } from '../shared/webhooks/signing';

const interviewZone = 'Europe/London';
const color = process.stdout.isTTY && !process.env.NO_COLOR;
const paint = (code: number) => (text: string) => (color ? `\x1b[${code}m${text}\x1b[0m` : text);
const bold = paint(1);
const dim = paint(2);
const green = paint(32);
const red = paint(31);
const cyan = paint(36);
const yellow = paint(33);

interface Interview {
  id: string;
  status: 'active' | 'closed';
  closedReason?: string;
  steps: Step[];
}

interface Delivery {
  type: string;
  id: string;
  verified: boolean;
  failure?: string;
  data: Record<string, unknown>;
}

class ApiClient {
  constructor(
    readonly baseUrl: string,
    public apiKey = '',
  ) {}

  async call<T>(method: string, path: string, body?: unknown, expect = [200, 201]): Promise<T> {
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: {
        ...(this.apiKey ? { authorization: `Bearer ${this.apiKey}` } : {}),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(60_000),
    });
    const text = await response.text();
    if (!expect.includes(response.status)) {
      throw new Error(`${method} ${path} answered ${response.status}: ${text.slice(0, 500)}`);
    }
    return (text ? JSON.parse(text) : undefined) as T;
  }
}

/** True when an Afterview API answers `/health` at `baseUrl` within a second and a half. */
async function isRunning(baseUrl: string): Promise<boolean> {
  try {
    const response = await fetch(`${baseUrl}/health`, { signal: AbortSignal.timeout(1500) });
    await response.arrayBuffer();
    return response.ok;
  } catch {
    return false;
  }
}

/** A webhook receiver that checks every signature with the endpoint's secret. */
async function startReceiver(secret: () => string) {
  const deliveries: Delivery[] = [];
  const waiting = new Set<() => void>();
  const readBody = async (request: IncomingMessage) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  };
  const server: Server = createServer(async (request, response) => {
    const body = await readBody(request);
    const check = verify({
      secrets: secret(),
      headers: request.headers,
      body,
      nowSeconds: Math.floor(Date.now() / 1000),
    });
    // A receiver refuses what it cannot verify; Afterview would retry it later.
    response.writeHead(check.ok ? 204 : 401).end();
    let envelope: { id: string; type: string; data: Delivery['data'] };
    try {
      envelope = JSON.parse(body);
    } catch {
      envelope = { id: String(request.headers['webhook-id']), type: '(not JSON)', data: {} };
    }
    deliveries.push({
      type: envelope.type,
      id: envelope.id,
      verified: check.ok,
      ...(check.ok ? {} : { failure: check.reason }),
      data: envelope.data,
    });
    for (const wake of waiting) wake();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/afterview-demo`,
    deliveries,
    /** Resolves once `ready()` holds, or after `timeoutMs` (the caller checks again). */
    async waitFor(ready: () => boolean, timeoutMs = 5000): Promise<void> {
      const deadline = Date.now() + timeoutMs;
      while (!ready() && Date.now() < deadline) {
        await new Promise<void>((resolve) => {
          const wake = () => {
            waiting.delete(wake);
            resolve();
          };
          waiting.add(wake);
          setTimeout(wake, 100);
        });
      }
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const weekdays = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** "Tue 10 Mar 09:00 America/New_York (UTC-04:00)": the due time as the recipient sees it. */
function localTime(dueAt: string, timeZone: string): string {
  const zoned = Temporal.Instant.from(dueAt).toZonedDateTimeISO(timeZone);
  const hhmm = `${String(zoned.hour).padStart(2, '0')}:${String(zoned.minute).padStart(2, '0')}`;
  return `${weekdays[zoned.dayOfWeek - 1]} ${zoned.day} ${months[zoned.month - 1]} ${hhmm} ${timeZone} (UTC${zoned.offset})`;
}

function recipientLabel(step: Pick<Step, 'recipient' | 'channel'>): string {
  return `${step.recipient.name} (${step.recipient.role.replace('_', ' ')}, by ${step.channel})`;
}

/** The first weekday after `now` in the interview's zone, 14:00–15:00 there. */
function interviewSlot(now: Temporal.Instant): {
  start: Temporal.ZonedDateTime;
  end: Temporal.ZonedDateTime;
} {
  let day = now.toZonedDateTimeISO(interviewZone).toPlainDate().add({ days: 1 });
  while (day.dayOfWeek > 5) day = day.add({ days: 1 });
  const start = day.toZonedDateTime({ timeZone: interviewZone, plainTime: '14:00' });
  return { start, end: start.add({ hours: 1 }) };
}

function interviewInput(start: Temporal.ZonedDateTime, end: Temporal.ZonedDateTime) {
  const decision = start.toPlainDate().add({ days: 10 });
  return {
    externalId: `demo-${start.toPlainDate().toString()}`,
    candidate: {
      name: 'Dana Whitfield',
      email: 'dana.whitfield@example.com',
      phone: '+44 20 7946 0321',
    },
    role: { title: 'Senior Backend Engineer', company: 'Northwind Logistics' },
    round: 1,
    format: 'video',
    startsAt: start.toInstant().toString(),
    endsAt: end.toInstant().toString(),
    timeZone: interviewZone,
    interviewers: [
      {
        name: 'Priya Raman',
        title: 'Engineering Manager',
        email: 'priya.raman@northwind.example',
        timeZone: 'Europe/London',
        topics: ['moving invoicing onto an event log'],
      },
      {
        name: 'Marcus Hale',
        title: 'Head of Platform',
        email: 'marcus.hale@northwind.example',
        timeZone: 'America/New_York',
        topics: ['how the on-call rotation is shared'],
      },
      {
        name: 'Kenji Watanabe',
        title: 'Staff Engineer',
        linkedinUrl: 'https://www.linkedin.com/in/kenji-watanabe-demo',
        timeZone: 'Asia/Tokyo',
        topics: ['replacing the nightly batch with streaming'],
      },
    ],
    // What the recruiter said at the end: a decision within about ten days.
    nextSteps: { decisionExpectedBy: decision.toString(), processLength: 'P6W' },
  };
}

function printStep(step: Step, prefix: string): void {
  console.log(`${prefix}${bold(step.kind.padEnd(20))} → ${recipientLabel(step)}`);
  console.log(
    `${' '.repeat(prefix.length)}${dim('due ')} ${localTime(step.dueAt, step.timeZone)}${step.late ? yellow('  late') : ''}`,
  );
}

function printDelivery(delivery: Delivery, progress: string): void {
  const signature = delivery.verified
    ? green('signature ✓ verified')
    : red(`signature ✗ ${delivery.failure}`);
  const step = delivery.data.step as Step | undefined;
  if (!step) {
    const sequence =
      delivery.data.sequence === undefined ? '' : ` sequence ${delivery.data.sequence}`;
    const status = delivery.data.status ? ` status ${delivery.data.status}` : '';
    const reason = delivery.data.closedReason ? ` (${delivery.data.closedReason})` : '';
    console.log(
      dim(
        `        ${delivery.type}${status}${reason}${sequence} · ${delivery.verified ? 'signature ✓' : 'signature ✗'}`,
      ),
    );
    return;
  }
  console.log(`${cyan(progress)} ${bold(delivery.type)} → ${recipientLabel(step)}`);
  console.log(
    `        due      ${localTime(step.dueAt, step.timeZone)}${step.late ? yellow('  (late)') : ''}`,
  );
  console.log(`        why      ${step.reason}`);
  if (step.draft) console.log(`        subject  “${step.draft.subject}”`);
  console.log(`        ${signature}  ${dim(`webhook-id ${delivery.id}`)}`);
}

async function main(): Promise<number> {
  const started = performance.now();
  const { values } = parseArgs({ options: { against: { type: 'string' } } });
  let runtime: LocalRuntime | undefined;
  let api: ApiClient;
  if (values.against) {
    const baseUrl = values.against.replace(/\/+$/, '');
    if (!(await isRunning(baseUrl))) throw new Error(`No Afterview API answers at ${baseUrl}`);
    api = new ApiClient(baseUrl, process.env.AFTERVIEW_API_KEY ?? '');
    console.log(
      yellow(
        `Using the Afterview API at ${baseUrl}: its sandbox clock will move forward for every tenant there, for good.`,
      ),
    );
  } else {
    console.log(
      'Starting a local runtime of its own for this demo (in memory, free ports; a running npm start is left alone).',
    );
    runtime = await startLocalRuntime({
      port: 0,
      dynamoPort: 0,
      schedulerPort: 0,
      dataDir: null,
      reconcileIntervalMs: 0,
      // Events raised by API calls (interview.updated) are due at once; the ticker fires them.
      tickerIntervalMs: 200,
      logger: { info: () => {}, error: (message) => console.error(red(`runtime: ${message}`)) },
    });
    api = new ApiClient(runtime.url, runtime.apiKey);
  }

  let secret = '';
  const receiver = await startReceiver(() => secret);
  try {
    // A fresh sandbox tenant keeps the demo's interview, endpoint and events apart from others'.
    try {
      const tenant = await api.call<{ tenantId: string; apiKey: string }>(
        'POST',
        '/v1/sandbox/tenants',
        {
          name: 'Afterview demo',
        },
      );
      api.apiKey = tenant.apiKey;
      console.log(`Sandbox tenant ${tenant.tenantId} created for this demo.`);
    } catch (error) {
      if (!api.apiKey) {
        throw new Error(
          `No sandbox at ${api.baseUrl} (is it the local runtime?) and no AFTERVIEW_API_KEY set: ${(error as Error).message}`,
        );
      }
      console.log('No sandbox tenants here; using AFTERVIEW_API_KEY.');
    }

    const endpoint = await api.call<{ id: string; secret: string }>(
      'POST',
      '/v1/webhook-endpoints',
      {
        url: receiver.url,
      },
    );
    secret = endpoint.secret;
    console.log(
      `Webhook receiver ${receiver.url} registered as ${endpoint.id}; it verifies every signature.\n`,
    );

    const clock = await api.call<{ now: string }>('GET', '/v1/sandbox/clock');
    const { start, end } = interviewSlot(Temporal.Instant.from(clock.now));
    const input = interviewInput(start, end);
    let interview = await api.call<Interview>('POST', '/v1/interviews', input);
    console.log(
      bold(
        `Interview ${interview.id}: ${input.candidate.name} for ${input.role.title} at ${input.role.company}`,
      ),
    );
    console.log(
      `  ${localTime(input.startsAt, interviewZone)}, video, with ${input.interviewers.map((i) => `${i.name} (${i.timeZone}${i.email ? '' : ', LinkedIn only'})`).join(', ')}`,
    );
    console.log(
      `  Timeline given: decision by ${input.nextSteps.decisionExpectedBy}, process about six weeks.\n`,
    );
    console.log(bold(`The plan (${interview.steps.length} steps):`));
    for (const step of interview.steps) printStep(step, '  • ');
    console.log('');

    const seenSteps = new Set<string>();
    let printed = 0;
    let replied = false;
    let replan: { cancelled: number; added: number } | undefined;
    const flush = () => {
      for (const delivery of receiver.deliveries.slice(printed)) {
        const step = delivery.data.step as Step | undefined;
        if (step) seenSteps.add(step.id);
        const open = interview.steps.filter(
          (s) => s.status === 'scheduled' && !seenSteps.has(s.id),
        ).length;
        printDelivery(delivery, `[${seenSteps.size}/${seenSteps.size + open}]`);
      }
      printed = receiver.deliveries.length;
    };

    for (let round = 0; round < 60; round++) {
      interview = await api.call<Interview>('GET', `/v1/interviews/${interview.id}`);
      flush();
      const next = interview.steps
        .filter((step) => step.status === 'scheduled')
        .sort((a, b) =>
          Temporal.Instant.compare(Temporal.Instant.from(a.dueAt), Temporal.Instant.from(b.dueAt)),
        )[0];
      if (!next) break;

      const now = Temporal.Instant.from(
        (await api.call<{ now: string }>('GET', '/v1/sandbox/clock')).now,
      );
      const due = Temporal.Instant.from(next.dueAt);
      if (Temporal.Instant.compare(due, now) > 0) {
        console.log(dim(`\n⏩ sandbox clock → ${due.toString()}`));
        await api.call('POST', '/v1/sandbox/clock', { to: due.toString() });
      }
      // The clock call answers after the due steps were handled; the wait only covers a
      // receiver that is slower than the API.
      await receiver.waitFor(() =>
        receiver.deliveries.some((d) => (d.data.step as Step | undefined)?.id === next.id),
      );
      flush();

      // The integration sent the note: tell Afterview, as an ATS would.
      const deliveredSoFar = receiver.deliveries.length;
      await api.call(
        'POST',
        `/v1/interviews/${interview.id}/steps/${next.id}/complete`,
        undefined,
        [200, 409],
      );
      await receiver.waitFor(() => receiver.deliveries.length > deliveredSoFar, 1000);
      flush();

      if (!replied && next.kind === 'check_in') {
        replied = true;
        const before = await api.call<Interview>('GET', `/v1/interviews/${interview.id}`);
        const newDecision = due.toZonedDateTimeISO(interviewZone).toPlainDate().add({ days: 14 });
        console.log(
          yellow(
            `\n✉  The employer replies: “We need two more weeks; expect a decision by ${newDecision}.”`,
          ),
        );
        console.log(
          dim(
            '   POST /v1/interviews/{id}/signals { type: "employer_replied", decisionExpectedBy }',
          ),
        );
        const after = await api.call<Interview>('POST', `/v1/interviews/${interview.id}/signals`, {
          type: 'employer_replied',
          decisionExpectedBy: newDecision.toString(),
          note: 'Hiring manager is travelling; decision in two weeks.',
        });
        const beforeIds = new Set(before.steps.map((s) => s.id));
        const cancelled = after.steps.filter(
          (s) =>
            s.status === 'cancelled' &&
            before.steps.some((b) => b.id === s.id && b.status === 'scheduled'),
        );
        const added = after.steps.filter((s) => !beforeIds.has(s.id));
        replan = { cancelled: cancelled.length, added: added.length };
        console.log(
          `   Re-planned: ${cancelled.length} pending step(s) cancelled, ${added.length} new:`,
        );
        for (const step of cancelled)
          console.log(
            dim(
              `   ✗ ${step.kind} → ${step.recipient.name}, was ${localTime(step.dueAt, step.timeZone)}`,
            ),
          );
        for (const step of added) printStep(step, '   + ');
        interview = after;
      }
    }

    interview = await api.call<Interview>('GET', `/v1/interviews/${interview.id}`);
    if (interview.status === 'closed') {
      await receiver.waitFor(() => receiver.deliveries.some((d) => d.type === 'interview.closed'));
    }
    flush();

    const stepDeliveries = receiver.deliveries.filter((d) => d.data.step);
    const verified = receiver.deliveries.filter((d) => d.verified).length;
    const byType = new Map<string, number>();
    for (const d of receiver.deliveries) byType.set(d.type, (byType.get(d.type) ?? 0) + 1);
    const dues = stepDeliveries.map((d) => Temporal.Instant.from((d.data.step as Step).dueAt));
    const first = dues[0];
    const last = dues.at(-1);
    const spanDays =
      first && last ? Math.round(first.until(last).total({ unit: 'hours' }) / 24) : 0;

    console.log(bold('\nSummary'));
    console.log(
      `  interview        ${interview.id}: ${interview.status}${interview.closedReason ? ` (${interview.closedReason})` : ''}`,
    );
    console.log(
      `  follow-ups sent  ${stepDeliveries.length} webhooks over ${spanDays} days of sandbox time`,
    );
    console.log(`  all webhooks     ${[...byType].map(([type, n]) => `${type} ×${n}`).join(', ')}`);
    console.log(
      `  signatures       ${verified}/${receiver.deliveries.length} verified ${verified === receiver.deliveries.length ? green('✓') : red('✗')}`,
    );
    if (replan)
      console.log(
        `  re-plan          employer reply cancelled ${replan.cancelled}, added ${replan.added}`,
      );
    console.log(
      `  took             ${((performance.now() - started) / 1000).toFixed(1)} s of real time`,
    );
    const ok = verified === receiver.deliveries.length && stepDeliveries.length > 0;
    return ok ? 0 : 1;
  } finally {
    await receiver.close();
    await runtime?.close();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(red(`demo failed: ${error instanceof Error ? error.message : String(error)}`));
    process.exit(1);
  },
);
