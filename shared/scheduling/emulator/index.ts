export type {
  AdvanceableClock,
  DeadLetter,
  InvokeTarget,
  SchedulerEmulator,
  SchedulerEmulatorOptions,
  SchedulerEmulatorStats,
} from './scheduler-emulator';
export { startSchedulerEmulator } from './scheduler-emulator';
