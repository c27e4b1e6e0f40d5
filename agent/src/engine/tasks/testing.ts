import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultSpec } from '../oci/defaults.ts';
import type { RuntimeSpecInput } from '../oci/spec.ts';
import type { CreateTaskOptions, Runtime } from './runtime.ts';

const BUSYBOX = '/bin/busybox';

/**
 * A scratch area for tests that start real containers: a busybox rootfs as
 * the overlay's lower layer, per-container upper/work/merged dirs, a tasks
 * dir. Everything lives under one `berthtest-` temp dir; cleanup() removes it
 * and unmounts anything left mounted below it.
 */
export class TestBed {
  readonly root = mkdtempSync(join(tmpdir(), 'berthtest-'));
  readonly rootfs = join(this.root, 'rootfs');
  readonly tasksDir = join(this.root, 'tasks');

  constructor() {
    mkdirSync(join(this.rootfs, 'bin'), { recursive: true });
    mkdirSync(join(this.rootfs, 'etc'));
    mkdirSync(join(this.rootfs, 'tmp'));
    mkdirSync(this.tasksDir);
    copyFileSync(BUSYBOX, join(this.rootfs, 'bin/busybox'));
    chmodSync(join(this.rootfs, 'bin/busybox'), 0o755);
    const applets = execFileSync(BUSYBOX, ['--list'], { encoding: 'utf8' }).split('\n');
    for (const a of applets) if (a && a !== 'busybox') symlinkSync('busybox', join(this.rootfs, 'bin', a));
    writeFileSync(join(this.rootfs, 'etc/passwd'), 'root:x:0:0:root:/root:/bin/sh\n', { mode: 0o644 });
  }

  /** options for Runtime.run/create: overlay dirs of a new container and Docker's default spec */
  container(
    id: string,
    args: string[],
    spec: Partial<RuntimeSpecInput> = {},
  ): CreateTaskOptions & { logPath: string; dir: string } {
    const dir = join(this.root, 'containers', id);
    for (const d of ['upper', 'work', 'merged']) mkdirSync(join(dir, d), { recursive: true });
    const merged = join(dir, 'merged');
    return {
      dir,
      logPath: join(dir, `${id}-json.log`),
      spec: { ...defaultSpec({ args, rootPath: merged, hostname: id }), ...spec },
      overlay: {
        target: merged,
        options: [
          `lowerdir=${this.rootfs}`,
          `upperdir=${join(dir, 'upper')}`,
          `workdir=${join(dir, 'work')}`,
        ],
      },
      log: { path: join(dir, `${id}-json.log`) },
    };
  }

  /** mount points left under the test bed (should be none) */
  leftoverMounts(): string[] {
    return readFileSync('/proc/self/mountinfo', 'utf8')
      .split('\n')
      .map((l) => l.split(' ')[4] ?? '')
      .filter((p) => p.startsWith(this.root));
  }

  cleanup(): void {
    for (const m of this.leftoverMounts().reverse()) {
      try {
        execFileSync('umount', ['-l', m]);
      } catch {
        // already gone
      }
    }
    rmSync(this.root, { recursive: true, force: true });
  }
}

/** the `log` texts of a json-file log, per stream */
export function readLog(path: string): { stdout: string[]; stderr: string[] } {
  const out = { stdout: [] as string[], stderr: [] as string[] };
  let text = '';
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return out;
  }
  for (const line of text.split('\n')) {
    if (!line) continue;
    const rec = JSON.parse(line) as { log: string; stream: 'stdout' | 'stderr' };
    out[rec.stream].push(rec.log);
  }
  return out;
}

/** A suite's end: every task of its own Runtime killed, waited for and deleted, by recorded pids. */
export async function removeTasks(rt: Runtime): Promise<void> {
  for (const t of await rt.list()) {
    if (t.status !== 'stopped') await rt.kill(t.id, 'SIGKILL').catch(() => {});
    await rt.wait(t.id).catch(() => {});
    await rt.delete(t.id, { force: true }).catch(() => {});
  }
}
