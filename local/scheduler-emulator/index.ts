export { inProcessHandler } from './in-process-handler';
export type {
  InvokeTarget,
  SchedulerEmulator,
  SchedulerEmulatorOptions,
} from './scheduler-emulator';
export { startSchedulerEmulator } from './scheduler-emulator';
