/**
 * Builds a preset dictionary for stored documents (see shared/store/documents.ts):
 *
 *   npx tsx scripts/build-doc-dictionary.ts 2
 *
 * plays three synthetic interviews (names, roles and companies used nowhere else, so the cost
 * benchmark's fixture gains nothing it would not gain in production) through the local runtime,
 * collects every document the store writes and keeps the last 32 KB of them, the most common
 * kinds last (DEFLATE reaches back at most 32 KB). It writes
 * `shared/store/doc-dictionary-v<N>.ts` and refuses to overwrite one: items written with a
 * dictionary are only readable with exactly that dictionary. Version 1 was made by this script.
 */
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { quietRuntimeOptions, startLocalRuntime } from '../local/runtime';
import { decodeDocument } from '../shared/store/documents';

const version = Number(process.argv[2]);
if (!Number.isInteger(version) || version < 1 || version > 255) {
  throw new Error('usage: build-doc-dictionary.ts <version 1-255>');
}
const target = join(import.meta.dirname, '..', 'shared', 'store', `doc-dictionary-v${version}.ts`);
if (existsSync(target)) throw new Error(`${target} exists: dictionaries never change`);

/** DEFLATE's window: a dictionary longer than this is only read from its end. */
const windowBytes = 32 * 1024;

const people = [
  {
    candidate: 'Alex Kim',
    interviewer: 'Jordan Lee',
    second: 'Noor Haddad',
    title: 'Site Reliability Engineer',
    company: 'Contoso',
    format: 'onsite',
    timeZone: 'Europe/Berlin',
  },
  {
    candidate: 'Maria Gonzalez',
    interviewer: 'Sam Patel',
    second: 'Tomasz Nowak',
    title: 'Product Designer',
    company: 'Fabrikam',
    format: 'phone',
    timeZone: 'America/Los_Angeles',
  },
  {
    candidate: 'Chen Wei',
    interviewer: 'Olga Ivanova',
    second: 'Kwame Mensah',
    title: 'Data Analyst',
    company: 'Tailspin Toys',
    format: 'video',
    timeZone: 'Asia/Singapore',
  },
];

type Middlewared = {
  middlewareStack: {
    add(
      mw: (
        next: (args: { input: Record<string, unknown> }) => Promise<unknown>,
        context: { commandName?: string },
      ) => (args: { input: Record<string, unknown> }) => Promise<unknown>,
      options: { step: 'initialize'; name: string },
    ): void;
  };
};

const runtime = await startLocalRuntime(quietRuntimeOptions());
const documents: Record<string, string[]> = {};
(runtime.dynamoClient as unknown as Middlewared).middlewareStack.add(
  (next, context) => async (args) => {
    const requests =
      context.commandName === 'PutItemCommand'
        ? [args.input.Item]
        : context.commandName === 'BatchWriteItemCommand'
          ? Object.values(
              args.input.RequestItems as Record<string, Array<{ PutRequest?: { Item: unknown } }>>,
            )
              .flat()
              .map((request) => request.PutRequest?.Item)
          : [];
    for (const raw of requests) {
      if (!raw) continue;
      const item = unmarshall(raw as never);
      const json = decodeDocument(item);
      if (json === undefined) continue;
      // Interview items store no `entity` attribute: their sort key names them.
      const entity = String(
        item.entity ?? (String(item.sk).startsWith('INT#') ? 'interview' : undefined),
      );
      documents[entity] = [...(documents[entity] ?? []), json];
    }
    return next(args);
  },
  { step: 'initialize', name: 'collectDocuments' },
);

try {
  const headers = { authorization: `Bearer ${runtime.apiKey}`, 'content-type': 'application/json' };
  await runtime.app.request('/v1/webhook-endpoints', {
    method: 'POST',
    headers,
    body: JSON.stringify({ url: 'http://127.0.0.1:9/hooks' }),
  });
  for (const [n, person] of people.entries()) {
    const endsAt = runtime.clock
      .now()
      .subtract({ minutes: 10 })
      .round({ smallestUnit: 'minute', roundingMode: 'floor' });
    const first = (name: string) => (name.split(' ')[0] ?? name).toLowerCase();
    const response = await runtime.app.request('/v1/interviews', {
      method: 'POST',
      headers: { ...headers, 'idempotency-key': `dictionary-${n}` },
      body: JSON.stringify({
        externalId: `dictionary-${n}`,
        candidate: {
          name: person.candidate,
          email: `${first(person.candidate)}@example.com`,
          ...(n % 2 ? { phone: '+44 20 7946 0000' } : {}),
        },
        role: { title: person.title, company: person.company },
        format: person.format,
        startsAt: endsAt.subtract({ hours: 1 }).toString(),
        endsAt: endsAt.toString(),
        timeZone: person.timeZone,
        interviewers: [
          {
            name: person.interviewer,
            email: `${first(person.interviewer)}@example.org`,
            title: 'Engineering Manager',
            topics: ['system design'],
          },
          {
            name: person.second,
            linkedinUrl: `https://www.linkedin.com/in/${first(person.second)}`,
            topics: ['team rituals'],
          },
        ],
        nextSteps: {
          decisionExpectedBy: endsAt
            .toZonedDateTimeISO(person.timeZone)
            .toPlainDate()
            .add({ days: 10 })
            .toString(),
        },
      }),
    });
    if (response.status !== 201)
      throw new Error(`create: ${response.status} ${await response.text()}`);
  }
  await runtime.advanceTo(runtime.clock.now().add({ hours: 24 * 60 }));
} finally {
  await runtime.close();
}

// Least common first: the end of the dictionary is what DEFLATE reaches most cheaply.
const order = ['endpoint', 'attempt', 'delivery', 'idempotency', 'event', 'interview'];
const parts: string[] = [];
for (const entity of order) {
  const unique = [...new Set(documents[entity] ?? [])];
  // A few of each: the longest ones hold the most phrasing.
  parts.push(...unique.sort((a, b) => a.length - b.length).slice(-3));
}
let text = parts.join('\n');
while (Buffer.byteLength(text, 'utf8') > windowBytes) text = text.slice(1000);
await writeFile(
  target,
  `/**\n * Preset dictionary ${version} for stored documents, made by scripts/build-doc-dictionary.ts.\n * Never edit: items written with it are only readable with exactly these bytes.\n */\nexport const docDictionaryV${version} = ${JSON.stringify(text)};\n`,
);
console.log(`wrote ${target}: ${Buffer.byteLength(text, 'utf8')} bytes`);
