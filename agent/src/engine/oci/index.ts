export {
  CAPABILITIES,
  type Capability,
  capabilityMask,
  DOCKER_DEFAULT_CAPABILITIES,
} from './capabilities.ts';
export {
  DEFAULT_MASKED_PATHS,
  DEFAULT_READONLY_PATHS,
  type DefaultSpecOptions,
  defaultMounts,
  defaultSpec,
} from './defaults.ts';
export { compileSeccomp } from './seccomp-bpf.ts';
export { defaultSeccompProfile, SeccompProfile } from './seccomp-profile.ts';
export { Mount, Namespace, Process, Rlimit, RuntimeSpec, type RuntimeSpecInput } from './spec.ts';
