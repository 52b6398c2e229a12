import { describe, expect, it } from 'vitest';
import { checkDraft, type DraftCheckContext } from '../../shared/domain';
import { candidate } from './fixtures';

const context: DraftCheckContext = {
  kind: 'thank_you',
  recipientName: 'Jonas Weber',
  roleTitle: 'Data Engineer',
  company: 'Acme',
  candidate,
};

const signature = `Kind regards,\nAna Ruiz\n${candidate.email}\n${candidate.phone}`;
const good = `Dear Jonas,\n\nThank you for our conversation about the Data Engineer role at Acme. I enjoyed hearing about your streaming work. I look forward to hearing from you.\n\n${signature}`;

function codes(text: string, checkContext: DraftCheckContext = context): string[] {
  return checkDraft(text, checkContext).map((finding) => finding.code);
}

describe('checkDraft (R10)', () => {
  it('finds nothing in a short, personal, signed note', () => {
    expect(checkDraft(good, context)).toEqual([]);
  });

  it.each([
    { name: 'empty', text: '   ', expected: ['empty'] },
    {
      name: 'seven sentences in a thank-you',
      text: `Dear Jonas,\n\n${'This is about the Data Engineer role at Acme. '.repeat(7)}\n\n${signature}`,
      expected: ['too_long'],
    },
    {
      name: '"just checking in"',
      text: good.replace('I enjoyed hearing', 'I am just checking in and enjoyed hearing'),
      expected: ['generic_phrase'],
    },
    {
      name: '"to whom it may concern" and no name',
      text: good.replace('Dear Jonas,', 'To whom it may concern,'),
      expected: ['generic_phrase', 'missing_name'],
    },
    {
      name: 'no role or company',
      text: good.replace(' about the Data Engineer role at Acme', ''),
      expected: ['missing_role'],
    },
    {
      name: 'no contact details',
      text: good.replace(`\n${candidate.email}\n${candidate.phone}`, ''),
      expected: ['missing_contact'],
    },
    {
      name: 'misspellings',
      text: good.replace('enjoyed hearing', 'enjoyed heering').replace('forward', 'forwrd'),
      expected: ['misspelling', 'misspelling'],
    },
  ])('$name → $expected', ({ text, expected }) => {
    expect(codes(text)).toEqual(expected);
  });

  it.each([
    {
      name: 'a question pasted after "about"',
      pasted: 'You asked me about What is your biggest weakness?, and I would be glad to say more.',
      excerpt: 'weakness?, and',
    },
    {
      name: 'a question pasted after "about", without the comma',
      pasted: 'We spoke about How do you keep on-call humane? It stayed with me.',
      excerpt: 'about How do you keep on-call humane?',
    },
    {
      name: 'a sentence pasted after "because of"',
      pasted: 'I would fit the team, not least because of I speak fluent German.',
      excerpt: 'because of I speak',
    },
  ])('$name → broken_sentence, quoting the spot', ({ pasted, excerpt }) => {
    const found = checkDraft(good.replace('I enjoyed hearing about your streaming work.', pasted));
    expect(found).toEqual([
      {
        code: 'broken_sentence',
        severity: 'warning',
        message: `"${excerpt}" reads as a question or sentence pasted mid-sentence; quote it, or put it after a colon.`,
        excerpt,
      },
    ]);
  });

  it('leaves names after "about", colons, quoted questions and "how about we" alone', () => {
    for (const fine of [
      'We talked about Kubernetes and about What Went Wrong, the postmortem series.',
      'You asked a question I keep thinking about: What is your biggest weakness?',
      'I asked "why?", and you explained the on-call rotation.',
      'How about we meet on Tuesday? What about I send the slides first?',
      'I chose Acme because of its streaming work and because of you and the team.',
      'Latency rose because of I/O limits.',
    ]) {
      const text = good.replace('I enjoyed hearing about your streaming work.', fine);
      expect(codes(text, { kind: 'thank_you' }), fine).not.toContain('broken_sentence');
    }
  });

  it('quotes the misspelt word', () => {
    const [finding] = checkDraft(good.replace('enjoyed', 'enjoyd'), context);
    expect(finding).toMatchObject({ code: 'misspelling', excerpt: 'enjoyd', severity: 'warning' });
  });

  it('ignores names, emails, URLs, numbers and context words when spelling', () => {
    const text = `Dear Xyzzy,\n\nThanks to Qwertz from Acmeqx for the 3rd call at 10am, see https://exmple.test/blargh or write to zzq@exmple.test about the Fooler role. I look forward to hearing from you.`;
    expect(codes(text, { roleTitle: 'Fooler' })).toEqual([]);
  });

  it('counts only the main text: greeting and signature are not sentences', () => {
    const text = `Hi Jonas,\n\nOne. Two. Three. Four. Five. Six.\n\nBest regards,\nAna Ruiz.\nana.ruiz@example.com`;
    expect(codes(text, { kind: 'thank_you' })).toEqual([]);
    expect(codes(text, { kind: 'withdrawal_notice' })).toEqual(['too_long']);
  });

  it('needs no context for the context-free checks', () => {
    const findings = checkDraft('Just checking in on my application, any update?');
    expect(findings.map((finding) => finding.code)).toEqual(['generic_phrase', 'generic_phrase']);
  });
});

describe('draft check severities', () => {
  const isOk = (text: string, checkContext: DraftCheckContext = {}) =>
    !checkDraft(text, checkContext).some((finding) => finding.severity === 'error');

  it.each([
    { name: 'a bare generic note', text: 'Just checking in on my application.', ok: false },
    {
      name: 'a note that never names its reader',
      text: good.replace('Dear Jonas,', 'Hello,'),
      checkContext: context,
      ok: false,
    },
    {
      name: 'a note without the candidate’s contact details',
      text: good.replace(`\n${candidate.email}\n${candidate.phone}`, ''),
      checkContext: context,
      ok: false,
    },
    {
      name: 'a note that leaves out the role (a warning only)',
      text: good.replace('the Data Engineer role at Acme', 'the role'),
      checkContext: context,
      ok: true,
    },
    {
      name: 'a misspelt word (a warning only)',
      text: good.replace('enjoyed', 'enjoyd'),
      checkContext: context,
      ok: true,
    },
    { name: 'the good note', text: good, checkContext: context, ok: true },
  ])('$name → ok $ok', ({ text, checkContext, ok }) => {
    expect(isOk(text, checkContext)).toBe(ok);
  });

  it('gives every finding the one severity its code has in the table', async () => {
    const { draftFindingSeverities } = await import('../../shared/domain');
    const texts = [
      '   ',
      'Just checking in on my application.',
      good.replace('Dear Jonas,', 'To whom it may concern,').replace('enjoyed', 'enjoyd'),
      `${'This is about the role. '.repeat(8)}`,
    ];
    const seen = new Set<string>();
    for (const text of texts) {
      for (const finding of checkDraft(text, context)) {
        expect(finding.severity).toBe(draftFindingSeverities[finding.code]);
        seen.add(finding.code);
      }
    }
    expect(seen.size).toBeGreaterThanOrEqual(5);
  });
});
