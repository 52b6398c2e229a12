/**
 * The local database: dynalite, a DynamoDB-protocol server on LevelDB, started in-process.
 * Production uses DynamoDB itself; both are reached through the same DynamoDBClient.
 */
import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';

interface DynaliteOptions {
  path?: string;
  createTableMs?: number;
  deleteTableMs?: number;
  updateTableMs?: number;
}

// dynalite is CommonJS and ships no types; this is the one function we call.
const require = createRequire(import.meta.url);
const dynalite = require('dynalite') as (options: DynaliteOptions) => Server;

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
  /** Stops the server and closes the database, so the same `path` can be opened again. */
  close(): Promise<void>;
}

/**
 * Starts dynalite with table state changes that take no time, so a table is ACTIVE as soon as
 * it is created.
 */
export async function startDynalite(options: DynaliteOptionsInput = {}): Promise<RunningDynalite> {
  const host = options.host ?? '127.0.0.1';
  const server = dynalite({
    ...(options.path ? { path: options.path } : {}),
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });

  const port = (server.address() as AddressInfo).port;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  let closing: Promise<void> | undefined;

  return {
    endpoint: `http://${urlHost}:${port}`,
    port,
    close() {
      closing ??= new Promise<void>((resolve, reject) => {
        server.close((error?: Error) => (error ? reject(error) : resolve()));
        // Keep-alive sockets from SDK clients would otherwise hold the server open.
        server.closeIdleConnections();
      });
      return closing;
    },
  };
}

const localHosts = new Set(['localhost', '127.0.0.1', '[::1]', '::1', '0.0.0.0']);

/**
 * A DynamoDB client. Without an endpoint it uses the AWS defaults (region and credentials from
 * the Lambda environment). With a local endpoint (dynalite, DynamoDB Local) it uses dummy
 * credentials, since neither checks them, and few retries so a broken local setup fails fast.
 */
export function createDynamoClient(endpoint?: string): DynamoDBClient {
  if (!endpoint) return new DynamoDBClient({});
  const local = localHosts.has(new URL(endpoint).hostname);
  if (!local) return new DynamoDBClient({ endpoint });
  return new DynamoDBClient({
    endpoint,
    region: 'local',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 3,
  });
}
