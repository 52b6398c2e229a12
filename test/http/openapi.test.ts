import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { generateOpenApiDocument, renderOpenApiYaml } from '../../shared/http/openapi-yaml';

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
});
