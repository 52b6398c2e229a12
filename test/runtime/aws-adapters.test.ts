/**
 * The deployed adapters as the Lambdas build them. The webhook transport loads its HTTP client
 * on the first send, so that send must behave exactly like the eager transport's: the address
 * policy still applies and failures come back as results.
 */
import { OpenAPIHono } from '@hono/zod-openapi';
import { describe, expect, it } from 'vitest';
import { createAwsAdapters } from '../../shared/runtime/aws';
import { createAwsApiOnFirstRequest } from '../../shared/runtime/aws-api';
import type { AwsEnvironment } from '../../shared/runtime/aws-config';
import type { AfterviewApi } from '../../shared/runtime/compose';
import { stackEnvironment } from '../support/aws-environment';
import { captureOutput } from '../support/output-capture';

const environment: AwsEnvironment & Record<string, string> = {
  AWS_REGION: 'us-east-1',
  ...stackEnvironment,
  AFTERVIEW_LOG_LEVEL: 'error',
};

const attempt = (url: string) => ({ url, headers: {}, body: '{}', timeoutMs: 2_000 });

describe('createAwsAdapters', () => {
  it.each([
    ['a loopback address', 'https://127.0.0.1/hook'],
    ['the instance metadata address', 'https://169.254.169.254/latest'],
    ['plain http', 'http://example.com/hook'],
  ])('refuses %s on the first and every later send, as a result', async (_, url) => {
    const { transport } = createAwsAdapters(environment);
    for (const result of [await transport.send(attempt(url)), await transport.send(attempt(url))]) {
      expect(result.ok).toBe(false);
      expect(result.error).toMatch(/^refused: /);
    }
  });

  it('fails fast, naming the variable, when the environment is incomplete', () => {
    expect(() => createAwsAdapters({ ...environment, AFTERVIEW_TABLE_NAME: '' })).toThrow(
      /AFTERVIEW_TABLE_NAME/,
    );
  });
});

describe('createAwsApiOnFirstRequest', () => {
  it('composes the app on the first request only, and hands every request on unchanged', async () => {
    let composed = 0;
    const seen: string[] = [];
    const api = createAwsApiOnFirstRequest(environment, async () => {
      composed += 1;
      const app = new OpenAPIHono().all('*', async (c) => {
        seen.push(`${c.req.method} ${c.req.path} ${await c.req.text()}`);
        return c.json({ ok: true }, 201, { 'X-From': 'app' });
      });
      return { app } as unknown as AfterviewApi;
    });
    expect(composed).toBe(0);
    const first = await api.app.request('/v1/interviews', { method: 'POST', body: '{"a":1}' });
    const second = await api.app.request('/health');
    expect([first.status, first.headers.get('X-From'), second.status]).toEqual([201, 'app', 201]);
    expect(seen).toEqual(['POST /v1/interviews {"a":1}', 'GET /health ']);
    expect(composed).toBe(1);
  });

  it('answers a failed composition with a 500 problem and tries again on the next request', async () => {
    let attempts = 0;
    const api = createAwsApiOnFirstRequest(environment, async () => {
      attempts += 1;
      if (attempts === 1) throw new Error('chunk missing');
      return {
        app: new OpenAPIHono().get('/health', (c) => c.json({ status: 'ok' })),
      } as unknown as AfterviewApi;
    });
    const output = captureOutput();
    let failed: Response;
    try {
      failed = await api.app.request('/health');
    } finally {
      output.restore();
    }
    expect(output.logs('the api could not be composed')).toHaveLength(1);
    expect(failed.status).toBe(500);
    expect(failed.headers.get('Content-Type')).toBe('application/problem+json');
    expect(await failed.json()).toEqual({
      type: 'https://afterview.dev/problems/internal_error',
      title: 'Something went wrong on our side',
      status: 500,
      instance: '/health',
      code: 'internal_error',
    });
    const retried = await api.app.request('/health');
    expect([retried.status, attempts]).toEqual([200, 2]);
  });
});
