export { inProcessHandler } from './in-process-handler';
export type {
  AdvanceableClock,
  DeadLetter,
  EmulatorRequest,
  EmulatorResponse,
  InvokeTarget,
  SchedulerEmulator,
  SchedulerEmulatorOptions,
  SchedulerEmulatorStats,
} from './scheduler-emulator';
export { startSchedulerEmulator } from './scheduler-emulator';
