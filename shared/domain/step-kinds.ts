/**
 * The kinds of step a plan is made of. Kept apart from the zod schemas of ./model so that code
 * the worker Lambdas load (event types, the store) can name them without loading zod.
 */
export const stepKinds = [
  'thank_you',
  'check_in',
  'feedback_request',
  'withdrawal_notice',
  'contact_info_needed',
  'handwritten_note',
  'move_on',
] as const;
export type StepKind = (typeof stepKinds)[number];
