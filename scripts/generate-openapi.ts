/**
 * Writes openapi.yaml from the same zod schemas that validate requests.
 * Usage: `npm run openapi` (test/http/openapi.test.ts fails when the file is out of date).
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { renderOpenApiYaml } from '../shared/http/openapi-yaml';

const target = fileURLToPath(new URL('../openapi.yaml', import.meta.url));
writeFileSync(target, renderOpenApiYaml());
console.log('openapi.yaml written');
