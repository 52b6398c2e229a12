/**
 * The one way tests stand up a real HTTP receiver: a server on a free loopback port that reads
 * each request's whole body and hands it, with flattened headers, to `respond`. The webhook
 * receivers of the suites (recording, failing, slow, verifying, echoing) are views over it that
 * only decide what to record and how to answer.
 */
import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedHttpRequest {
  method: string;
  /** The request target, e.g. `/hooks?x=1`. */
  path: string;
  /** Every header, repeated ones joined with `, `. */
  headers: Record<string, string>;
  body: string;
}

/** Answers one request; `req` is there for what the parsed request cannot do (drop the socket). */
export type Respond = (
  request: ReceivedHttpRequest,
  res: ServerResponse,
  req: IncomingMessage,
) => void;

export interface HttpReceiver {
  /** `http://127.0.0.1:<port>` */
  origin: string;
  port: number;
  /** `origin` plus the path given at start (`/hooks` unless told). */
  url: string;
  /** TCP connections accepted, whether or not they carried an HTTP request. */
  connections: number;
  /** Stops listening and drops every open connection. */
  close(): Promise<void>;
}

function flatHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) flat[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return flat;
}

/** Starts a receiver on 127.0.0.1 that answers every request with `respond`. */
export async function startHttpReceiver(respond: Respond, path = '/hooks'): Promise<HttpReceiver> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const request = {
        method: req.method ?? '',
        path: req.url ?? '',
        headers: flatHeaders(req.headers),
        body: Buffer.concat(chunks).toString('utf8'),
      };
      respond(request, res, req);
    });
  });
  const receiver: HttpReceiver = {
    origin: '',
    port: 0,
    url: '',
    connections: 0,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
  server.on('connection', () => {
    receiver.connections++;
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  receiver.port = (server.address() as AddressInfo).port;
  receiver.origin = `http://127.0.0.1:${receiver.port}`;
  receiver.url = `${receiver.origin}${path}`;
  return receiver;
}
