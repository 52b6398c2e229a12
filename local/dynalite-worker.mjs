// dynalite on a worker thread, so the database gets a core of its own instead of competing with
// the API, the dispatcher and the SDK clients on the main thread. Plain JavaScript on purpose:
// a worker is started from a file, and this one must run the same under tsx, under vitest and
// with no build step at all.
//
// Protocol with startDynalite: it passes { port, host, path } as workerData; the worker answers
// { type: 'listening', port } or { type: 'failed', message }. On { type: 'close' } it stops the
// server, closes LevelDB (so the same path can be opened again) and answers { type: 'closed' }.
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

parentPort.on('message', (message) => {
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
