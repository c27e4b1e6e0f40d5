export { BerthRuntimeHelper } from './berth-runtime-helper.ts';
export type { ExecRecord } from './exec-records.ts';
export { hostCgroupMounts, parseCgroupMounts } from './host-cgroups.ts';
export type {
  AttachChunk,
  AttachSession,
  ExecChild,
  ExitStatus,
  NativeHelper,
  RunReport,
} from './native-helper.ts';
export {
  type CgroupMountSource,
  encodePlan,
  type PlanExtras,
  type PlanOp,
  processOps,
  specToPlan,
} from './plan.ts';
export { RecordingHelper } from './recording-helper.ts';
export { type CreateTaskOptions, type ExecOptions, Runtime, type RuntimeOptions } from './runtime.ts';
export { StartFailure, startFailureExitCode } from './start-failure.ts';
export { canKill, canStart, type TaskState, type TaskStatus } from './task-state.ts';
