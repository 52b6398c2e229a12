/**
 * The one place that holds the Lambda defaults: Node 22 on ARM64, an ESM bundle built by the
 * locally installed esbuild (never Docker), minified with source maps that are read only when an
 * error is logged, its own log group with a retention, active X-Ray tracing, and a role that
 * starts with nothing but that log group (and the X-Ray writes tracing needs).
 */
import { Duration, type RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { type ICommandHooks, NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { AwsEnvironment } from '../../shared/runtime/aws-config';
import {
  bundleSettings,
  onDemandPackageCommands,
  onDemandPackages,
  splitBundleCommands,
} from '../bundle-settings';

/**
 * `bundle` builds the entry with esbuild. `placeholder` keeps every setting but ships a stub
 * handler: unit tests and `-c placeholderCode=true` synthesize in milliseconds and do not need
 * the entry files to exist.
 */
export type FunctionCode = 'bundle' | 'placeholder';

/** A file copied into the bundle after esbuild ran, paths relative to the project root / bundle. */
export interface BundledAsset {
  from: string;
  to: string;
}

export interface AfterviewFunctionProps {
  functionName: string;
  description: string;
  /** Absolute path of the TypeScript entry exporting `handler`. */
  entry: string;
  /** Directory holding package.json and package-lock.json. */
  projectRoot: string;
  code: FunctionCode;
  environment: AwsEnvironment;
  logRetention: logs.RetentionDays;
  removalPolicy: RemovalPolicy;
  timeout: Duration;
  memorySize: number;
  /** Static files the handler reads at run time, shipped beside the bundle. */
  assets?: readonly BundledAsset[];
  /** Lambda's own retries of an asynchronous invocation that threw. */
  retryAttempts?: number;
  deadLetterQueue?: sqs.IQueue;
}

const placeholderSource =
  "exports.handler = async () => { throw new Error('synthesized with placeholder code'); };";

function copyCommands(assets: readonly BundledAsset[], inputDir: string, outputDir: string) {
  const targetDirs = [
    ...new Set(assets.map((asset) => asset.to.split('/').slice(0, -1).join('/'))),
  ];
  return [
    ...targetDirs.filter(Boolean).map((dir) => `mkdir -p "${outputDir}/${dir}"`),
    ...assets.map((asset) => `cp "${inputDir}/${asset.from}" "${outputDir}/${asset.to}"`),
  ];
}

export class AfterviewFunction extends Construct {
  readonly function: lambda.Function;
  readonly role: iam.Role;
  readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: AfterviewFunctionProps) {
    super(scope, id);

    // No fixed name: a production log group outlives the stack, and a fixed name would make the
    // next deployment of the same stage fail on the group left behind.
    this.logGroup = new logs.LogGroup(this, 'Logs', {
      retention: props.logRetention,
      removalPolicy: props.removalPolicy,
    });

    // An explicit role instead of the default one: the default attaches the AWS-managed basic
    // execution policy, which may write to every log group in the account.
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Execution role of ${props.functionName}`,
    });
    this.role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [this.logGroup.logGroupArn],
      }),
    );

    const common = {
      functionName: props.functionName,
      description: props.description,
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memorySize,
      timeout: props.timeout,
      role: this.role,
      logGroup: this.logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      // Active tracing: every invocation is a segment (init, invocation, overhead), joined to
      // API Gateway's trace. CDK grants the two X-Ray write actions this needs.
      tracing: lambda.Tracing.ACTIVE,
      // No `--enable-source-maps`: it parses every module's map at load, 15-20 ms of each cold
      // start. The code maps a stack trace's frames itself when it logs one (stack-traces.ts).
      environment: { ...(props.environment as Record<string, string>) },
      ...(props.retryAttempts !== undefined ? { retryAttempts: props.retryAttempts } : {}),
      ...(props.deadLetterQueue ? { deadLetterQueue: props.deadLetterQueue } : {}),
    };

    if (props.code === 'placeholder') {
      this.function = new lambda.Function(this, 'Function', {
        ...common,
        handler: 'index.handler',
        code: lambda.Code.fromInline(placeholderSource),
      });
      return;
    }

    const assets = props.assets ?? [];
    const commandHooks: ICommandHooks = {
      beforeBundling: () => [],
      beforeInstall: () => [],
      afterBundling: (inputDir, outputDir) => [
        ...splitBundleCommands(props.entry, inputDir, outputDir),
        ...onDemandPackages.flatMap((name) => onDemandPackageCommands(name, inputDir, outputDir)),
        ...copyCommands(assets, inputDir, outputDir),
      ],
    };
    this.function = new NodejsFunction(this, 'Function', {
      ...common,
      entry: props.entry,
      handler: 'handler',
      projectRoot: props.projectRoot,
      depsLockFilePath: `${props.projectRoot}/package-lock.json`,
      bundling: {
        format: OutputFormat.ESM,
        target: bundleSettings.target,
        minify: bundleSettings.minify,
        sourceMap: bundleSettings.sourcemap,
        sourcesContent: bundleSettings.sourcesContent,
        mainFields: [...bundleSettings.mainFields],
        banner: bundleSettings.banner,
        // Bundle the AWS SDK too: the deployed code then runs the SDK version the tests ran,
        // not whatever the managed runtime ships this month.
        externalModules: [],
        forceDockerBundling: false,
        commandHooks,
      },
    });
  }
}

/** Default timeouts and sizes, named so the cost notes can refer to them. */
export const functionSizing = {
  api: { memorySize: 1024, timeout: Duration.seconds(29) },
  dispatch: { memorySize: 512, timeout: Duration.seconds(60) },
  reconcile: { memorySize: 512, timeout: Duration.minutes(2) },
} as const;
