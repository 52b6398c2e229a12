/** Launching the Chromium that the global setup resolved (see `chromium.ts`). */
import { type Browser, chromium } from 'playwright-core';
import { inject } from 'vitest';
import { chromiumArgs, type ResolvedChromium } from './chromium';

/** The Chromium resolved for this run; throws with the reason when there is none. */
function resolvedChromium(): ResolvedChromium {
  const resolved = inject('chromium');
  if ('error' in resolved) {
    throw new Error(
      `No Chromium for the browser tests: ${resolved.error}. Set CHROMIUM_PATH, or reinstall so @sparticuz/chromium is present; this check is required, not optional.`,
    );
  }
  return resolved;
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: resolvedChromium().executablePath, args: chromiumArgs });
}
