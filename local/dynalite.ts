/**
 * The local database: dynalite, a DynamoDB-protocol server on LevelDB, started on a worker
 * thread of this process. Production uses DynamoDB itself; both are reached through the same
 * DynamoDBClient.
 *
 * Why a worker: on one thread, dynalite's request handling and LevelDB work shared a core with
 * everything that calls it (API, dispatcher, SDK serialisation and signing), so the local runtime
 * and its benchmarks were bound by one core while the second idled.
 */

import { MessageChannel, type MessagePort, Worker } from 'node:worker_threads';
import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { consoleLogger, describeError } from '../shared/service/deps';

export interface DynaliteOptionsInput {
  /** 0 (the default) picks a free port. */
  port?: number;
  host?: string;
  /** Directory for on-disk LevelDB data; omit to keep everything in memory. */
  path?: string;
}

export interface RunningDynalite {
  /** `http://host:port`, for createDynamoClient. */
  endpoint: string;
  port: number;
  /**
   * A request handler for a DynamoDBClient in this process: requests go to the worker over a
   * MessagePort instead of loopback HTTP (see {@link dynaliteRequestHandler}). Other clients,
   * in this process or not, still use `endpoint`.
   */
  requestHandler: DynamoRequestHandler;
  /** Stops the server and closes the database, so the same `path` can be opened again. */
  close(): Promise<void>;
}

type DynamoRequestHandler = NonNullable<DynamoDBClientConfig['requestHandler']>;

/** The parts of the SDK's HttpRequest read here. */
interface SdkRequest {
  method: string;
  path: string;
  query?: Record<string, string | string[] | null>;
  headers: Record<string, string>;
  body?: unknown;
}

interface PortReply {
  id: number;
  status: number;
  headers: Record<string, string>;
  body: string;
  error?: string;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

function requestUrl(request: SdkRequest): string {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(request.query ?? {})) {
    for (const one of Array.isArray(value) ? value : [value]) query.append(name, one ?? '');
  }
  const text = query.toString();
  return text ? `${request.path}?${text}` : request.path;
}

/**
 * A request handler that hands DynamoDB requests to the dynalite worker over `port`: the SDK
 * still serialises, signs and parses (and checks the CRC32 dynalite puts on every answer), and
 * dynalite answers through the handler its HTTP server runs, but no socket, HTTP client or
 * server parser sits in between.
 *
 * Why: on the local runtime each DynamoDB call over loopback HTTP cost the API's thread a
 * socket write (the kernel's loopback delivery, about a seventh of a create's main-thread
 * profile), the HTTP client's parsing and the keep-alive agent, and the worker the server's.
 */
function dynaliteRequestHandler(port: MessagePort, worker: Worker): DynamoRequestHandler {
  let nextId = 0;
  const pending = new Map<
    number,
    { resolve: (reply: PortReply) => void; reject: (error: Error) => void }
  >();
  // A worker that dies fails what it still owed, as a dropped connection would.
  worker.once('exit', (code) => {
    for (const waiter of pending.values()) {
      waiter.reject(new Error(`The dynalite worker exited (code ${code})`));
    }
    pending.clear();
  });
  port.on('message', (reply: PortReply) => {
    const waiter = pending.get(reply.id);
    pending.delete(reply.id);
    // The port only keeps the process alive while an answer is awaited.
    if (pending.size === 0) port.unref();
    waiter?.resolve(reply);
  });
  port.unref();
  const handler = {
    metadata: { handlerProtocol: 'http/1.1' },
    async handle(request: SdkRequest) {
      const id = nextId++;
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(request.headers)) {
        headers[name.toLowerCase()] = value;
      }
      const body =
        request.body === undefined || request.body === null
          ? ''
          : typeof request.body === 'string'
            ? request.body
            : request.body instanceof Uint8Array
              ? decoder.decode(request.body)
              : undefined;
      if (body === undefined) {
        throw new TypeError('The in-process dynalite handler takes string or byte bodies only');
      }
      const reply = await new Promise<PortReply>((resolve, reject) => {
        pending.set(id, { resolve, reject });
        port.ref();
        port.postMessage({ id, method: request.method, url: requestUrl(request), headers, body });
      });
      if (reply.error !== undefined) throw new Error(`dynalite failed: ${reply.error}`);
      return {
        response: {
          statusCode: reply.status,
          headers: reply.headers,
          // The SDK collects a Uint8Array body as it is, without a stream.
          body: encoder.encode(reply.body),
        },
      };
    },
    updateHttpClientConfig() {},
    httpHandlerConfigs() {
      return {};
    },
    destroy() {},
  };
  return handler as unknown as DynamoRequestHandler;
}

type WorkerMessage =
  | { type: 'listening'; port: number }
  | { type: 'closed' }
  | { type: 'failed'; message: string; code?: string };

/** Resolves with the worker's next message; rejects if it dies first. */
function nextMessage(worker: Worker): Promise<WorkerMessage> {
  return new Promise((resolve, reject) => {
    const onMessage = (message: WorkerMessage) => {
      cleanup();
      resolve(message);
    };
    const onError = (error: Error) => {
      cleanup();
      reject(error);
    };
    const onExit = (code: number) => {
      cleanup();
      reject(new Error(`The dynalite worker exited (code ${code})`));
    };
    const cleanup = () => {
      worker.off('message', onMessage);
      worker.off('error', onError);
      worker.off('exit', onExit);
    };
    worker.on('message', onMessage);
    worker.on('error', onError);
    worker.on('exit', onExit);
  });
}

/**
 * Starts dynalite on a worker thread, with table state changes that take no time, so a table is
 * ACTIVE as soon as it is created. Resolves once it listens.
 */
export async function startDynalite(options: DynaliteOptionsInput = {}): Promise<RunningDynalite> {
  const host = options.host ?? '127.0.0.1';
  const worker = new Worker(new URL('./dynalite-worker.mjs', import.meta.url), {
    workerData: { port: options.port ?? 0, host, path: options.path },
    // The worker is plain JavaScript: loaders the parent runs under (tsx) are not needed there.
    execArgv: [],
  });
  // A crash inside dynalite must not take the process down unseen; callers then see failing
  // requests, as they would with any database that went away.
  worker.on('error', (error) =>
    consoleLogger.error('dynalite worker failed', { ...describeError(error) }),
  );

  const started = await nextMessage(worker).catch(async (error: unknown) => {
    await worker.terminate();
    throw error;
  });
  if (started.type !== 'listening') {
    await worker.terminate();
    const detail = started.type === 'failed' ? started.message : started.type;
    throw Object.assign(new Error(`dynalite could not start: ${detail}`), {
      ...(started.type === 'failed' && started.code ? { code: started.code } : {}),
    });
  }

  const port = started.port;
  const channel = new MessageChannel();
  worker.postMessage({ type: 'requests', port: channel.port2 }, [channel.port2]);
  const requestHandler = dynaliteRequestHandler(channel.port1, worker);
  const urlHost = host.includes(':') ? `[${host}]` : host;
  let closing: Promise<void> | undefined;

  return {
    endpoint: `http://${urlHost}:${port}`,
    port,
    requestHandler,
    close() {
      closing ??= (async () => {
        const stopped = nextMessage(worker);
        worker.postMessage({ type: 'close' });
        const reply = await stopped.catch((error: unknown) => ({
          type: 'failed' as const,
          message: error instanceof Error ? error.message : String(error),
        }));
        channel.port1.close();
        await worker.terminate();
        if (reply.type === 'failed') throw new Error(`dynalite did not close: ${reply.message}`);
      })();
      return closing;
    },
  };
}

const localHosts = new Set(['localhost', '127.0.0.1', '[::1]', '::1', '0.0.0.0']);

const localRegion = 'local';
const localCredentials = { accessKeyId: 'local', secretAccessKey: 'local' };

type LocalSigner = Extract<NonNullable<DynamoDBClientConfig['signer']>, { sign: unknown }>;

/**
 * dynalite and DynamoDB Local check that a request carries a SigV4-shaped Authorization header
 * but never verify the signature, while computing a real one (hashing every body, a chain of
 * HMACs) was a measurable share of each local call. This writes a well-formed header with the
 * same access key and region a real signature would name, which DynamoDB Local uses to choose
 * its database file.
 */
const localSigner: LocalSigner = {
  async sign(request, options) {
    const date = new Date(options?.signingDate ?? Date.now())
      .toISOString()
      .replace(/[-:]|\.\d{3}/g, '');
    const scope = `${date.slice(0, 8)}/${localRegion}/dynamodb/aws4_request`;
    request.headers['x-amz-date'] = date;
    request.headers.authorization =
      `AWS4-HMAC-SHA256 Credential=${localCredentials.accessKeyId}/${scope}, ` +
      `SignedHeaders=host;x-amz-date, Signature=${'0'.repeat(64)}`;
    return request;
  },
};

/**
 * A DynamoDB client. Without an endpoint it uses the AWS defaults (region and credentials from
 * the Lambda environment). With a local endpoint (dynalite, DynamoDB Local) it uses dummy
 * credentials and no real signature, since neither checks them, and few retries so a broken
 * local setup fails fast.
 */
export function createDynamoClient(
  endpoint?: string,
  options: {
    /** e.g. {@link RunningDynalite.requestHandler}, for a client in dynalite's own process. */
    requestHandler?: DynamoRequestHandler;
  } = {},
): DynamoDBClient {
  if (!endpoint) return new DynamoDBClient({});
  const local = localHosts.has(new URL(endpoint).hostname);
  if (!local) return new DynamoDBClient({ endpoint });
  return new DynamoDBClient({
    endpoint,
    ...(options.requestHandler ? { requestHandler: options.requestHandler } : {}),
    region: localRegion,
    credentials: localCredentials,
    signer: localSigner,
    maxAttempts: 3,
  });
}
