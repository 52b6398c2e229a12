/**
 * Every cdk-nag AwsSolutions finding this stack accepts, each with the reason it was accepted.
 * Kept in one list so a reviewer reads all exceptions in one place; the infra tests fail when
 * a finding appears that is not listed here, or when an entry has no reason.
 */
import { Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import type { AfterviewStack } from './afterview-stack';

export interface ReviewedFinding {
  /** cdk-nag rule id, with the finding in brackets where the rule reports several. */
  id: string;
  reason: string;
  /** The constructs the finding is accepted on (the finding is checked on them and below). */
  on: readonly IConstruct[];
}

/** The reviewed findings for `stack`, derived from what it contains. */
export function reviewedFindings(stack: AfterviewStack): ReviewedFinding[] {
  const functions = Object.values(stack.functions);
  const apiMethods = stack.api.methods;
  const findings: ReviewedFinding[] = [
    {
      // cdk-nag spells the pseudo parameters of wakeupSchedulesArn this way.
      id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:scheduler:<AWS::Region>:<AWS::AccountId>:schedule/${stack.scheduleGroupName}/*]`,
      reason:
        'Schedule names are derived per step and per delivery attempt at run time, so they ' +
        'cannot be listed; the wildcard is confined to the schedules of this stage’s own group ' +
        'and to the create, get and delete actions.',
      on: functions.map((fn) => fn.role),
    },
    {
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'Active X-Ray tracing: xray:PutTraceSegments and xray:PutTelemetryRecords support no ' +
        'resource-level permissions, so AWS documents Resource "*" for them; CDK grants exactly ' +
        'these two write actions and nothing else on "*" (the stack tests check that).',
      on: functions.map((fn) => fn.role),
    },
    {
      id: 'AwsSolutions-L1',
      reason:
        'Pinned to Node.js 22 on purpose: the bundles target node22 and the test suite runs ' +
        'against it; moving to a newer runtime is a deliberate change made with a test run.',
      on: functions.map((fn) => fn.function),
    },
    {
      id: 'AwsSolutions-APIG2',
      reason:
        'Every route validates its body, query and headers with zod inside the application and ' +
        'answers RFC 9457 problem documents; a Lambda proxy integration has no request models.',
      on: [stack.api],
    },
    {
      id: 'AwsSolutions-APIG4',
      reason:
        'Callers authenticate with tenant API keys (Bearer), checked by the application against ' +
        'hashed keys in DynamoDB; /health, /openapi.json and /docs are public by design.',
      on: apiMethods,
    },
    {
      id: 'AwsSolutions-COG4',
      reason:
        'Integrations are machines holding tenant API keys, not Cognito users; authentication ' +
        'happens in the application (see APIG4).',
      on: apiMethods,
    },
    {
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]',
      reason:
        'The account-level role API Gateway needs to write execution logs; AWS maintains this ' +
        'managed policy for exactly that role and it grants only CloudWatch Logs writes.',
      on: [stack.api],
    },
  ];
  if (!stack.webAclArn) {
    findings.push({
      id: 'AwsSolutions-APIG3',
      reason:
        'A web ACL is optional (context webAclArn) because it costs a monthly fee per ACL; the ' +
        'stage is throttled and the application caps body sizes without it. See docs/deploy.md.',
      on: [stack.api],
    });
  }
  return findings;
}

/** Records the reviewed findings as CDK validation acknowledgements on their constructs. */
export function suppressReviewedFindings(stack: AfterviewStack): void {
  for (const finding of reviewedFindings(stack)) {
    for (const scope of finding.on) {
      Validations.of(scope).acknowledge({ id: finding.id, reason: finding.reason });
    }
  }
}
