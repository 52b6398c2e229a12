/**
 * Where the browser tests get Chromium. In order:
 *   1. `CHROMIUM_PATH`, when set (an override; it must exist);
 *   2. a system Chromium or Chrome on `PATH` (a developer's own browser);
 *   3. the Chromium that `@sparticuz/chromium` ships inside its npm package, unpacked into the
 *      temp folder on first use. It is a plain x64/arm64 Linux build that runs headless under
 *      playwright-core without any system package, so `npm install && npm test` needs nothing
 *      installed by hand.
 */
import { accessSync, constants, existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';

type ChromiumSource = 'CHROMIUM_PATH' | 'system' | 'npm';

export interface ResolvedChromium {
  executablePath: string;
  source: ChromiumSource;
}

const systemNames = ['chromium', 'chromium-browser', 'google-chrome-stable', 'google-chrome'];

/** Flags for a headless run on a machine whose network is closed (no background calls home). */
export const chromiumArgs = [
  '--headless',
  '--no-sandbox',
  '--no-zygote',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

function executableOnPath(name: string, pathVariable: string | undefined): string | undefined {
  for (const folder of (pathVariable ?? '').split(delimiter)) {
    if (folder === '') continue;
    const candidate = join(folder, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here; try the next folder
    }
  }
  return undefined;
}

/** Finds a Chromium to drive, unpacking the npm one only when nothing else is there. */
export async function resolveChromium(
  env: NodeJS.ProcessEnv = process.env,
): Promise<ResolvedChromium> {
  const override = env.CHROMIUM_PATH;
  if (override !== undefined && override !== '') {
    if (!existsSync(override))
      throw new Error(`CHROMIUM_PATH points at ${override}, which does not exist`);
    return { executablePath: override, source: 'CHROMIUM_PATH' };
  }
  for (const name of systemNames) {
    const found = executableOnPath(name, env.PATH);
    if (found) return { executablePath: found, source: 'system' };
  }
  const { default: packaged } = await import('@sparticuz/chromium');
  return { executablePath: await packaged.executablePath(), source: 'npm' };
}
