import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  generateOpenApiDocument,
  renderOpenApiYaml,
  yamlForEveryLoader,
} from '../../shared/http/openapi-yaml';

const committedPath = fileURLToPath(new URL('../../openapi.yaml', import.meta.url));

describe('openapi.yaml', () => {
  it('is what the code generates', () => {
    const committed = readFileSync(committedPath, 'utf8');
    expect(
      committed === renderOpenApiYaml(),
      'openapi.yaml is out of date: run `npm run openapi` and commit the result',
    ).toBe(true);
  });

  it('documents every route with bearer security, problems and named components', () => {
    const document = parse(readFileSync(committedPath, 'utf8'));
    expect(document.openapi).toBe('3.1.0');
    expect(document.components.securitySchemes.bearerAuth).toMatchObject({ scheme: 'bearer' });
    for (const name of ['Problem', 'Interview', 'InterviewInput', 'Step', 'Signal', 'Policy']) {
      expect(document.components.schemas[name], name).toBeDefined();
    }
    const operations = Object.entries(document.paths).flatMap(([path, item]) =>
      Object.entries(item as Record<string, { security?: unknown }>).map(([method, op]) => ({
        path,
        method,
        op,
      })),
    );
    for (const { path, method, op } of operations) {
      const isPublic = path === '/health' || path.startsWith('/v1/sandbox/');
      expect(op.security, `${method} ${path}`).toEqual(isPublic ? [] : [{ bearerAuth: [] }]);
    }
  });

  it('matches what /openapi.json serves', () => {
    expect(JSON.parse(JSON.stringify(generateOpenApiDocument()))).toEqual(
      parse(readFileSync(committedPath, 'utf8')),
    );
  });

  it('reads the same with a YAML 1.1 loader (PyYAML, SnakeYAML) as /openapi.json', () => {
    // A 1.1 loader reads an unquoted `2026-03-01T00:00:00Z` as a timestamp, `yes` as true.
    const served = JSON.parse(JSON.stringify(generateOpenApiDocument()));
    const committed = readFileSync(committedPath, 'utf8');
    expect(parse(committed, { version: '1.1' })).toEqual(served);
    expect(committed).toContain('example: "2026-03-01T00:00:00Z"');
  });

  it('documents a 400 on every operation that takes a path parameter', () => {
    // Each path parameter has a maxLength, and a longer value is refused with 400.
    const document = parse(readFileSync(committedPath, 'utf8'));
    const undocumented: string[] = [];
    for (const [path, item] of Object.entries<Record<string, OperationObject>>(document.paths)) {
      for (const [method, operation] of Object.entries(item)) {
        const pathParameters = (operation.parameters ?? []).filter((p) => p.in === 'path');
        if (pathParameters.length === 0) continue;
        for (const parameter of pathParameters) expect(parameter.schema.maxLength).toBe(100);
        if (!operation.responses['400']) undocumented.push(`${method} ${path}`);
      }
    }
    expect(undocumented).toEqual([]);
  });
});

interface OperationObject {
  parameters?: { in: string; schema: { maxLength?: number } }[];
  responses: Record<string, unknown>;
}

describe('the YAML writer', () => {
  // Plain, each of these is something other than a string to a YAML 1.1 or 1.2 loader.
  const tricky = [
    '2026-03-01T00:00:00Z',
    '2026-03-01',
    '2026-03-01 10:00:00',
    'yes',
    'No',
    'on',
    'OFF',
    'y',
    'true',
    'null',
    '~',
    '0777',
    '0o17',
    '0x1F',
    '1_000',
    '1:20',
    '1e3',
    '.5',
    '.inf',
    '-.Inf',
    '.NaN',
    '.',
  ];

  it.each(tricky)('writes %j so that every loader reads it back as that string', (text) => {
    const written = yamlForEveryLoader({ [text]: text, list: [text] });
    for (const version of ['1.1', '1.2'] as const) {
      expect(parse(written, { version })).toEqual({ [text]: text, list: [text] });
    }
  });

  it('leaves strings that read the same everywhere unquoted', () => {
    expect(yamlForEveryLoader({ a: 'int_01jq3v4w5x6y7z8a9b0c1d2e3f', b: '3.1.0', c: 200 })).toBe(
      'a: int_01jq3v4w5x6y7z8a9b0c1d2e3f\nb: 3.1.0\nc: 200\n',
    );
  });
});
