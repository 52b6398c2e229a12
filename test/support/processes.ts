/**
 * Child processes for tests of the command-line entry points (`npm start`, `npm run listen`,
 * `npm run demo`, `npm run reset`): started with Node and the tsx loader, with their output
 * collected, so a test can wait for a line and read everything printed.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

export interface RunningScript {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves with stdout once `pattern` appears in it; rejects if the process exits first. */
  waitForOutput(pattern: RegExp, timeoutMs?: number): Promise<string>;
  /** Resolves with the exit code (or the signal's name) once the process has ended. */
  exited: Promise<number | string>;
}

/**
 * Runs `script` (a path from the repository root) the way its npm script does, but under
 * `node --import tsx` so the pid is the script's own (tsx's CLI would add a parent process).
 */
export function runScript(
  script: string,
  args: string[] = [],
  env: Record<string, string | undefined> = {},
): RunningScript {
  // An undefined value removes the variable (spawn would pass the string "undefined").
  const merged: Record<string, string> = {};
  for (const [name, value] of Object.entries({ ...process.env, NO_COLOR: '1', ...env })) {
    if (value !== undefined) merged[name] = value;
  }
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
    cwd: repoRoot,
    env: merged,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  const listeners = new Set<() => void>();
  child.stdout?.on('data', (chunk: Buffer) => {
    out += chunk.toString('utf8');
    for (const listener of listeners) listener();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    err += chunk.toString('utf8');
  });
  const exited = new Promise<number | string>((resolve) => {
    child.on('exit', (code, signal) => {
      resolve(code ?? signal ?? 'unknown');
      for (const listener of listeners) listener();
    });
  });
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    exited,
    waitForOutput(pattern, timeoutMs = 30_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (pattern.test(out)) {
            done();
            resolve(out);
          } else if (child.exitCode !== null || child.signalCode !== null) {
            done();
            reject(new Error(`exited before ${pattern}:\n${out}\n${err}`));
          }
        };
        const timer = setTimeout(() => {
          done();
          reject(new Error(`no ${pattern} within ${timeoutMs} ms:\n${out}\n${err}`));
        }, timeoutMs);
        const done = () => {
          clearTimeout(timer);
          listeners.delete(check);
        };
        listeners.add(check);
        check();
      });
    },
  };
}

/** Stops `script` with `signal` (SIGTERM by default) and waits for it to end. */
export async function stopScript(
  script: RunningScript,
  signal: NodeJS.Signals = 'SIGTERM',
): Promise<void> {
  if (script.child.exitCode === null && script.child.signalCode === null) {
    script.child.kill(signal);
  }
  await script.exited;
}
