/**
 * Vitest global setup: resolves Chromium once, before any worker starts, so two workers never
 * unpack the npm build into the same folder at the same time. Browser tests read the result
 * with `launchChromium()`; a failure to find one fails those tests (not the whole run) with
 * the reason, so the check can never be skipped silently.
 */
import type { TestProject } from 'vitest/node';
import { type ResolvedChromium, resolveChromium } from './chromium';

declare module 'vitest' {
  export interface ProvidedContext {
    chromium: ResolvedChromium | { error: string };
  }
}

export default async function setup(project: TestProject): Promise<void> {
  try {
    project.provide('chromium', await resolveChromium());
  } catch (error) {
    project.provide('chromium', { error: error instanceof Error ? error.message : String(error) });
  }
}
