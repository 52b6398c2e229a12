/**
 * The log output itself: the fields an on-call engineer filters on are present, the context of
 * concurrent units of work never mixes, levels filter, and no secret or contact detail reaches
 * a line, however it was passed.
 */
import { describe, expect, it } from 'vitest';
import { appendLogContext, withLogContext } from '../../shared/observability/log-context';
import { createLogger, terminalLine } from '../../shared/observability/logger';
import { redactText } from '../../shared/observability/redaction';
import { captureOutput } from '../support/output-capture';

function logged(work: () => void | Promise<void>) {
  const output = captureOutput();
  return Promise.resolve()
    .then(work)
    .finally(() => output.restore())
    .then(() => output);
}

describe('the JSON logger (Lambda)', () => {
  it('writes one JSON object per line with service, level, time, message and fields', async () => {
    const logger = createLogger({ serviceName: 'afterview-test' });
    const output = await logged(() => logger.info('Step fired', { stepId: 'stp_1', attempt: 2 }));
    expect(output.lines()).toHaveLength(1);
    expect(output.logs()).toEqual([
      expect.objectContaining({
        level: 'INFO',
        message: 'Step fired',
        service: 'afterview-test',
        timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
        stepId: 'stp_1',
        attempt: 2,
      }),
    ]);
  });

  it('writes the debug messages it is told to show at info, and no other debug line', async () => {
    const logger = createLogger({
      serviceName: 'afterview-test',
      debugShownAsInfo: ['webhook attempt'],
    });
    const output = await logged(() => {
      logger.debug('webhook attempt', { outcome: 'succeeded' });
      logger.debug('Request completed', { status: 200 });
    });
    expect(output.logs()).toEqual([
      expect.objectContaining({ level: 'INFO', message: 'webhook attempt', outcome: 'succeeded' }),
    ]);
  });

  it('adds the Lambda request id, function name and cold start once given the context', async () => {
    const logger = createLogger({ serviceName: 'afterview-test' });
    const output = await logged(() => {
      logger.addLambdaContext({
        awsRequestId: 'req-123',
        functionName: 'afterview-dispatch',
        functionVersion: '$LATEST',
        invokedFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:afterview-dispatch',
        memoryLimitInMB: '512',
      } as Parameters<typeof logger.addLambdaContext>[0]);
      logger.error('Dropped a malformed wake-up');
    });
    expect(output.logs()[0]).toMatchObject({
      level: 'ERROR',
      function_request_id: 'req-123',
      function_name: 'afterview-dispatch',
      cold_start: expect.any(Boolean),
    });
  });

  it('carries the context of each unit of work, without mixing concurrent ones', async () => {
    const logger = createLogger({ serviceName: 'afterview-test' });
    const output = await logged(async () => {
      const request = (requestId: string, tenantId: string, pause: number) =>
        withLogContext({ requestId }, async () => {
          appendLogContext({ tenantId });
          await new Promise((resolve) => setTimeout(resolve, pause));
          logger.info('Handled', { interviewId: `int_${requestId}` });
        });
      await Promise.all([request('a', 'ten_a', 20), request('b', 'ten_b', 1)]);
      logger.info('Outside');
    });
    const lines = output.logs();
    expect(lines.find((line) => line.requestId === 'a')).toMatchObject({
      tenantId: 'ten_a',
      interviewId: 'int_a',
    });
    expect(lines.find((line) => line.requestId === 'b')).toMatchObject({
      tenantId: 'ten_b',
      interviewId: 'int_b',
    });
    const outside = lines.find((line) => line.message === 'Outside');
    expect(outside).toBeDefined();
    expect(outside).not.toHaveProperty('requestId');
    expect(outside).not.toHaveProperty('tenantId');
  });

  it.each([
    ['warn', ['WARN', 'ERROR']],
    ['error', ['ERROR']],
    ['debug', ['DEBUG', 'INFO', 'WARN', 'ERROR']],
  ] as const)('at level %s prints only %j', async (level, printed) => {
    const logger = createLogger({ serviceName: 'afterview-test', level });
    const output = await logged(() => {
      logger.debug('d');
      logger.info('i');
      logger.warn('w');
      logger.error('e');
    });
    expect(output.logs().map((line) => line.level)).toEqual(printed);
  });
});

describe('secrets and personal data never reach a log line', () => {
  const apiKey = 'afv_Q2x4dE9pV3lmRzhLbTNuUjVzVDd1WQ';
  const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
  const email = 'dana.whitfield@example.com';
  const phone = '+1 555 010 0199';

  it.each(['json', 'pretty'] as const)(
    'in the %s format, passed as fields or inside text',
    async (format) => {
      const logger = createLogger({ serviceName: 'afterview-test', format });
      const output = await logged(() => {
        logger.error('Something failed', {
          apiKey,
          authorization: `Bearer ${apiKey}`,
          secret,
          secrets: [{ secret, createdAt: '2026-01-01T00:00:00Z' }],
          candidate: { name: 'Dana Whitfield', email, phone },
          interviewer: { linkedinUrl: 'https://www.linkedin.com/in/dana' },
          errorMessage: `Key ${apiKey} of ${email} (call ${phone}) signed with ${secret}`,
          url: 'https://hooks.example.com/in?token=abc123',
          signature: 'v1,K5oZfzN95Z9UVu1EsfQmfVNQhnkZ2pj9o9NDN/H/pI4=',
          at: '2026-12-02T16:19:37.120Z',
          stepId: 'stp_01q8gwk1g0czaerkkm63w8et6d',
        });
      });
      const text = output.lines().join('\n');
      for (const leaked of [apiKey, secret, email, phone, 'abc123', 'K5oZfzN95Z9UVu1', 'in/dana']) {
        expect(text).not.toContain(leaked);
      }
      // What is not secret survives: ids and times are what the line is for.
      expect(text).toContain('stp_01q8gwk1g0czaerkkm63w8et6d');
      expect(text).toContain('2026-12-02T16:19:37.120Z');
      expect(text).toContain('https://hooks.example.com/in');
      expect(text).toContain('Something failed');
    },
  );

  it('masks by shape inside free text', () => {
    expect(redactText('Bearer afv_abc and whsec_xyz= for a@b.co')).toBe(
      'Bearer [redacted] and whsec_[redacted] for [redacted]',
    );
  });
});

describe('the terminal format (local runtime)', () => {
  it('prints time, level, message and fields on one readable line', async () => {
    const logger = createLogger({ serviceName: 'afterview-local', format: 'pretty' });
    const output = await logged(() =>
      withLogContext({ requestId: 'r-1' }, () =>
        logger.info('Webhook endpoint disabled', { endpointId: 'whe_1', reason: 'Gone away' }),
      ),
    );
    expect(output.lines()).toEqual([
      expect.stringMatching(
        /^\d\d:\d\d:\d\d\.\d{3} INFO {2}Webhook endpoint disabled {2}requestId=r-1 endpointId=whe_1 reason="Gone away"$/,
      ),
    ]);
    expect(output.records()).toEqual([]);
  });

  it('leaves out what every line repeats', () => {
    expect(
      terminalLine(
        {
          level: 'WARN',
          message: 'm',
          timestamp: '2026-12-02T16:19:37.120Z',
          service: 'afterview-local',
          sampling_rate: 0,
          count: 3,
        },
        false,
      ),
    ).toBe('16:19:37.120 WARN  m  count=3');
  });
});
