/**
 * The SDK's generated types are what openapi-typescript makes of the committed openapi.yaml,
 * so a contract change cannot ship without `npm run sdk`.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderSdkTypes, sdkTypesPath } from '../../scripts/generate-sdk';

describe('sdk/src/generated/openapi.ts', () => {
  it('is what `npm run sdk` generates from openapi.yaml', async () => {
    const committed = readFileSync(sdkTypesPath, 'utf8');
    expect(
      committed === (await renderSdkTypes()),
      'The SDK types are out of date: run `npm run openapi && npm run sdk` and commit the result',
    ).toBe(true);
  });
});
