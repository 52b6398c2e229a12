/**
 * The English spelling dictionary behind the draft check (R10). Loading it parses ~50k
 * Hunspell entries (a few hundred milliseconds), so it happens once, on the first check, not
 * at import: planning never pays for it.
 *
 * This is the one place in the domain that reads a file. dictionary-en's own entry point
 * reads its files with a top-level `await`, which would force every importer of the domain to
 * load it eagerly; reading the two files synchronously next to the resolved entry point keeps
 * `checkDraft` synchronous and lazy. Bundlers must ship `index.aff` and `index.dic` of
 * dictionary-en alongside the code.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import nspell from 'nspell';

export interface SpellChecker {
  correct(word: string): boolean;
}

let checker: SpellChecker | undefined;

/** The shared spell checker, loaded on first use. */
export function spellChecker(): SpellChecker {
  if (!checker) {
    const entry = createRequire(import.meta.url).resolve('dictionary-en');
    const folder = dirname(entry);
    checker = nspell(
      readFileSync(join(folder, 'index.aff')),
      readFileSync(join(folder, 'index.dic')),
    );
  }
  return checker;
}
