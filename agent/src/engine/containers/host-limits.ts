import { readFileSync } from 'node:fs';

/** /proc/self/limits row titles for each RLIMIT_ name. */
const ROWS: Record<string, string> = {
  RLIMIT_CPU: 'Max cpu time',
  RLIMIT_FSIZE: 'Max file size',
  RLIMIT_DATA: 'Max data size',
  RLIMIT_STACK: 'Max stack size',
  RLIMIT_CORE: 'Max core file size',
  RLIMIT_RSS: 'Max resident set',
  RLIMIT_NPROC: 'Max processes',
  RLIMIT_NOFILE: 'Max open files',
  RLIMIT_MEMLOCK: 'Max locked memory',
  RLIMIT_AS: 'Max address space',
  RLIMIT_LOCKS: 'Max file locks',
  RLIMIT_SIGPENDING: 'Max pending signals',
  RLIMIT_MSGQUEUE: 'Max msgqueue size',
  RLIMIT_NICE: 'Max nice priority',
  RLIMIT_RTPRIO: 'Max realtime priority',
  RLIMIT_RTTIME: 'Max realtime timeout',
};

/** setrlimit's RLIM_INFINITY, as a JS number the plan can carry */
const UNLIMITED = Number.MAX_SAFE_INTEGER;

/**
 * The agent's hard limit for a resource, read from /proc/self/limits (Node has
 * no getrlimit). Without CAP_SYS_RESOURCE a container can never be given more,
 * so asked limits are clamped to it rather than failing at setrlimit.
 */
export function hostHardLimit(
  resource: string,
  limitsText = readFileSync('/proc/self/limits', 'utf8'),
): number {
  const title = ROWS[resource];
  if (!title) return UNLIMITED;
  const row = limitsText.split('\n').find((line) => line.startsWith(title));
  const hard = row?.slice(26).trim().split(/\s+/)[1];
  if (hard === undefined || hard === 'unlimited') return UNLIMITED;
  return Number(hard);
}
