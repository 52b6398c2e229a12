import { describe, expect, it } from 'vitest';
import { bearerRoutes } from '../../shared/http/openapi-route';
import { generateOpenApiDocument } from '../../shared/http/openapi-yaml';
import catalogue from '../../shared/http/operations.json';

/** Every operation the document lists, with its path and method. */
function documentedOperations() {
  const document = generateOpenApiDocument();
  return Object.entries(document.paths ?? {}).flatMap(([path, item]) =>
    Object.entries(item as Record<string, { operationId?: string }>).map(([method, operation]) => ({
      where: `${method.toUpperCase()} ${path}`,
      operation: operation as { operationId?: string; summary?: string; description?: string },
    })),
  );
}

describe('operations.json, the catalogue of operation texts', () => {
  it('has one entry per documented route, each used by exactly one route', () => {
    const operations = documentedOperations();
    const ids = operations.map(({ operation }) => operation.operationId);
    for (const { where, operation } of operations) {
      expect(operation.operationId, `${where} has an operationId`).toEqual(expect.any(String));
    }
    expect(new Set(ids).size, 'no operationId is used by two routes').toBe(ids.length);
    expect([...ids].sort()).toEqual(Object.keys(catalogue).sort());
  });

  it('is where every documented operation takes its summary and description from', () => {
    for (const { where, operation } of documentedOperations()) {
      const texts = catalogue[operation.operationId as keyof typeof catalogue];
      expect({ summary: operation.summary, description: operation.description }, where).toEqual(
        texts,
      );
    }
  });

  it('holds a non-empty summary and description for each operation, and nothing else', () => {
    for (const [operationId, texts] of Object.entries(catalogue)) {
      expect(Object.keys(texts), operationId).toEqual(['summary', 'description']);
      expect(texts.summary.trim(), operationId).not.toBe('');
      expect(texts.description.trim(), operationId).not.toBe('');
    }
  });

  it('refuses an operationId outside it, at compile time and at run time', () => {
    const declare = () =>
      // @ts-expect-error `listWidgets` is not in operations.json
      bearerRoutes(['Widgets']).get('listWidgets', '/v1/widgets', { responses: {} });
    expect(declare).toThrow('No operation listWidgets in operations.json');
  });
});
