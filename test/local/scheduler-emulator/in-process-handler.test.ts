/**
 * The in-process request handler (what the local runtime's own SchedulerClient uses): the same
 * answers as over HTTP, errors included, on the same emulator state.
 */
import {
  CreateScheduleCommand,
  GetScheduleCommand,
  ListSchedulesCommand,
  SchedulerClient,
} from '@aws-sdk/client-scheduler';
import { afterEach, describe, expect, it } from 'vitest';
import {
  inProcessHandler,
  type SchedulerEmulator,
  startSchedulerEmulator,
} from '../../../local/scheduler-emulator';
import {
  clientFor,
  frozenSandboxClock,
  roleArn,
  sdkError,
  targetArn,
} from '../../scheduling/scheduler-kit';

const running: SchedulerEmulator[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((emulator) => emulator.close()));
});

async function clients() {
  const emulator = await startSchedulerEmulator({
    clock: frozenSandboxClock('2030-01-07T09:00:00Z'),
    realTimeIntervalMs: 0,
    invoke: async () => {},
  });
  running.push(emulator);
  const inProcess = new SchedulerClient({
    endpoint: emulator.url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    requestHandler: inProcessHandler(emulator),
  });
  return { emulator, inProcess, overHttp: clientFor(emulator.url) };
}

const schedule = (name: string) =>
  new CreateScheduleCommand({
    Name: name,
    ScheduleExpression: 'at(2030-01-08T09:00:00)',
    FlexibleTimeWindow: { Mode: 'OFF' },
    Target: { Arn: targetArn, RoleArn: roleArn, Input: '{"n":1}' },
  });

describe('inProcessHandler', () => {
  it('creates, reads and lists schedules that HTTP clients see, and the other way round', async () => {
    const { inProcess, overHttp } = await clients();
    const created = await inProcess.send(schedule('made-in-process'));
    expect(created.ScheduleArn).toMatch(/:schedule\/default\/made-in-process$/);
    await overHttp.send(schedule('made-over-http'));

    const read = await overHttp.send(new GetScheduleCommand({ Name: 'made-in-process' }));
    expect(read.Target?.Input).toBe('{"n":1}');
    const listed = await inProcess.send(new ListSchedulesCommand({ NamePrefix: 'made-' }));
    expect(listed.Schedules?.map((entry) => entry.Name).sort()).toEqual([
      'made-in-process',
      'made-over-http',
    ]);
  });

  it('turns the service errors into the same SDK exceptions as over HTTP', async () => {
    const { inProcess, overHttp } = await clients();
    await inProcess.send(schedule('taken'));
    for (const client of [inProcess, overHttp]) {
      const conflict = await sdkError(client.send(schedule('taken')));
      expect(conflict.name).toBe('ConflictException');
      expect(conflict.$metadata?.httpStatusCode).toBe(409);
      const missing = await sdkError(client.send(new GetScheduleCommand({ Name: 'nowhere' })));
      expect(missing.name).toBe('ResourceNotFoundException');
    }
  });
});
