/**
 * The one logger of the code base: the services' `Logger` port implemented on Powertools for AWS
 * Lambda's Logger. In Lambda it writes one JSON object per line (service, level, timestamp, the
 * Lambda request id, cold start, the X-Ray trace id) plus the fields of the current log context
 * (request, tenant, interview, step, event, endpoint ids). On a terminal the same entries are
 * printed as one readable line each. Every value passes the redaction replacer first.
 */
import {
  type LogItem,
  LogLevelThreshold,
  Logger as PowertoolsLogger,
} from '@aws-lambda-powertools/logger';
import type { Logger } from '../service/deps';
import { currentLogContext } from './log-context';
import { redactingReplacer } from './redaction';
import { formatAttemptLine, formatRequestLine } from './terminal-lines';

type LogLevelName = 'debug' | 'info' | 'warn' | 'error';
type LogFormat = 'json' | 'pretty';

export interface LoggerOptions {
  /** The `service` field of every line; also the metrics' service dimension. */
  serviceName: string;
  level?: LogLevelName;
  /** `json` in Lambda; `pretty` for a person reading a terminal. */
  format?: LogFormat;
  /**
   * Debug entries with these messages are written at info (the local terminal shows every
   * `webhook attempt`, delivered ones included, which services log at debug).
   */
  debugShownAsInfo?: readonly string[];
}

/** The Lambda context fields Powertools adds to every line (request id, cold start, ...). */
export type LambdaContext = Parameters<PowertoolsLogger['addContext']>[0];

const levelNames: Record<LogLevelName, 'DEBUG' | 'INFO' | 'WARN' | 'ERROR'> = {
  debug: 'DEBUG',
  info: 'INFO',
  warn: 'WARN',
  error: 'ERROR',
};

/** Fields a readable line leaves out: the same on every line, or already at its start. */
const quietOnTerminal = new Set(['level', 'message', 'timestamp', 'service', 'sampling_rate']);

const colours = { DEBUG: '\x1b[2m', INFO: '\x1b[36m', WARN: '\x1b[33m', ERROR: '\x1b[31m' };

function formatValue(value: unknown): string {
  if (typeof value === 'string') return /[\s"=]/.test(value) ? JSON.stringify(value) : value;
  return JSON.stringify(value);
}

/** `16:19:37.120 INFO  message  key=value …`, for the local runtime on a terminal. */
export function terminalLine(attributes: Record<string, unknown>, colour: boolean): string {
  const level = String(attributes.level ?? 'INFO');
  const time = String(attributes.timestamp ?? '').slice(11, 23);
  const fields = Object.entries(attributes)
    .filter(([key, value]) => !quietOnTerminal.has(key) && value !== undefined)
    .map(([key, value]) => `${key}=${formatValue(value)}`)
    .join(' ');
  const label = level.padEnd(5);
  const paint = colour ? (colours[level as keyof typeof colours] ?? '') : '';
  const levelText = paint ? `${paint}${label}\x1b[0m` : label;
  // The local runtime's request and webhook-attempt lines read as sentences, not key=value.
  if (attributes.message === 'request')
    return `${time} ${levelText} ${formatRequestLine(attributes)}`;
  if (attributes.message === 'webhook attempt') {
    return `${time} ${levelText} ${formatAttemptLine(attributes)}`;
  }
  return `${time} ${levelText} ${String(attributes.message ?? '')}${fields ? `  ${fields}` : ''}`;
}

/** Powertools' Logger printing readable lines instead of JSON (same fields, same redaction). */
class TerminalLogger extends PowertoolsLogger {
  protected override printLog(logLevel: number, log: LogItem): void {
    log.prepareForPrint();
    const attributes = JSON.parse(JSON.stringify(log.getAttributes(), redactingReplacer)) as Record<
      string,
      unknown
    >;
    const stream = logLevel >= LogLevelThreshold.WARN ? process.stderr : process.stdout;
    stream.write(`${terminalLine(attributes, Boolean(stream.isTTY))}\n`);
  }
}

/**
 * The port implementation. Besides `info` and `error` it offers `warn` and `debug`, and
 * `addLambdaContext` for the Lambda entry points.
 */
export class AppLogger implements Logger {
  readonly #powertools: PowertoolsLogger;
  readonly #debugShownAsInfo: ReadonlySet<string>;

  constructor(options: LoggerOptions) {
    this.#debugShownAsInfo = new Set(options.debugShownAsInfo ?? []);
    const settings = {
      serviceName: options.serviceName,
      logLevel: levelNames[options.level ?? 'info'],
      jsonReplacerFn: redactingReplacer,
    };
    this.#powertools =
      options.format === 'pretty' ? new TerminalLogger(settings) : new PowertoolsLogger(settings);
  }

  debug(message: string, fields?: Record<string, unknown>): void {
    if (this.#debugShownAsInfo.has(message)) {
      this.#powertools.info(message, this.#fields(fields));
    } else this.#powertools.debug(message, this.#fields(fields));
  }

  info(message: string, fields?: Record<string, unknown>): void {
    this.#powertools.info(message, this.#fields(fields));
  }

  warn(message: string, fields?: Record<string, unknown>): void {
    this.#powertools.warn(message, this.#fields(fields));
  }

  error(message: string, fields?: Record<string, unknown>): void {
    this.#powertools.error(message, this.#fields(fields));
  }

  /** Adds the Lambda request id, function name and cold start to the lines that follow. */
  addLambdaContext(context: LambdaContext): void {
    this.#powertools.addContext(context);
  }

  #fields(fields: Record<string, unknown> | undefined): Record<string, unknown> {
    return { ...currentLogContext(), ...fields };
  }
}

/** Builds the logger every runtime hands its services. */
export function createLogger(options: LoggerOptions): AppLogger {
  return new AppLogger(options);
}
