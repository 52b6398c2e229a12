/**
 * The local runtime's terminal: what a person watching `npm start` reads. One line per API
 * request and per webhook attempt, other entries as `message key=value`, errors on stderr.
 * Implements the same Logger port every service logs through, so nothing here is special to
 * the code that logs.
 */
import { formatAttemptLine, formatRequestLine } from '../shared/observability/terminal-lines';
import type { Logger } from '../shared/service/deps';

export interface TerminalLoggerOptions {
  /** Drops request and webhook-attempt lines (and other info); errors still show. */
  quiet?: boolean;
  /** Where lines go; stdout and stderr by default. */
  write?: (line: string, stream: 'stdout' | 'stderr') => void;
  /** ANSI colours (default: when stdout is a terminal and NO_COLOR is unset). */
  color?: boolean;
}

type Fields = Record<string, unknown>;

function formatFields(fields: Fields | undefined): string {
  if (!fields) return '';
  return Object.entries(fields)
    .filter(([, value]) => value !== undefined)
    .map(([key, value]) => ` ${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`)
    .join('');
}

export function terminalLogger(options: TerminalLoggerOptions = {}): Logger {
  const write =
    options.write ??
    ((line: string, stream: 'stdout' | 'stderr') => {
      (stream === 'stdout' ? process.stdout : process.stderr).write(`${line}\n`);
    });
  const color = options.color ?? (process.stdout.isTTY === true && !process.env.NO_COLOR);
  const dim = (text: string) => (color ? `\x1b[2m${text}\x1b[0m` : text);
  const red = (text: string) => (color ? `\x1b[31m${text}\x1b[0m` : text);
  return {
    info(message, fields) {
      if (options.quiet) return;
      if (message === 'request' && fields) write(dim(formatRequestLine(fields)), 'stdout');
      else if (message === 'webhook attempt' && fields) write(formatAttemptLine(fields), 'stdout');
      else write(`${message}${dim(formatFields(fields))}`, 'stdout');
    },
    // Services log delivered webhook attempts at debug; the terminal shows every attempt.
    debug(message, fields) {
      if (options.quiet) return;
      if (message === 'webhook attempt' && fields) write(formatAttemptLine(fields), 'stdout');
    },
    error(message, fields) {
      write(red(`error: ${message}${formatFields(fields)}`), 'stderr');
    },
  };
}
