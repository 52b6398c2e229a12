/**
 * Operator commands against a deployed (or local) table. The API key is printed once and
 * only its hash is stored.
 *
 *   npm run admin -- create-tenant --name "Acme ATS" --table <TableName> [--endpoint <url>]
 *   npm run admin -- add-key --tenant <tenantId> --table <TableName> [--endpoint <url>]
 *
 * Credentials and region come from the usual AWS environment (profile, AWS_REGION, …).
 */
import { parseArgs } from 'node:util';
import { createDynamoClient } from '../local/dynalite';
import { systemClock } from '../shared/clock';
import { TenantService } from '../shared/service/tenant-service';
import { DynamoStore } from '../shared/store/dynamo-store';

const usage = `Usage:
  npm run admin -- create-tenant --name <name> --table <table> [--endpoint <url>]
  npm run admin -- add-key --tenant <tenantId> --table <table> [--endpoint <url>]`;

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    name: { type: 'string' },
    tenant: { type: 'string' },
    table: { type: 'string' },
    endpoint: { type: 'string' },
  },
});

const command = positionals[0];
if (!values.table || (command !== 'create-tenant' && command !== 'add-key')) {
  console.error(usage);
  process.exit(2);
}

const client = createDynamoClient(values.endpoint);
const store = new DynamoStore({ client, tableName: values.table });
const tenants = new TenantService({ store, clock: systemClock });

try {
  if (command === 'create-tenant') {
    if (!values.name) throw new Error('--name is required');
    const created = await tenants.createTenant(values.name);
    console.log(
      `tenantId ${created.tenantId}\napiKey   ${created.apiKey}\n(shown once; store it now)`,
    );
  } else {
    if (!values.tenant) throw new Error('--tenant is required');
    if (!(await store.getTenant(values.tenant))) throw new Error(`No tenant ${values.tenant}`);
    console.log(`apiKey ${await tenants.addApiKey(values.tenant)}\n(shown once; store it now)`);
  }
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
} finally {
  client.destroy();
}
