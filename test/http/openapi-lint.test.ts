/**
 * openapi.yaml passes Spectral (`spectral:oas`, `.spectral.yaml`) and Redocly (`recommended`,
 * `redocly.yaml`) with no error and no warning: every rule either holds or is turned off in the
 * committed ruleset with its reason. Both linters run offline: a preloaded guard refuses and
 * reports any connection or DNS lookup (Redocly's telemetry included).
 */
import { execFile } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));
const guard = fileURLToPath(new URL('../support/no-network.cjs', import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), 'afterview-lint-'));

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

interface Run {
  stdout: string;
  stderr: string;
}

function run(bin: string, args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      join(root, 'node_modules', '.bin', bin),
      args,
      {
        cwd: root,
        env: {
          ...process.env,
          NODE_OPTIONS: `--require ${guard}`,
          REDOCLY_TELEMETRY: 'off',
          REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true',
          NO_COLOR: '1',
        },
        maxBuffer: 16 * 1024 * 1024,
      },
      // Both exit non-zero when they find problems; the JSON report says which.
      (_error, stdout, stderr) => resolve({ stdout, stderr }),
    );
  });
}

interface Finding {
  file: string;
  rule: string;
  where: string;
  message: string;
}

/** One Spectral run over all `files` (its start-up is most of its time). */
async function spectral(files: string[]): Promise<{ findings: Finding[]; stderr: string }> {
  const ruleset = join(root, '.spectral.yaml');
  const { stdout, stderr } = await run('spectral', [
    'lint',
    ...files,
    '--ruleset',
    ruleset,
    '--format',
    'json',
    '--quiet',
  ]);
  const report = JSON.parse(stdout.slice(stdout.indexOf('['))) as Array<{
    code: string;
    path: string[];
    message: string;
    source: string;
  }>;
  return {
    findings: report.map((r) => ({
      file: r.source,
      rule: r.code,
      where: r.path.join('.'),
      message: r.message,
    })),
    stderr,
  };
}

/** Redocly prints one JSON report per run, so it lints one file at a time. */
async function redocly(files: string[]): Promise<{ findings: Finding[]; stderr: string }> {
  const findings: Finding[] = [];
  let stderr = '';
  for (const file of files) {
    const result = await run('redocly', [
      'lint',
      file,
      '--config',
      join(root, 'redocly.yaml'),
      '--format',
      'json',
    ]);
    stderr += result.stderr;
    const report = JSON.parse(result.stdout.slice(result.stdout.indexOf('{'))) as {
      problems: Array<{ ruleId: string; message: string; location: Array<{ pointer: string }> }>;
    };
    findings.push(
      ...report.problems.map((p) => ({
        file,
        rule: p.ruleId,
        where: p.location[0]?.pointer ?? '',
        message: p.message,
      })),
    );
  }
  return { findings, stderr };
}

const committed = join(root, 'openapi.yaml');
// The same document with one operationId removed: proves each report is read, not ignored.
const broken = join(scratch, 'broken.yaml');
copyFileSync(committed, broken);
writeFileSync(
  broken,
  readFileSync(broken, 'utf8').replace(/^ {6}operationId: createInterview\n/m, ''),
);

const linters = [
  ['Spectral', spectral],
  ['Redocly', redocly],
] as const;

describe('openapi.yaml lint', () => {
  it.each(linters)(
    '%s finds nothing in openapi.yaml, flags a missing operationId, and stays offline',
    async (_name, lint) => {
      const { findings, stderr } = await lint([committed, broken]);
      expect(findings.filter((finding) => finding.file === committed)).toEqual([]);
      expect(
        findings.filter((finding) => finding.file === broken).map((finding) => finding.rule),
      ).toContain('operation-operationId');
      expect(stderr).not.toContain('NETWORK ATTEMPT');
    },
    // Spectral's start-up alone takes several seconds on a busy two-core machine.
    120_000,
  );
});
