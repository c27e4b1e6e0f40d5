import { spawn } from 'node:child_process';
import { EngineError } from '../errors.ts';

/**
 * Queues the filesystem calls Node has no API for (mknod, trusted.* xattrs)
 * and runs them in ONE `berth-runtime fsops ROOT` process, whose input format
 * is documented in agent/native/src/fsops.c. Paths are relative to ROOT; the
 * helper resolves them without following symlinks or leaving ROOT.
 */
export class FsopsBatch {
  private readonly fields: string[] = [];
  private count = 0;

  constructor(
    private readonly root: string,
    private readonly helperPath: () => string,
  ) {}

  get size(): number {
    return this.count;
  }

  whiteout(path: string): void {
    this.push('whiteout', path);
  }

  opaque(path: string): void {
    this.push('opaque', path);
  }

  mknod(path: string, type: 'c' | 'b' | 'p', major: number, minor: number, mode: number): void {
    this.push('mknod', path, type, String(major), String(minor), (mode & 0o7777).toString(8));
  }

  setxattr(path: string, name: string, value: Uint8Array): void {
    this.push('setxattr', path, name, Buffer.from(value).toString('hex'));
  }

  /** Runs the queued operations; a no-op (no spawn) when nothing is queued. */
  async run(): Promise<void> {
    if (this.count === 0) return;
    await runHelper(this.helperPath(), this.root, this.encode());
    this.fields.length = 0;
    this.count = 0;
  }

  private push(...fields: string[]): void {
    for (const f of fields) {
      if (f.includes('\0')) throw new EngineError('invalid', `NUL byte in ${JSON.stringify(f)}`);
    }
    this.fields.push(...fields);
    this.count++;
  }

  private encode(): Buffer {
    return Buffer.from(`${this.fields.join('\0')}\0`);
  }
}

/** Directories under `path` (relative to root) that carry trusted.overlay.opaque=y, relative to root. */
export async function scanOpaqueDirs(helperPath: string, root: string, path = ''): Promise<string[]> {
  const out = await runHelper(helperPath, root, Buffer.from(`scan-opaque\0${path}\0`));
  return out
    .toString('utf8')
    .split('\0')
    .filter((p) => p !== '')
    .map((p) => (p === '.' ? '' : p));
}

function runHelper(helper: string, root: string, input: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = spawn(helper, ['fsops', root], { stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', (e) =>
      reject(new EngineError('unavailable', `cannot run ${helper}: ${e.message}`, { cause: e })),
    );
    child.on('close', (code) => {
      if (code === 0) return resolve(Buffer.concat(out));
      const msg = Buffer.concat(err).toString('utf8').trim() || `exit status ${code}`;
      reject(new EngineError('internal', msg));
    });
    child.stdin.on('error', () => {}); // the exit status carries the real failure
    child.stdin.end(input);
  });
}
