import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { HostCgroupManager } from '../cgroups/index.ts';
import { EngineError } from '../errors.ts';
import type { ContainerRecord } from './record.ts';

const run = promisify(execFile);

/** `docker top`: the host's `ps` output, only the rows of the container's cgroup. */
export async function containerProcesses(
  cgroups: HostCgroupManager,
  record: ContainerRecord,
  psArgs = '-ef',
): Promise<{ titles: string[]; processes: string[][] }> {
  if (record.state.status !== 'running' && record.state.status !== 'paused')
    throw new EngineError('conflict', `container ${record.id} is not running`);
  const cgroup = await cgroups.open(record.id);
  const pids = new Set((await cgroup?.pids()) ?? []);
  const args = (psArgs || '-ef').split(/\s+/).filter(Boolean);
  const { stdout } = await run('ps', args, { maxBuffer: 16 * 1024 * 1024 });
  const [header = '', ...rows] = stdout.trimEnd().split('\n');
  const titles = header.trim().split(/\s+/);
  const pidColumn = titles.indexOf('PID');
  if (pidColumn < 0) throw new EngineError('invalid', `ps ${args.join(' ')} prints no PID column`);
  const processes = rows
    .map((row) => {
      const cells = row.trim().split(/\s+/);
      return [...cells.slice(0, titles.length - 1), cells.slice(titles.length - 1).join(' ')];
    })
    .filter((cells) => pids.has(Number(cells[pidColumn])));
  return { titles, processes };
}
