import { execFile, spawn } from 'node:child_process';
import { randomBytes, randomInt } from 'node:crypto';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * Another machine for tests: a network namespace `berthtest-…` joined to the
 * host by a veth pair on its own /30 of 10.239.0.0/16. remove() takes both away.
 */
export class TestHost {
  private constructor(
    readonly netns: string,
    readonly hostIf: string,
    /** the host's address on the link */
    readonly hostAddress: string,
    /** this test host's own address */
    readonly address: string,
  ) {}

  static async create(): Promise<TestHost> {
    const tag = randomBytes(3).toString('hex');
    const base = randomInt(0, 16384) * 4;
    const net = `10.239.${base >> 8}.${base & 255}`;
    const [a, b, c] = net.split('.');
    const hostAddress = `${a}.${b}.${c}.${(base & 255) + 1}`;
    const address = `${a}.${b}.${c}.${(base & 255) + 2}`;
    const host = new TestHost(`berthtest-${tag}`, `berthtest${tag}`, hostAddress, address);
    await run('ip', ['netns', 'add', host.netns]);
    try {
      await run('ip', [
        'link',
        'add',
        host.hostIf,
        'type',
        'veth',
        'peer',
        'name',
        'eth0',
        'netns',
        host.netns,
      ]);
      await run('ip', ['addr', 'replace', `${hostAddress}/30`, 'dev', host.hostIf]);
      await run('ip', ['link', 'set', host.hostIf, 'up']);
      await host.exec(['ip', 'link', 'set', 'lo', 'up']);
      await host.exec(['ip', 'addr', 'add', `${address}/30`, 'dev', 'eth0']);
      await host.exec(['ip', 'link', 'set', 'eth0', 'up']);
      await host.exec(['ip', 'route', 'add', 'default', 'via', hostAddress]);
    } catch (err) {
      await host.remove();
      throw err;
    }
    return host;
  }

  /** Runs a command inside the test host; resolves with its stdout. */
  async exec(args: string[], timeoutMs = 10_000): Promise<string> {
    const { stdout } = await run('ip', ['netns', 'exec', this.netns, ...args], { timeout: timeoutMs });
    return stdout;
  }

  /** Starts a long-running process inside the test host; the caller kills it by the pid it got. */
  spawn(args: string[]) {
    return spawn('ip', ['netns', 'exec', this.netns, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  }

  async remove(): Promise<void> {
    await run('ip', ['link', 'del', this.hostIf]).catch(() => {});
    await run('ip', ['netns', 'del', this.netns]).catch(() => {});
  }
}
