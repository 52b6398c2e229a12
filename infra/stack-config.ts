/**
 * Deployment settings, read from CDK context (`-c stage=prod`, or `cdk.json`), validated once
 * with zod so a typo fails synthesis instead of producing a half-configured stack.
 */
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { z } from 'zod';

const retentionValues = new Set<number>(
  Object.values(RetentionDays).filter((value): value is number => typeof value === 'number'),
);

/** CDK context values arrive as strings from the command line and as JSON from cdk.json. */
const contextNumber = z.union([z.number(), z.string().regex(/^\d+$/).transform(Number)]);

/** The context keys and their checks; every key here is read (see stackContextKeys). */
const stackContextShape = z.object({
  /** Lower-case stage name; it prefixes every physical name, so stages can share an account. */
  stage: z
    .string()
    .regex(/^[a-z][a-z0-9-]{0,19}$/, 'lower-case letters, digits and dashes, at most 20')
    .default('dev'),
  /** CloudWatch Logs retention for function and access logs, in days. */
  logRetentionDays: contextNumber
    .refine((days) => retentionValues.has(days), 'not a retention CloudWatch Logs offers')
    .optional(),
  logLevel: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
  /** Comma-separated: `https` (the default) or `https,http` for a test stage with plain receivers. */
  webhookSchemes: z
    .string()
    .default('https')
    .transform((value) => value.split(',').map((scheme) => scheme.trim().toLowerCase()))
    .pipe(z.array(z.enum(['https', 'http'])).min(1)),
  /** Steady-state requests per second across the whole API stage (0 would refuse every request). */
  apiRateLimit: contextNumber
    .refine((rate) => rate >= 1, 'at least 1 request per second')
    .default(50),
  /** Short bursts above the steady rate. */
  apiBurstLimit: contextNumber.refine((burst) => burst >= 1, 'at least 1 request').default(100),
  /**
   * Days ahead a step gets its one-time schedule (the reconciler brings later steps in);
   * unset schedules every step when it is planned. See docs/scale.md.
   */
  schedulingHorizonDays: contextNumber
    .refine((days) => days >= 1 && days <= 999, 'from 1 to 999 days')
    .optional(),
  /** Optional address subscribed to alarm notifications. */
  alarmEmail: z.email().optional(),
  /** Optional AWS WAF web ACL (regional) to put in front of the API stage. */
  webAclArn: z
    .string()
    .regex(/^arn:[a-z-]+:wafv2:/, 'must be a WAFv2 web ACL ARN')
    .optional(),
});

const stackConfigSchema = stackContextShape
  .transform((raw) => {
    const production = raw.stage === 'prod';
    return {
      stage: raw.stage,
      production,
      logRetention: (raw.logRetentionDays ?? (production ? 90 : 14)) as RetentionDays,
      logLevel: raw.logLevel,
      allowHttpWebhooks: raw.webhookSchemes.includes('http'),
      apiRateLimit: raw.apiRateLimit,
      apiBurstLimit: raw.apiBurstLimit,
      schedulingHorizonDays: raw.schedulingHorizonDays,
      alarmEmail: raw.alarmEmail,
      webAclArn: raw.webAclArn,
    };
  })
  .refine((config) => !(config.production && config.allowHttpWebhooks), {
    message: 'the prod stage must not allow plain-http webhooks',
  });

export type StackConfig = z.output<typeof stackConfigSchema>;

/**
 * Context keys read by {@link stackConfigFromContext}: every key the schema checks, so a setting
 * cannot be documented and validated yet never read.
 */
const stackContextKeys = Object.keys(stackContextShape.shape);

/**
 * Builds the stack configuration from a context lookup (`app.node.tryGetContext`). Throws
 * with every invalid key named.
 */
export function stackConfigFromContext(lookup: (key: string) => unknown): StackConfig {
  const raw = Object.fromEntries(stackContextKeys.map((key) => [key, lookup(key)]));
  const parsed = stackConfigSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (issue) => `${issue.path.join('.') || 'context'}: ${issue.message}`,
    );
    throw new Error(`Invalid CDK context: ${problems.join('; ')}`);
  }
  return parsed.data;
}
