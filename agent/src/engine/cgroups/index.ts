export type { HostCgroup } from './cgroup.ts';
export { CgroupManagerOptions, createCgroupManager, type HostCgroupManager } from './manager.ts';
export { type CgroupHost, detectHost } from './mounts.ts';
export type { Cgroup, CgroupManager, CgroupStats } from './types.ts';
export { CgroupResources } from './types.ts';
