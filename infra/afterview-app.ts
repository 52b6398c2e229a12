/**
 * Builds the CDK app: reads the deployment settings from context, creates the stack, and runs
 * the cdk-nag AWS Solutions checks over it. `infra/app.ts` synthesizes this for the CLI; the
 * infra tests build the same app in-process.
 */
import { fileURLToPath } from 'node:url';
import { App, type AppProps, type Environment, Tags, Validations } from 'aws-cdk-lib';
import cdkNag from 'cdk-nag';
import { AfterviewStack } from './afterview-stack';
import type { FunctionCode } from './constructs/afterview-function';
import { suppressReviewedFindings } from './nag-suppressions';
import { stackConfigFromContext } from './stack-config';

/** The repository root: functions/, node_modules/ and package-lock.json live there. */
const projectRoot = fileURLToPath(new URL('..', import.meta.url)).replace(/\/$/, '');

export interface AfterviewAppOptions extends AppProps {
  /** Overrides the `placeholderCode` context flag. */
  code?: FunctionCode;
  /** Overrides the account and region taken from the caller's AWS profile. */
  env?: Environment;
  /** Off only in the test that proves every reviewed finding still occurs. */
  acknowledgeReviewedFindings?: boolean;
}

function isTrue(value: unknown): boolean {
  return value === true || value === 'true';
}

/** Creates the app and its one stack, `Afterview-<stage>`, with cdk-nag attached. */
export function createAfterviewApp(options: AfterviewAppOptions = {}) {
  const { code, env, acknowledgeReviewedFindings = true, ...appProps } = options;
  const app = new App(appProps);
  const config = stackConfigFromContext((key) => app.node.tryGetContext(key));
  const stack = new AfterviewStack(app, `Afterview-${config.stage}`, {
    config,
    projectRoot,
    code: code ?? (isTrue(app.node.tryGetContext('placeholderCode')) ? 'placeholder' : 'bundle'),
    // Account and region come from the caller's AWS profile when there is one; without one
    // the template stays environment-agnostic, so synthesis needs no credentials.
    env: env ?? {
      account: process.env.CDK_DEFAULT_ACCOUNT,
      region: process.env.CDK_DEFAULT_REGION,
    },
    description: `Afterview interview follow-up service (${config.stage})`,
  });
  Tags.of(stack).add('project', 'afterview');
  Tags.of(stack).add('stage', config.stage);
  if (acknowledgeReviewedFindings) suppressReviewedFindings(stack);
  Validations.of(app).addPlugins(new cdkNag.AwsSolutionsChecks(app, { verbose: true }));
  return { app, stack, config };
}
