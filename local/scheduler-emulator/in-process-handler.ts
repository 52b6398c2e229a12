/**
 * A request handler for a SchedulerClient in the same process as the emulator: the client
 * serialises, signs and parses exactly as over HTTP, and the emulator answers through the same
 * code path its HTTP server uses, but no socket, HTTP parser or stream sits in between. The
 * local runtime's own client uses it; the emulator still listens on its port for everyone else.
 *
 * Why: on the local runtime the API, the SDK clients and the emulator share one event loop, and
 * a create sends six CreateSchedule calls. Over loopback HTTP each one cost the client's and the
 * server's HTTP work on that same thread, the largest part of a create's CPU after the SDK itself.
 */
import type { SchedulerClientConfig } from '@aws-sdk/client-scheduler';
import type { SchedulerEmulator } from './scheduler-emulator';

type RequestHandler = NonNullable<SchedulerClientConfig['requestHandler']>;

/** The parts of the SDK's HttpRequest read here. */
interface SdkRequest {
  method: string;
  path: string;
  query?: Record<string, string | string[] | null>;
  body?: unknown;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

function bodyText(body: unknown): string {
  if (body === undefined || body === null) return '';
  if (typeof body === 'string') return body;
  if (body instanceof Uint8Array) return decoder.decode(body);
  throw new TypeError('The in-process Scheduler handler takes string or byte bodies only');
}

export function inProcessHandler(emulator: Pick<SchedulerEmulator, 'respond'>): RequestHandler {
  const handler = {
    metadata: { handlerProtocol: 'http/1.1' },
    async handle(request: SdkRequest) {
      const answer = await emulator.respond({
        method: request.method,
        path: request.path,
        ...(request.query ? { query: request.query } : {}),
        body: bodyText(request.body),
      });
      return {
        response: {
          statusCode: answer.status,
          headers: answer.headers,
          // The SDK collects a Uint8Array body as it is, without a stream.
          body: encoder.encode(answer.body),
        },
      };
    },
    updateHttpClientConfig() {},
    httpHandlerConfigs() {
      return {};
    },
    destroy() {},
  };
  return handler as unknown as RequestHandler;
}
