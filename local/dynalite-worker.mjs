// dynalite on a worker thread, so the database gets a core of its own instead of competing with
// the API, the dispatcher and the SDK clients on the main thread. Plain JavaScript on purpose:
// a worker is started from a file, and this one must run the same under tsx, under vitest and
// with no build step at all.
//
// Protocol with startDynalite: it passes { port, host, path } as workerData; the worker answers
// { type: 'listening', port } or { type: 'failed', message }. On { type: 'close' } it stops the
// server, closes LevelDB (so the same path can be opened again) and answers { type: 'closed' }.
// On { type: 'requests', port } it answers DynamoDB requests posted to that MessagePort
// ({ id, method, url, headers, body }) with { id, status, headers, body }: the same handler the
// HTTP server runs, without a socket or HTTP parser on either thread (dynaliteRequestHandler).
import { EventEmitter } from 'node:events';
import { createRequire } from 'node:module';
import { parentPort, workerData } from 'node:worker_threads';

const require = createRequire(import.meta.url);
const dynalite = require('dynalite');

const { port, host, path } = workerData;
const server = dynalite({
  ...(path ? { path } : {}),
  // Table state changes take no time, so a table is ACTIVE as soon as it is created.
  createTableMs: 0,
  deleteTableMs: 0,
  updateTableMs: 0,
});

function describe(error) {
  return error instanceof Error ? error.message : String(error);
}

server.once('error', (error) => {
  // The code (EADDRINUSE, EACCES) travels too, so callers can tell a busy port apart.
  parentPort.postMessage({ type: 'failed', message: describe(error), code: error?.code });
  parentPort.close();
});

server.listen(port, host, () => {
  parentPort.postMessage({ type: 'listening', port: server.address().port });
});

// dynalite's own request listener: (req, res) bound to its store.
const [handleRequest] = server.listeners('request');

/**
 * Runs one posted request through dynalite's handler. It reads `method`, `url`, `headers` and
 * the 'data'/'end' events of the request and sets `statusCode`, headers and `end(body)` on the
 * response; nothing else of Node's HTTP objects.
 */
function answer(request, reply) {
  const req = new EventEmitter();
  req.method = request.method;
  req.url = request.url;
  req.headers = request.headers;
  const headers = {};
  const res = {
    statusCode: 200,
    setHeader(name, value) {
      headers[name.toLowerCase()] = String(value);
    },
    end(body) {
      reply({ id: request.id, status: res.statusCode, headers, body: body ?? '' });
    },
  };
  try {
    handleRequest(req, res);
    if (request.body) req.emit('data', Buffer.from(request.body));
    req.emit('end');
  } catch (error) {
    reply({ id: request.id, status: 500, headers: {}, body: '', error: describe(error) });
  }
}

parentPort.on('message', (message) => {
  if (message?.type === 'requests') {
    const requests = message.port;
    requests.on('message', (request) => answer(request, (reply) => requests.postMessage(reply)));
    return;
  }
  if (message?.type !== 'close') return;
  server.close((error) => {
    parentPort.postMessage(
      error ? { type: 'failed', message: describe(error) } : { type: 'closed' },
    );
    parentPort.close();
  });
  // Keep-alive sockets from SDK clients would otherwise hold the server open.
  server.closeIdleConnections();
});
