/**
 * The follow-up domain: pure functions of (interview, policy, now). No I/O, no system clock
 * (the draft check's dictionary, loaded once on first use, is the single exception).
 */
export { checkDraft } from './draft-check';
export * from './model';
export { resolvePolicy } from './policy';
export {
  applySignal,
  applyStepAction,
  eraseFollowUp,
  planFollowUps,
  replan,
  startFollowUp,
} from './transitions';
