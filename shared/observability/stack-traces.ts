/**
 * Readable stack traces from minified bundles, paid for only when an error is logged.
 *
 * The Lambda bundles are minified, with a linked source map beside each file. Node's
 * `--enable-source-maps` would translate every stack trace, but it reads and parses the map of
 * every module as the module loads: 15-20 ms of each cold start (see docs/benchmarks.md), for
 * traces that only errors need. So the functions run without it, and the few places that write
 * a stack trace (the error log lines, the error a worker throws back to Lambda, and an error
 * thrown while a function's module composes its services) pass it through `originalStack`,
 * which reads a file's map the first time one of its frames is seen, with Node's own source map
 * reader (`node:module`'s `SourceMap`, the one the flag uses).
 *
 * Frames in files without a map beside them (Node's internals, the local runtime's TypeScript
 * run through tsx, which maps its own) are left exactly as they are.
 */
import { readFileSync } from 'node:fs';
import { SourceMap, type SourceMapPayload } from 'node:module';
import { fileURLToPath } from 'node:url';

/** A file's parsed map; null once it is known to have none (or an unreadable one). */
const maps = new Map<string, SourceMap | null>();

function sourceMapOf(file: string): SourceMap | null {
  let map = maps.get(file);
  if (map === undefined) {
    try {
      map = new SourceMap(JSON.parse(readFileSync(`${file}.map`, 'utf8')) as SourceMapPayload);
    } catch {
      map = null;
    }
    maps.set(file, map);
  }
  return map;
}

/** `file:line:column` at the end of a V8 frame, in parentheses or not, as a path or file URL. */
const frameLocation = /(file:\/\/\/[^\s()]+|\/[^\s():]+):(\d+):(\d+)(\)?)$/;

/**
 * Where a generated position came from, as `source:line:column` with the source relative to
 * the project (the map names it from the bundle's build directory, which Lambda does not have).
 */
function originalLocation(file: string, line: number, column: number): string | undefined {
  if (!/\.[cm]?js$/.test(file)) return undefined;
  const entry = sourceMapOf(file)?.findEntry(line - 1, column - 1);
  if (!entry || !('originalSource' in entry)) return undefined;
  const source = entry.originalSource.replace(/^(?:file:\/\/)?(?:\.\.\/|\.\/)*/, '');
  return `${source}:${entry.originalLine + 1}:${entry.originalColumn + 1}`;
}

/** `stack` with every frame in a mapped file pointing at the original source instead. */
export function originalStack(stack: string): string;
export function originalStack(stack: string | undefined): string | undefined;
export function originalStack(stack: string | undefined): string | undefined {
  if (stack === undefined) return undefined;
  return stack
    .split('\n')
    .map((frame) => {
      const match = frameLocation.exec(frame);
      if (!match) return frame;
      const [whole, location = '', line = '', column = '', closing = ''] = match;
      const file = location.startsWith('file:') ? fileURLToPath(location) : location;
      const original = originalLocation(file, Number(line), Number(column));
      return original === undefined
        ? frame
        : `${frame.slice(0, frame.length - whole.length)}${original}${closing}`;
    })
    .join('\n');
}

/**
 * Rewrites `error.stack` (and its causes') in place to name the original sources, so whatever
 * prints it next (the Lambda runtime's own report of a failed invocation) shows them too.
 */
export function mapErrorStack(error: unknown, depth = 0): void {
  if (!(error instanceof Error) || depth > 5) return;
  try {
    error.stack = originalStack(error.stack);
  } catch {
    // A frozen error keeps its stack as it is.
  }
  mapErrorStack(error.cause, depth + 1);
}

/**
 * `build()`, with the stack of whatever it throws mapped first: for the composition a Lambda
 * entry runs as its module loads, whose errors (a missing setting, say) reach the runtime's
 * init report without passing through the handler wrapper.
 */
export function withMappedStack<T>(build: () => T): T {
  try {
    return build();
  } catch (error) {
    mapErrorStack(error);
    throw error;
  }
}
