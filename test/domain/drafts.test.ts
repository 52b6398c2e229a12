/**
 * Every template that embeds the candidate's own words (topics, highlights, an interviewer's
 * `followUp`) reads right for each shape those words come in, across all phrasing variants.
 */
import { describe, expect, it } from 'vitest';
import { checkDraft, type Interviewer, type StepKind } from '../../shared/domain';
import {
  checkInDraft,
  checkInPoints,
  handwrittenNoteDraft,
  thankYouDraft,
} from '../../shared/domain/drafts';
import { candidate, jonas } from './fixtures';

const role = { title: 'Data Engineer', company: 'Acme' };

/** The same words as a noun phrase, a résumé line, a sentence and a question. */
const shapes = [
  'eight years of running payment systems',
  'Led the migration of 40 services to Kubernetes',
  'I speak fluent German.',
  'What is your biggest weakness?',
];

/** The text ends a sentence after a colon, with exactly one closing mark. */
function embedded(shape: string): string {
  return `: ${/[.?]$/.test(shape) ? shape : `${shape}.`}`;
}

function findings(body: string, kind: StepKind, recipientName: string) {
  return checkDraft(body, {
    kind,
    roleTitle: role.title,
    company: role.company,
    candidate,
    recipientName,
  });
}

// Enough seeds and positions to reach every variant of every line.
const seeds = Array.from({ length: 12 }, (_, seed) => seed);

describe.each(shapes)('"%s"', (shape) => {
  const interviewer: Interviewer = { ...jonas, topics: [shape], followUp: shape };
  const withHighlight = { ...candidate, highlights: [shape] };

  it('thank-yous and cards embed it after a colon and pass the draft check', () => {
    for (const seed of seeds) {
      for (const index of [0, 1, 2]) {
        const context = {
          candidate: withHighlight,
          role,
          round: 1,
          interviewer,
          index,
          seed,
        };
        for (const [kind, draft] of [
          ['thank_you', thankYouDraft(context)],
          ['handwritten_note', handwrittenNoteDraft(context)],
        ] as const) {
          expect(draft.body).toContain(embedded(shape));
          expect(draft.body).not.toMatch(/\.\.|\?\.|about [A-Z]|because of/);
          expect(findings(draft.body, kind, jonas.name), draft.body).toEqual([]);
        }
      }
    }
  });

  it('every check-in point embeds it after a colon and passes the draft check', () => {
    for (const seed of seeds) {
      const points = checkInPoints({
        candidate: withHighlight,
        topic: shape,
        recipientIndex: -1,
        seed,
      });
      // The highlight point, the topic point, then the general ones.
      expect(points[0]).toContain(embedded(shape));
      expect(points[1]).toContain(embedded(shape));
      for (const point of points) {
        const draft = checkInDraft({
          candidate,
          role,
          round: 1,
          recipientName: jonas.name,
          point,
          checkInNumber: 1,
          last: false,
          seed,
        });
        expect(draft.body).not.toMatch(/\.\.|\?\.|about [A-Z]/);
        expect(findings(draft.body, 'check_in', jonas.name), draft.body).toEqual([]);
      }
    }
  });
});
