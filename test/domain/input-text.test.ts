import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  boundedDuration,
  defaultPolicy,
  isTimeZone,
  oneLineText,
  policySchema,
} from '../../shared/domain/model';
import { usableOverrides } from '../../shared/domain/policy';

describe('oneLineText', () => {
  const text = oneLineText(200);

  it.each([
    'Zoë Ŝ. 山田 太郎',
    'Müller & Søn 🚀',
    '👩‍💻 family 👨‍👩‍👧',
    'עברית and العربية',
    'a\u200fb (a right-to-left mark is not an override)',
  ])('keeps %s', (value) => {
    expect(text.safeParse(value).success).toBe(true);
  });

  it('refuses every control, bidi override or isolate, separator and lone surrogate anywhere', () => {
    const refusedChar = fc.oneof(
      fc.integer({ min: 0, max: 0x1f }),
      fc.integer({ min: 0x7f, max: 0x9f }),
      fc.constantFrom(0x2028, 0x2029),
      fc.integer({ min: 0x202a, max: 0x202e }),
      fc.integer({ min: 0x2066, max: 0x2069 }),
      fc.integer({ min: 0xd800, max: 0xdfff }),
    );
    fc.assert(
      fc.property(
        fc.string({ minLength: 1, maxLength: 20 }).filter((s) => text.safeParse(s).success),
        refusedChar,
        fc.nat(),
        (base, code, at) => {
          const i = at % (base.length + 1);
          // Inside the text (trim would take a leading or trailing control away).
          const value = `x${base.slice(0, i)}${String.fromCharCode(code)}${base.slice(i)}x`;
          expect(text.safeParse(value).success, JSON.stringify(value)).toBe(false);
        },
      ),
      { numRuns: 300, seed: 20260302 },
    );
  });
});

describe('boundedDuration', () => {
  it.each([
    ['positive', 'PT0S', false],
    ['positive', 'PT1S', true],
    ['zero', 'PT0S', true],
    ['zero', '-PT1S', false],
    ['any', '-P1D', true],
    ['any', 'P101Y', false],
    ['positive', 'P99999999999D', false],
    ['positive', 'P1Y1D', false],
  ] as const)('min %s: %s → %s (max P1Y)', (min, value, ok) => {
    const max = min === 'any' ? 'P100Y' : 'P1Y';
    expect(boundedDuration(max, { min }).safeParse(value).success).toBe(ok);
  });

  it('the default policy lies inside every bound', () => {
    expect(policySchema.safeParse(defaultPolicy).success).toBe(true);
  });
});

describe('usableOverrides', () => {
  it('keeps valid fields and names the ones the schema refuses', () => {
    expect(
      usableOverrides({
        moveOnAfter: 'P99999999999D',
        thankYouDelay: '-P1D',
        maxCheckIns: 2,
        holidayCountry: null,
        checkInCadence: undefined,
        // A field no schema knows (written by a newer version, or by hand).
        ...({ shoeSize: 42 } as object),
      }),
    ).toEqual({
      overrides: { maxCheckIns: 2, holidayCountry: null },
      refused: ['moveOnAfter', 'thankYouDelay', 'shoeSize'],
    });
  });
});

describe('isTimeZone', () => {
  it.each(['+05:00', '-03:30', '+0500', '+05', '\u221205:00'])('refuses the offset %s', (zone) => {
    expect(isTimeZone(zone)).toBe(false);
  });
  it.each(['UTC', 'Etc/UTC', 'Etc/GMT+5', 'Europe/Berlin'])('accepts %s', (zone) => {
    expect(isTimeZone(zone)).toBe(true);
  });
});
