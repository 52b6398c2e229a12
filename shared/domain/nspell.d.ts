// nspell ships no type declarations; this covers the part Afterview uses.
declare module 'nspell' {
  interface NSpell {
    correct(word: string): boolean;
    suggest(word: string): string[];
    add(word: string): NSpell;
  }
  function nspell(aff: Uint8Array | string, dic?: Uint8Array | string): NSpell;
  export default nspell;
}
