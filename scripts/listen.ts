/**
 * `npm run listen`: see webhooks without writing a receiver, in the spirit of `stripe listen`.
 *
 * Registers a temporary webhook endpoint pointing at a receiver on this machine, prints every
 * event as it arrives (type, interview, recipient, local due time, subject, and whether the
 * signature verified) and deletes the endpoint on Ctrl+C. `--forward-to <url>` also sends each
 * request, headers and body unchanged, to your own server, prints its status and answers
 * Afterview with that status, so retries follow what your server did. `--events <a,b>` keeps
 * only those types. An API that cannot reach this machine (a deployment only calls public
 * https URLs) is followed through `GET /v1/events` instead.
 *
 * Settings: `--api <url>` or AFTERVIEW_URL (default http://localhost:3000); the key from
 * `--api-key`, AFTERVIEW_API_KEY, AFTERVIEW_DEV_API_KEY or, for a local runtime, the development
 * key `npm start` keeps in its data directory (AFTERVIEW_DATA_DIR, default .afterview).
 */
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Webhook } from 'standardwebhooks';

const usage = `Usage: npm run listen -- [--forward-to <url>] [--events <type,type>] [--api <url>] [--api-key <key>] [--poll]`;

interface Envelope {
  id?: string;
  type?: string;
  timestamp?: string;
  interviewId?: string;
  data?: {
    interviewId?: string;
    interview?: { id?: string };
    step?: {
      recipient?: { name?: string; role?: string };
      channel?: string;
      localDueAt?: string;
      timeZone?: string;
      late?: boolean;
      draft?: { subject?: string };
    };
  };
}

const color = process.stdout.isTTY === true && !process.env.NO_COLOR;
const paint = (code: number) => (text: string) => (color ? `\x1b[${code}m${text}\x1b[0m` : text);
const bold = paint(1);
const dim = paint(2);
const green = paint(32);
const red = paint(31);

function clockTime(): string {
  return new Date().toTimeString().slice(0, 8);
}

/** The lines printed for one event; `signature` is undefined when it could not be checked. */
export function describeEvent(envelope: Envelope, signature: boolean | undefined): string[] {
  const step = envelope.data?.step;
  const interviewId =
    envelope.interviewId ?? envelope.data?.interviewId ?? envelope.data?.interview?.id;
  const check =
    signature === undefined
      ? dim('signature not checked (polled)')
      : signature
        ? green('signature ✓ verified')
        : red('signature ✗ NOT verified');
  const lines = [
    `${dim(clockTime())}  ${bold(envelope.type ?? '(no type)')}  ${interviewId ?? ''}  ${dim(`[${envelope.id ?? '?'}]`)}`,
  ];
  if (step) {
    const who = step.recipient?.name
      ? `${step.recipient.name} (${step.recipient.role?.replace('_', ' ') ?? 'recipient'}${step.channel ? `, by ${step.channel}` : ''})`
      : '(no recipient)';
    lines.push(`          to       ${who}`);
    lines.push(
      `          due      ${step.localDueAt ?? '?'}${step.timeZone ? ` ${step.timeZone}` : ''}${step.late ? ' (late)' : ''}`,
    );
    if (step.draft?.subject) lines.push(`          subject  “${step.draft.subject}”`);
  }
  lines.push(`          ${check}`);
  return lines;
}

class Api {
  constructor(
    readonly baseUrl: string,
    readonly apiKey: string,
  ) {}

  async call(
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ status: number; json: Record<string, unknown> }> {
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${this.apiKey}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(30_000),
    }).catch(() => {
      throw new Error(
        `No Afterview API answers at ${this.baseUrl}. Start one with npm start, or pass --api <url>.`,
      );
    });
    const text = await response.text();
    let json: Record<string, unknown> = {};
    try {
      json = text ? (JSON.parse(text) as Record<string, unknown>) : {};
    } catch {
      json = { detail: text.slice(0, 200) };
    }
    return { status: response.status, json };
  }
}

function problemText(json: Record<string, unknown>): string {
  const errors = Array.isArray(json.errors)
    ? (json.errors as Array<{ path?: string; message?: string }>)
        .map((error) => `${error.path}: ${error.message}`)
        .join('; ')
    : '';
  return [json.detail ?? json.title, errors].filter(Boolean).join(' — ');
}

/** Headers a proxy must not copy: they describe this hop, not the message. */
const hopByHop = new Set([
  'host',
  'connection',
  'keep-alive',
  'transfer-encoding',
  'content-length',
  'upgrade',
  'proxy-connection',
  'te',
  'trailer',
]);

function forwardableHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || hopByHop.has(name)) continue;
    kept[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return kept;
}

async function findApiKey(baseUrl: string, given: string | undefined): Promise<string> {
  if (given) return given;
  if (process.env.AFTERVIEW_API_KEY) return process.env.AFTERVIEW_API_KEY;
  // A key fixed for npm start is not saved in the data directory, but the shell may have it.
  if (process.env.AFTERVIEW_DEV_API_KEY) return process.env.AFTERVIEW_DEV_API_KEY;
  const host = new URL(baseUrl).hostname;
  if (['localhost', '127.0.0.1', '[::1]'].includes(host)) {
    const file = join(process.env.AFTERVIEW_DATA_DIR ?? '.afterview', 'dev-api-key.json');
    try {
      const saved = JSON.parse(await readFile(file, 'utf8')) as { apiKey?: string };
      if (saved.apiKey) return saved.apiKey;
    } catch {
      // Falls through to the message below.
    }
  }
  throw new Error(
    'No API key: set AFTERVIEW_API_KEY (npm start prints it) or pass --api-key <key>.',
  );
}

interface Listener {
  close(): Promise<void>;
}

/** Receives webhooks on 127.0.0.1 through a temporary endpoint; undefined if the API refuses it. */
async function listenLocally(
  api: Api,
  events: string[] | undefined,
  forwardTo: string | undefined,
): Promise<Listener | undefined> {
  let webhook: Webhook | undefined;
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', async () => {
      const raw = Buffer.concat(chunks);
      const body = raw.toString('utf8');
      const headers = forwardableHeaders(request.headers);
      let verified = false;
      try {
        webhook?.verify(body, headers);
        verified = webhook !== undefined;
      } catch {
        verified = false;
      }
      let envelope: Envelope = {};
      try {
        envelope = JSON.parse(body) as Envelope;
      } catch {
        envelope = { id: headers['webhook-id'], type: '(body is not JSON)' };
      }
      for (const line of describeEvent(envelope, verified)) console.log(line);
      let status = 200;
      if (forwardTo) {
        try {
          const forwarded = await fetch(forwardTo, {
            method: request.method ?? 'POST',
            headers,
            body: raw,
            redirect: 'manual',
            signal: AbortSignal.timeout(15_000),
          });
          await forwarded.arrayBuffer();
          status = forwarded.status;
          console.log(`          forwarded to ${forwardTo} → ${status}`);
        } catch (error) {
          status = 502;
          console.log(
            red(
              `          forwarded to ${forwardTo} → failed (${error instanceof Error ? error.message : String(error)})`,
            ),
          );
        }
      }
      response.writeHead(status, { 'content-type': 'text/plain' }).end(String(status));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/afterview-listen`;
  const closeServer = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });

  const created = await api.call('POST', '/v1/webhook-endpoints', {
    url,
    description: 'npm run listen (removed when it stops)',
    ...(events ? { eventTypes: events } : {}),
  });
  if (created.status === 400 && JSON.stringify(created.json).includes('"url"')) {
    await closeServer();
    return undefined;
  }
  if (created.status !== 201) {
    await closeServer();
    throw new Error(
      `Registering the endpoint failed (${created.status}): ${problemText(created.json)}`,
    );
  }
  const endpointId = String(created.json.id);
  const secret = String(created.json.secret);
  webhook = new Webhook(secret);
  console.log(`Ready. Webhooks for this API go to ${url} (endpoint ${endpointId}).
Signing secret ${secret}${forwardTo ? `\nForwarding every request to ${forwardTo}` : ''}
${events ? `Only ${events.join(', ')}.` : 'Every event type.'} Ctrl+C removes the endpoint.`);
  return {
    async close() {
      const removed = await api.call('DELETE', `/v1/webhook-endpoints/${endpointId}`);
      await closeServer();
      console.log(
        removed.status === 204 || removed.status === 404
          ? `Endpoint ${endpointId} removed.`
          : red(`Could not remove endpoint ${endpointId} (${removed.status}); delete it by hand.`),
      );
    },
  };
}

/** Follows `GET /v1/events` (newest first) and prints what is new, oldest first. */
async function followEvents(api: Api, events: string[] | undefined): Promise<Listener> {
  const seen = new Set<string>();
  const firstPage = await api.call('GET', '/v1/events?limit=100');
  if (firstPage.status !== 200) {
    throw new Error(`GET /v1/events failed (${firstPage.status}): ${problemText(firstPage.json)}`);
  }
  for (const event of (firstPage.json.data as Envelope[]) ?? []) seen.add(String(event.id));
  console.log(
    `Ready. Following ${api.baseUrl}/v1/events every 2 s (signatures are not checked this way). Ctrl+C stops.`,
  );
  let stopped = false;
  const poll = async () => {
    const fresh: Envelope[] = [];
    let cursor: string | undefined;
    do {
      const page = await api.call(
        'GET',
        `/v1/events?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      );
      if (page.status !== 200) return;
      const data = (page.json.data as Envelope[]) ?? [];
      const unseen = data.filter((event) => !seen.has(String(event.id)));
      fresh.push(...unseen);
      // A page that reaches known events means everything newer has been read.
      cursor = unseen.length === data.length ? (page.json.nextCursor as string) : undefined;
    } while (cursor);
    for (const event of fresh.reverse()) {
      seen.add(String(event.id));
      if (events && !events.includes(String(event.type))) continue;
      for (const line of describeEvent(event, undefined)) console.log(line);
    }
  };
  const loop = (async () => {
    while (!stopped) {
      await new Promise((resolve) => setTimeout(resolve, 2000));
      if (!stopped) await poll().catch(() => undefined);
    }
  })();
  return {
    async close() {
      stopped = true;
      await loop;
    },
  };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      'forward-to': { type: 'string' },
      events: { type: 'string' },
      api: { type: 'string' },
      'api-key': { type: 'string' },
      poll: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(usage);
    return;
  }
  const baseUrl = (values.api ?? process.env.AFTERVIEW_URL ?? 'http://localhost:3000').replace(
    /\/+$/,
    '',
  );
  const events = values.events
    ?.split(',')
    .map((type) => type.trim())
    .filter(Boolean);
  const forwardTo = values['forward-to'];
  if (forwardTo && !URL.canParse(forwardTo))
    throw new Error(`--forward-to: not a URL: ${forwardTo}`);
  const api = new Api(baseUrl, await findApiKey(baseUrl, values['api-key']));

  // Ctrl+C is caught from the start: one pressed while the endpoint is being registered must
  // still remove it, so stopping waits for the listener that is on its way.
  let stopRequested = false;
  let listener: Listener | undefined;
  const stop = async () => {
    if (stopRequested) return;
    stopRequested = true;
    if (!listener) return; // the start below sees the flag and stops
    await listener.close().catch((error: unknown) => {
      console.error(red(`Stopping failed: ${error instanceof Error ? error.message : error}`));
    });
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);

  listener = values.poll ? undefined : await listenLocally(api, events, forwardTo);
  if (!listener) {
    if (!values.poll) {
      console.log(
        `${baseUrl} cannot send webhooks to this machine (it accepts only public https URLs).`,
      );
    }
    if (forwardTo) console.log('--forward-to needs webhooks delivered here; it is ignored.');
    listener = await followEvents(api, events);
  }
  if (stopRequested) {
    stopRequested = false;
    await stop();
  }
}

main().catch((error: unknown) => {
  console.error(red(error instanceof Error ? error.message : String(error)));
  process.exit(1);
});
