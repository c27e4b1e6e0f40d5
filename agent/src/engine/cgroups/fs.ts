import { access, type FileHandle, mkdir, open, readdir, readFile, rmdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { EngineError } from '../errors.ts';

/** Values at or above this in a v1 `*_in_bytes` file mean "no limit" (the kernel rounds LONG_MAX to a page). */
export const V1_UNLIMITED = 2 ** 62;

function errno(err: unknown): string | undefined {
  return (err as NodeJS.ErrnoException | undefined)?.code;
}

export async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

export async function readText(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    if (errno(err) === 'ENOENT')
      throw new EngineError('unavailable', `cgroup file ${path} is missing`, { cause: err });
    throw new EngineError('internal', `reading ${path}: ${(err as Error).message}`, { cause: err });
  }
}

/** Reads a file that may legitimately be absent (older kernels, missing controller). */
export async function readOptional(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    if (errno(err) === 'ENOENT') return undefined;
    throw new EngineError('internal', `reading ${path}: ${(err as Error).message}`, { cause: err });
  }
}

export async function readNumber(path: string): Promise<number> {
  const text = (await readText(path)).trim();
  if (text === 'max') return Number.POSITIVE_INFINITY;
  const n = Number(text);
  if (!Number.isFinite(n))
    throw new EngineError('internal', `${path}: unexpected content ${JSON.stringify(text)}`);
  return n;
}

/**
 * The kernel answers a bad value with EINVAL and a limit it cannot meet (memory
 * below usage on v1) with EBUSY: both are the caller's limit, so 'invalid'.
 */
export async function writeText(path: string, value: string, what = 'limit'): Promise<void> {
  try {
    await writeFile(path, value);
  } catch (err) {
    const code = errno(err);
    if (code === 'ENOENT') {
      throw new EngineError('unavailable', `cannot set ${what}: ${path} does not exist on this host`, {
        cause: err,
      });
    }
    if (code === 'EINVAL' || code === 'EBUSY' || code === 'ERANGE') {
      throw new EngineError(
        'invalid',
        `the kernel refused ${what} ${JSON.stringify(value)} in ${path} (${code})`,
        {
          cause: err,
        },
      );
    }
    throw new EngineError('internal', `writing ${path}: ${(err as Error).message}`, { cause: err });
  }
}

/** Several values to one file, one write(2) each (devices.allow takes one rule per write). */
export async function writeEach(path: string, values: string[], what: string): Promise<void> {
  let fh: FileHandle | undefined;
  try {
    fh = await open(path, 'w');
    for (const v of values) await fh.write(v);
  } catch (err) {
    const code = errno(err);
    if (code === 'ENOENT')
      throw new EngineError('unavailable', `cannot set ${what}: ${path} does not exist`, { cause: err });
    if (code === 'EINVAL' || code === 'EPERM') {
      throw new EngineError('invalid', `the kernel refused a ${what} in ${path} (${code})`, { cause: err });
    }
    throw new EngineError('internal', `writing ${path}: ${(err as Error).message}`, { cause: err });
  } finally {
    await fh?.close().catch(() => undefined);
  }
}

/** `key value` lines (memory.stat, cpu.stat, memory.events, cgroup.events, oom_control). */
export function parseFlatKeyed(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    const [k, v] = line.trim().split(/\s+/);
    if (k && v !== undefined) out.set(k, Number(v));
  }
  return out;
}

export async function readFlatKeyed(path: string): Promise<Map<string, number>> {
  return parseFlatKeyed(await readText(path));
}

export async function readPids(procsFile: string): Promise<number[]> {
  const text = await readOptional(procsFile);
  if (text === undefined) return [];
  return text
    .split('\n')
    .filter((l) => l !== '')
    .map(Number);
}

/** mkdir that reports an existing directory as 'conflict' (a name is taken). */
export async function mkdirExclusive(dir: string): Promise<void> {
  try {
    await mkdir(dir);
  } catch (err) {
    if (errno(err) === 'EEXIST')
      throw new EngineError('conflict', `cgroup ${dir} already exists`, { cause: err });
    if (errno(err) === 'ENOENT')
      throw new EngineError('unavailable', `cgroup parent of ${dir} is missing`, { cause: err });
    throw new EngineError('internal', `creating ${dir}: ${(err as Error).message}`, { cause: err });
  }
}

/** mkdir that tolerates a concurrent creator; returns whether this call made it. */
export async function mkdirShared(dir: string): Promise<boolean> {
  try {
    await mkdir(dir);
    return true;
  } catch (err) {
    if (errno(err) === 'EEXIST') return false;
    throw new EngineError('internal', `creating ${dir}: ${(err as Error).message}`, { cause: err });
  }
}

async function subdirs(dir: string): Promise<string[]> {
  try {
    const entries = await readdir(dir, { withFileTypes: true });
    return entries.filter((e) => e.isDirectory()).map((e) => join(dir, e.name));
  } catch (err) {
    if (errno(err) === 'ENOENT') return [];
    throw err;
  }
}

/**
 * Removes a cgroup directory and any children a container made inside it.
 * rmdir fails with EBUSY while the kernel still counts exiting tasks, so retry
 * for a while before giving up.
 */
export async function removeTree(dir: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  // most cgroups have no children: look for them only when the kernel says there are some
  let childrenGone = false;
  for (;;) {
    try {
      await rmdir(dir);
      return;
    } catch (err) {
      const code = errno(err);
      if (code === 'ENOENT') return;
      if (!childrenGone && (code === 'EBUSY' || code === 'ENOTEMPTY')) {
        for (const child of await subdirs(dir)) await removeTree(child, timeoutMs);
        childrenGone = true;
        continue;
      }
      if (code !== 'EBUSY' || Date.now() > deadline) {
        throw new EngineError('internal', `removing cgroup ${dir}: ${(err as Error).message}`, {
          cause: err,
        });
      }
      await sleep(10);
    }
  }
}

/** Polls `check` until it holds; false when the time ran out. */
export async function waitFor(
  check: () => Promise<boolean>,
  timeoutMs: number,
  stepMs = 5,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return true;
    if (Date.now() > deadline) return false;
    await sleep(stepMs);
  }
}
