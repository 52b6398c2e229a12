import { describe, expect, it } from 'vitest';
import { stableId, stableToken } from '../shared/ids';

// Step ids and schedule names are derived, never stored first: a re-plan keeps a step's id,
// and a schedule is found again by its name, only if the same parts give the same text in
// every version of the code. These values were produced before the hashing was rewritten.
describe('stable ids', () => {
  it('derive the same ids and tokens from the same parts as before', () => {
    expect(stableId('stp', '1|thank_you|jonas weber#0', '2026-03-06T18:40:00Z')).toBe(
      'stp_cj4rwf2s964spttm9ypk',
    );
    expect(stableId('evt', 'int_01', 7)).toBe('evt_400jsdv8hhj3wwqb5gh9');
    expect(stableToken(40, 'ten_1', 'int_1', 'stp_1')).toBe(
      'vn2yet1temkwzzk3g5t3khh0g9k0rkxzxtggrbg9',
    );
    expect(stableToken(8, 'x')).toBe('5nrhcgnq');
  });
});
