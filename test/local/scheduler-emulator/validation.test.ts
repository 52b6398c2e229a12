import {
  CreateScheduleCommand,
  type CreateScheduleCommandInput,
  CreateScheduleGroupCommand,
  DeleteScheduleCommand,
  DeleteScheduleGroupCommand,
  GetScheduleCommand,
  GetScheduleGroupCommand,
  ListScheduleGroupsCommand,
  ListSchedulesCommand,
  type SchedulerClient,
  UpdateScheduleCommand,
} from '@aws-sdk/client-scheduler';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SchedulerEmulator, startSchedulerEmulator } from '../../../local/scheduler-emulator';
import {
  clientFor,
  frozenSandboxClock,
  queueArn,
  roleArn,
  sdkError,
  targetArn,
  uniqueGroupName,
} from '../../scheduling/scheduler-kit';

let emulator: SchedulerEmulator;
let client: SchedulerClient;

beforeAll(async () => {
  emulator = await startSchedulerEmulator({
    clock: frozenSandboxClock(),
    realTimeIntervalMs: 0,
    invoke: async () => {},
  });
  client = clientFor(emulator.url);
});

afterAll(async () => {
  await emulator.close();
});

let counter = 0;

function validInput(): CreateScheduleCommandInput {
  counter++;
  return {
    Name: `valid-${counter}`,
    ScheduleExpression: 'at(2030-02-01T09:00:00)',
    ScheduleExpressionTimezone: 'Europe/Berlin',
    FlexibleTimeWindow: { Mode: 'OFF' },
    ActionAfterCompletion: 'DELETE',
    Target: {
      Arn: targetArn,
      RoleArn: roleArn,
      Input: '{"kind":"step"}',
      RetryPolicy: { MaximumRetryAttempts: 5, MaximumEventAgeInSeconds: 3600 },
      DeadLetterConfig: { Arn: queueArn },
    },
  };
}

type Overrides = Partial<CreateScheduleCommandInput>;

// Each row breaks one rule the service enforces on CreateSchedule.
const invalidCreates: Array<[string, Overrides]> = [
  ['a name with a space', { Name: 'has space' }],
  ['a name with a slash', { Name: 'a/b' }],
  ['a 65-character name', { Name: 'n'.repeat(65) }],
  ['no FlexibleTimeWindow', { FlexibleTimeWindow: undefined }],
  ['an unknown FlexibleTimeWindow mode', { FlexibleTimeWindow: { Mode: 'SOMETIMES' as 'OFF' } }],
  ['FLEXIBLE without a window', { FlexibleTimeWindow: { Mode: 'FLEXIBLE' } }],
  [
    'FLEXIBLE with a window over 1440 minutes',
    { FlexibleTimeWindow: { Mode: 'FLEXIBLE', MaximumWindowInMinutes: 1441 } },
  ],
  [
    'FLEXIBLE with a zero window',
    { FlexibleTimeWindow: { Mode: 'FLEXIBLE', MaximumWindowInMinutes: 0 } },
  ],
  ['OFF with a window', { FlexibleTimeWindow: { Mode: 'OFF', MaximumWindowInMinutes: 5 } }],
  ['no Target', { Target: undefined }],
  ['a Target without Arn', { Target: { RoleArn: roleArn } as never }],
  ['a Target without RoleArn', { Target: { Arn: targetArn } as never }],
  [
    'a RoleArn that is not an IAM role',
    { Target: { Arn: targetArn, RoleArn: 'arn:aws:s3:::bucket' } },
  ],
  ['no expression', { ScheduleExpression: undefined }],
  ['an at() without seconds', { ScheduleExpression: 'at(2030-02-01T09:00)' }],
  ['an at() on 30 February', { ScheduleExpression: 'at(2030-02-30T09:00:00)' }],
  ['an at() with a zone suffix', { ScheduleExpression: 'at(2030-02-01T09:00:00Z)' }],
  ['a rate() of zero', { ScheduleExpression: 'rate(0 minutes)' }],
  ['a rate() in weeks', { ScheduleExpression: 'rate(1 week)' }],
  ['a five-field cron()', { ScheduleExpression: 'cron(0 9 * * ?)' }],
  ['a cron() with both day fields set', { ScheduleExpression: 'cron(0 9 * * MON *)' }],
  ['a made-up expression', { ScheduleExpression: 'every tuesday' }],
  ['an unknown time zone', { ScheduleExpressionTimezone: 'Mars/Olympus_Mons' }],
  [
    'MaximumRetryAttempts above 185',
    {
      Target: {
        Arn: targetArn,
        RoleArn: roleArn,
        RetryPolicy: { MaximumRetryAttempts: 186 },
      },
    },
  ],
  [
    'negative MaximumRetryAttempts',
    {
      Target: {
        Arn: targetArn,
        RoleArn: roleArn,
        RetryPolicy: { MaximumRetryAttempts: -1 },
      },
    },
  ],
  [
    'MaximumEventAgeInSeconds below 60',
    {
      Target: {
        Arn: targetArn,
        RoleArn: roleArn,
        RetryPolicy: { MaximumEventAgeInSeconds: 59 },
      },
    },
  ],
  [
    'MaximumEventAgeInSeconds above 86400',
    {
      Target: {
        Arn: targetArn,
        RoleArn: roleArn,
        RetryPolicy: { MaximumEventAgeInSeconds: 86_401 },
      },
    },
  ],
  [
    'a dead-letter ARN that is not a queue',
    {
      Target: {
        Arn: targetArn,
        RoleArn: roleArn,
        DeadLetterConfig: { Arn: 'arn:aws:sns:us-east-1:000000000000:topic' },
      },
    },
  ],
  ['an unknown ActionAfterCompletion', { ActionAfterCompletion: 'ARCHIVE' as 'DELETE' }],
  ['an unknown State', { State: 'PAUSED' as 'ENABLED' }],
  [
    'an EndDate before the StartDate',
    {
      ScheduleExpression: 'rate(5 minutes)',
      StartDate: new Date('2030-03-01T00:00:00Z'),
      EndDate: new Date('2030-02-01T00:00:00Z'),
    },
  ],
];

const validCreates: Array<[string, Overrides]> = [
  ['the base input', {}],
  ['a 64-character name of every allowed character', { Name: `aZ09-_.${'x'.repeat(57)}` }],
  ['no time zone (UTC)', { ScheduleExpressionTimezone: undefined }],
  [
    'a FLEXIBLE window of 1440 minutes',
    { FlexibleTimeWindow: { Mode: 'FLEXIBLE', MaximumWindowInMinutes: 1440 } },
  ],
  ['rate(1 minute)', { ScheduleExpression: 'rate(1 minute)' }],
  ['rate(12 hours)', { ScheduleExpression: 'rate(12 hours)' }],
  ['cron() on weekdays', { ScheduleExpression: 'cron(0 9 ? * MON-FRI *)' }],
  ['cron() on the 15th', { ScheduleExpression: 'cron(30 8 15 * ? *)' }],
  [
    'the retry-policy bounds',
    {
      Target: {
        Arn: targetArn,
        RoleArn: roleArn,
        RetryPolicy: { MaximumRetryAttempts: 0, MaximumEventAgeInSeconds: 60 },
      },
    },
  ],
  [
    'DISABLED with no ActionAfterCompletion',
    { State: 'DISABLED', ActionAfterCompletion: undefined },
  ],
];

describe('CreateSchedule validation', () => {
  it.each(invalidCreates)('rejects %s with a 400 ValidationException', async (_case, overrides) => {
    const input = { ...validInput(), ...overrides };

    const error = await sdkError(client.send(new CreateScheduleCommand(input)));

    expect(error.name).toBe('ValidationException');
    expect(error.$metadata?.httpStatusCode).toBe(400);
    expect(error.message.length).toBeGreaterThan(0);
  });

  it.each(validCreates)('accepts %s', async (_case, overrides) => {
    const input = { ...validInput(), ...overrides };

    const created = await client.send(new CreateScheduleCommand(input));

    expect(created.ScheduleArn).toBe(
      `arn:aws:scheduler:us-east-1:000000000000:schedule/default/${input.Name}`,
    );
  });

  it('fills in the service defaults it reports back', async () => {
    const input = validInput();
    input.Target = { Arn: targetArn, RoleArn: roleArn };
    input.ActionAfterCompletion = undefined;
    await client.send(new CreateScheduleCommand(input));

    const schedule = await client.send(new GetScheduleCommand({ Name: input.Name }));

    expect(schedule).toMatchObject({
      GroupName: 'default',
      State: 'ENABLED',
      ActionAfterCompletion: 'NONE',
      Target: { RetryPolicy: { MaximumRetryAttempts: 185, MaximumEventAgeInSeconds: 86_400 } },
    });
    expect(schedule.CreationDate).toEqual(new Date('2030-01-07T09:00:00Z'));
  });
});

describe('not found and conflicts', () => {
  it.each([
    ['GetSchedule', () => client.send(new GetScheduleCommand({ Name: 'missing' }))],
    ['DeleteSchedule', () => client.send(new DeleteScheduleCommand({ Name: 'missing' }))],
    [
      'UpdateSchedule',
      () => client.send(new UpdateScheduleCommand({ ...validInput(), Name: 'missing' })),
    ],
    [
      'CreateSchedule in a missing group',
      () => client.send(new CreateScheduleCommand({ ...validInput(), GroupName: 'no-such-group' })),
    ],
    [
      'GetSchedule in another group',
      async () => {
        const input = validInput();
        await client.send(new CreateScheduleCommand(input));
        const groupName = uniqueGroupName();
        await client.send(new CreateScheduleGroupCommand({ Name: groupName }));
        return client.send(new GetScheduleCommand({ Name: input.Name, GroupName: groupName }));
      },
    ],
    ['GetScheduleGroup', () => client.send(new GetScheduleGroupCommand({ Name: 'missing' }))],
    ['DeleteScheduleGroup', () => client.send(new DeleteScheduleGroupCommand({ Name: 'missing' }))],
  ])('%s answers 404 ResourceNotFoundException', async (_case, call) => {
    const error = await sdkError(call());

    expect(error.name).toBe('ResourceNotFoundException');
    expect(error.$metadata?.httpStatusCode).toBe(404);
  });

  it('answers 409 ConflictException for a name already used in the group', async () => {
    const input = validInput();
    await client.send(new CreateScheduleCommand(input));

    const error = await sdkError(client.send(new CreateScheduleCommand(input)));

    expect(error.name).toBe('ConflictException');
    expect(error.$metadata?.httpStatusCode).toBe(409);
  });

  it('allows the same name in another group', async () => {
    const input = validInput();
    const groupName = uniqueGroupName();
    await client.send(new CreateScheduleGroupCommand({ Name: groupName }));
    await client.send(new CreateScheduleCommand(input));

    const created = await client.send(
      new CreateScheduleCommand({ ...input, GroupName: groupName }),
    );

    expect(created.ScheduleArn).toContain(`schedule/${groupName}/${input.Name}`);
  });

  it('answers 409 for an existing group and 400 for deleting the default group', async () => {
    const groupName = uniqueGroupName();
    await client.send(new CreateScheduleGroupCommand({ Name: groupName }));

    const conflict = await sdkError(
      client.send(new CreateScheduleGroupCommand({ Name: groupName })),
    );
    const protectedDefault = await sdkError(
      client.send(new DeleteScheduleGroupCommand({ Name: 'default' })),
    );

    expect(conflict.name).toBe('ConflictException');
    expect(protectedDefault.name).toBe('ValidationException');
  });
});

describe('updates, listing and groups', () => {
  it('replaces the whole definition on UpdateSchedule', async () => {
    const input = validInput();
    await client.send(new CreateScheduleCommand(input));

    await client.send(
      new UpdateScheduleCommand({
        Name: input.Name,
        ScheduleExpression: 'rate(1 hour)',
        FlexibleTimeWindow: { Mode: 'FLEXIBLE', MaximumWindowInMinutes: 15 },
        Target: { Arn: targetArn, RoleArn: roleArn },
      }),
    );
    const schedule = await client.send(new GetScheduleCommand({ Name: input.Name }));

    expect(schedule.ScheduleExpression).toBe('rate(1 hour)');
    expect(schedule.ScheduleExpressionTimezone).toBeUndefined();
    expect(schedule.ActionAfterCompletion).toBe('NONE');
    expect(schedule.Target?.DeadLetterConfig).toBeUndefined();
  });

  it('filters ListSchedules by group, name prefix and state', async () => {
    const groupName = uniqueGroupName();
    await client.send(new CreateScheduleGroupCommand({ Name: groupName }));
    for (const [name, state] of [
      ['alpha-1', 'ENABLED'],
      ['alpha-2', 'DISABLED'],
      ['beta-1', 'ENABLED'],
    ] as const) {
      await client.send(
        new CreateScheduleCommand({
          ...validInput(),
          Name: name,
          GroupName: groupName,
          State: state,
        }),
      );
    }

    const names = async (filter: { NamePrefix?: string; State?: 'ENABLED' | 'DISABLED' }) =>
      (
        await client.send(new ListSchedulesCommand({ GroupName: groupName, ...filter }))
      ).Schedules?.map((schedule) => schedule.Name);

    expect(await names({})).toEqual(['alpha-1', 'alpha-2', 'beta-1']);
    expect(await names({ NamePrefix: 'alpha' })).toEqual(['alpha-1', 'alpha-2']);
    expect(await names({ State: 'ENABLED' })).toEqual(['alpha-1', 'beta-1']);
    expect(await names({ NamePrefix: 'alpha', State: 'DISABLED' })).toEqual(['alpha-2']);
  });

  it.each([
    ['MaxResults of 0', { MaxResults: 0 }],
    ['MaxResults of 101', { MaxResults: 101 }],
    ['a bad name prefix', { NamePrefix: 'a b' }],
  ])('rejects ListSchedules with %s', async (_case, input) => {
    const error = await sdkError(client.send(new ListSchedulesCommand(input)));

    expect(error.name).toBe('ValidationException');
  });

  it('creates, lists, pages and deletes groups, deleting their schedules with them', async () => {
    const prefix = uniqueGroupName();
    for (const suffix of ['a', 'b', 'c']) {
      await client.send(new CreateScheduleGroupCommand({ Name: `${prefix}-${suffix}` }));
    }
    await client.send(
      new CreateScheduleCommand({ ...validInput(), Name: 'in-group', GroupName: `${prefix}-a` }),
    );

    const first = await client.send(
      new ListScheduleGroupsCommand({ NamePrefix: prefix, MaxResults: 2 }),
    );
    const second = await client.send(
      new ListScheduleGroupsCommand({
        NamePrefix: prefix,
        MaxResults: 2,
        NextToken: first.NextToken,
      }),
    );
    const group = await client.send(new GetScheduleGroupCommand({ Name: `${prefix}-a` }));
    await client.send(new DeleteScheduleGroupCommand({ Name: `${prefix}-a` }));
    await client.send(new CreateScheduleGroupCommand({ Name: `${prefix}-a` }));
    const afterRecreate = await client.send(new ListSchedulesCommand({ GroupName: `${prefix}-a` }));

    expect(first.ScheduleGroups?.map((g) => g.Name)).toEqual([`${prefix}-a`, `${prefix}-b`]);
    expect(second.ScheduleGroups?.map((g) => g.Name)).toEqual([`${prefix}-c`]);
    expect(second.NextToken).toBeUndefined();
    expect(group).toMatchObject({ Name: `${prefix}-a`, State: 'ACTIVE' });
    expect(group.Arn).toBe(`arn:aws:scheduler:us-east-1:000000000000:schedule-group/${prefix}-a`);
    expect(afterRecreate.Schedules).toEqual([]);
  });

  it('answers the error header and body shape of the service', async () => {
    const response = await fetch(`${emulator.url}/schedules/bad%20name`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });

    expect(response.status).toBe(400);
    expect(response.headers.get('x-amzn-errortype')).toBe('ValidationException');
    expect(await response.json()).toEqual({ Message: expect.stringContaining("'bad name'") });
  });
});
