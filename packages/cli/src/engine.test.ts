import assert from 'node:assert/strict';
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { suiteAgent } from '../../../agent/src/docker-api/testing/agent-under-test.ts';
import { busyboxArchive, busyboxRootfs } from '../../../agent/src/engine/images/testing/busybox-image.ts';

const BIN = join(import.meta.dirname, '..', 'bin', 'berth');

interface Run {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  done: Promise<number | null>;
}

describe('berth engine against a real agent socket', () => {
  const { agent } = suiteAgent();

  function start(args: string[], input?: string): Run {
    const child = spawn(BIN, ['engine', '--socket', agent().socket, ...args], {
      env: { PATH: process.env.PATH ?? '' },
      stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    child.stdin?.end(input);
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d) => {
      stdout += d;
    });
    child.stderr!.on('data', (d) => {
      stderr += d;
    });
    const done = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    return { child, stdout: () => stdout, stderr: () => stderr, done };
  }

  async function berth(...args: string[]) {
    const r = start(args);
    const code = await r.done;
    return { code, stdout: r.stdout(), stderr: r.stderr() };
  }

  async function until(what: string, check: () => boolean): Promise<void> {
    for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 50));
    assert.ok(check(), `timed out waiting for ${what}`);
  }

  test('load -i reads a docker-save and an OCI-layout tarball, images lists them', async () => {
    const file = join(agent().dir, 'berthtest-image.tar');
    writeFileSync(file, busyboxArchive({ tag: 'berthtest/loaded:v1' }).archive);
    const loaded = await berth('load', '-i', file);
    assert.equal(loaded.code, 0, loaded.stderr);
    assert.match(loaded.stdout, /Loaded image: berthtest\/loaded:v1/);
    const listed = await berth('images');
    assert.equal(listed.code, 0, listed.stderr);
    assert.match(listed.stdout, /^REPOSITORY\s+TAG\s+IMAGE ID\s+CREATED\s+SIZE/);
    assert.match(listed.stdout, /\nberthtest\/loaded\s+v1\s+[0-9a-f]{12}\s/);
    assert.match(listed.stdout, /\nbusybox\s+latest\s+[0-9a-f]{12}\s/);

    const oci = join(agent().dir, 'berthtest-oci.tar');
    writeFileSync(oci, busyboxArchive({ tag: 'berthtest/oci:v1', format: 'oci' }).archive);
    const fromOci = await berth('load', '-i', oci);
    assert.equal(fromOci.code, 0, fromOci.stderr);
    assert.match(fromOci.stdout, /Loaded image: berthtest\/oci:v1/);
    assert.match((await berth('images')).stdout, /\nberthtest\/oci\s+v1\s/);
  });

  test('import makes a one-layer image of a rootfs tarball; tag and rmi name and unname it', async () => {
    const file = join(agent().dir, 'berthtest-rootfs.tar');
    writeFileSync(file, busyboxRootfs());
    const imported = await berth('import', file, 'berthtest/imported:v2');
    assert.equal(imported.code, 0, imported.stderr);
    assert.match(imported.stdout, /^sha256:[0-9a-f]{64}\n$/);
    const ran = await berth('run', '--rm', 'berthtest/imported:v2', 'echo', 'from-import');
    assert.equal(ran.code, 0, ran.stderr);
    assert.equal(ran.stdout, 'from-import\n');
    assert.equal((await berth('tag', 'berthtest/imported:v2', 'berthtest/again:v3')).code, 0);
    assert.match((await berth('images')).stdout, /\nberthtest\/again\s+v3\s/);
    const removed = await berth('rmi', 'berthtest/again:v3');
    assert.equal(removed.stdout, 'Untagged: berthtest/again:v3\n');
    assert.doesNotMatch((await berth('images')).stdout, /berthtest\/again/);
  });

  test('run in the foreground streams stdout and stderr apart and exits with the container’s code', async () => {
    const ran = await berth('run', '--rm', 'busybox', 'sh', '-c', 'echo to-out; echo to-err >&2; exit 3');
    assert.equal(ran.code, 3, ran.stderr);
    assert.equal(ran.stdout, 'to-out\n');
    assert.equal(ran.stderr, 'to-err\n');
    const piped = start(['run', '--rm', '-i', 'busybox', 'sh', '-c', 'cat; exit 4'], 'through stdin\n');
    assert.equal(await piped.done, 4, piped.stderr());
    assert.equal(piped.stdout(), 'through stdin\n');
    const trapping = start([
      'run',
      '--rm',
      'busybox',
      'sh',
      '-c',
      'trap "echo got-int; exit 130" INT; echo ready; while true; do sleep 0.1; done',
    ]);
    await until('the trap to be set', () => trapping.stdout().includes('ready\n'));
    trapping.child.kill('SIGINT');
    assert.equal(await trapping.done, 130, 'SIGINT went to the container, which chose its exit');
    assert.equal(trapping.stdout(), 'ready\ngot-int\n');

    const all = await berth('ps', '-a', '-q');
    assert.equal(all.stdout, '', '--rm removed the containers');
  });

  test('run -d, ps, logs -f sees a later line, exec output and exit code, stop, rm', async () => {
    const script = 'echo first; while [ ! -f /tmp/go ]; do sleep 0.1; done; echo later; exec sleep 1000';
    const ran = await berth('run', '-d', '--name', 'berthtest-web', 'busybox', 'sh', '-c', script);
    assert.equal(ran.code, 0, ran.stderr);
    const id = ran.stdout.trim();
    assert.match(id, /^[0-9a-f]{64}$/);

    const ps = await berth('ps');
    assert.match(ps.stdout, /^CONTAINER ID\s+IMAGE\s+COMMAND\s+CREATED\s+STATUS\s+PORTS\s+NAMES/);
    assert.match(ps.stdout, new RegExp(`\\n${id.slice(0, 12)}\\s+busybox\\s+.*Up .*berthtest-web`));

    const follow = start(['logs', '-f', 'berthtest-web']);
    await until('the first line', () => follow.stdout().includes('first\n'));
    assert.ok(!follow.stdout().includes('later'));
    const touched = await berth('exec', 'berthtest-web', 'touch', '/tmp/go');
    assert.equal(touched.code, 0, touched.stderr);
    await until('the later line', () => follow.stdout().includes('later\n'));

    const exec = await berth(
      'exec',
      'berthtest-web',
      'sh',
      '-c',
      'echo from-exec; echo exec-err >&2; exit 5',
    );
    assert.equal(exec.code, 5);
    assert.equal(exec.stdout, 'from-exec\n');
    assert.equal(exec.stderr, 'exec-err\n');

    const piped = start(['exec', '-i', 'berthtest-web', 'tr', 'a-z', 'A-Z'], 'shout\n');
    assert.equal(await piped.done, 0, piped.stderr());
    assert.equal(piped.stdout(), 'SHOUT\n');

    const stopped = await berth('stop', '-t', '1', 'berthtest-web');
    assert.equal(stopped.code, 0, stopped.stderr);
    assert.equal(stopped.stdout, 'berthtest-web\n');
    assert.equal(await follow.done, 0, 'logs -f ends when the container stops');
    assert.equal(follow.stdout(), 'first\nlater\n');

    assert.equal((await berth('ps', '-q')).stdout, '');
    assert.match((await berth('ps', '-a')).stdout, /Exited \(137\).*berthtest-web/);
    const removed = await berth('rm', 'berthtest-web');
    assert.equal(removed.code, 0, removed.stderr);
    assert.equal((await berth('ps', '-a', '-q')).stdout, '');
  });

  test('exec -t gets a terminal (run under a pseudo-terminal, as a user at one)', async () => {
    const ran = await berth('run', '-d', '--name', 'berthtest-tty', 'busybox', 'sleep', '1000');
    assert.equal(ran.code, 0, ran.stderr);
    const command = `${BIN} engine --socket ${agent().socket} exec -t berthtest-tty tty`;
    const script = spawn('script', ['-qec', command, '/dev/null'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    script.stdout.on('data', (d) => {
      out += d;
    });
    const code = await new Promise((resolve) => script.on('close', resolve));
    assert.equal(code, 0, out);
    assert.match(out, /^\/dev\/pts\/\d+\r*\n/);
    const withoutTty = await berth('exec', 'berthtest-tty', 'tty');
    assert.equal(withoutTty.code, 1);
    assert.equal(withoutTty.stdout, 'not a tty\n');
    assert.equal((await berth('rm', '-f', 'berthtest-tty')).code, 0);
  });

  test('volume create, ls, a container writes into it, rm', async () => {
    assert.equal((await berth('volume', 'create', 'berthtest-vol')).stdout, 'berthtest-vol\n');
    assert.match((await berth('volume', 'ls')).stdout, /^DRIVER\s+VOLUME NAME\nlocal\s+berthtest-vol\n/);
    const wrote = await berth(
      'run',
      '--rm',
      '-v',
      'berthtest-vol:/data',
      'busybox',
      'sh',
      '-c',
      'echo kept > /data/f',
    );
    assert.equal(wrote.code, 0, wrote.stderr);
    const read = await berth('run', '--rm', '-v', 'berthtest-vol:/data:ro', 'busybox', 'cat', '/data/f');
    assert.equal(read.stdout, 'kept\n');
    assert.equal((await berth('volume', 'rm', 'berthtest-vol')).code, 0);
    assert.equal((await berth('volume', 'ls', '-q')).stdout, '');
  });

  test('top, diff, stats, pause, rename, kill, wait, commit, export, events of a running container', async () => {
    const ran = await berth(
      'run',
      '-d',
      '--name',
      'berthtest-life',
      '--memory',
      '64m',
      'busybox',
      'sleep',
      '1000',
    );
    assert.equal(ran.code, 0, ran.stderr);
    assert.match((await berth('top', 'berthtest-life')).stdout, /^UID\s+PID\s+PPID.*CMD\n.*sleep 1000\n/);
    assert.equal((await berth('exec', 'berthtest-life', 'sh', '-c', 'echo x > /added')).code, 0);
    assert.match((await berth('diff', 'berthtest-life')).stdout, /^A \/added$/m);
    const stats = await berth('stats', '--no-stream', 'berthtest-life');
    assert.match(stats.stdout, /^CONTAINER ID\s+NAME\s+CPU %\s+MEM USAGE \/ LIMIT\s+MEM %\s+PIDS\n/);
    assert.match(stats.stdout, /berthtest-life\s+[\d.]+%\s+[\d.]+k?B \/ 67\.109MB\s+[\d.]+%\s+1\n/);
    assert.equal((await berth('pause', 'berthtest-life')).code, 0);
    assert.match((await berth('ps')).stdout, /\(Paused\).*berthtest-life/);
    assert.equal((await berth('unpause', 'berthtest-life')).code, 0);
    assert.equal((await berth('rename', 'berthtest-life', 'berthtest-life2')).code, 0);
    const waiting = start(['wait', 'berthtest-life2']);
    assert.equal((await berth('kill', '-s', 'KILL', 'berthtest-life2')).code, 0);
    assert.equal(await waiting.done, 137);
    assert.equal(waiting.stdout(), '137\n');
    const committed = await berth('commit', 'berthtest-life2', 'berthtest/committed:c1');
    assert.match(committed.stdout, /^sha256:[0-9a-f]{64}\n$/);
    const cat = await berth('run', '--rm', 'berthtest/committed:c1', 'cat', '/added');
    assert.equal(cat.stdout, 'x\n');
    const tar = join(agent().dir, 'berthtest-export.tar');
    assert.equal((await berth('export', '-o', tar, 'berthtest-life2')).code, 0);
    const listing = spawnSync('tar', ['-tf', tar], { encoding: 'utf8' }).stdout.split('\n');
    assert.ok(listing.includes('added'), 'the export holds the file the container wrote');
    assert.equal((await berth('rm', 'berthtest-life2')).code, 0);
    const events = await berth('events', '--since', '0', '--until', String(Math.ceil(Date.now() / 1000) + 1));
    assert.equal(events.code, 0, events.stderr);
    for (const action of ['create', 'start', 'pause', 'unpause', 'rename', 'kill', 'die', 'destroy']) {
      assert.match(
        events.stdout,
        new RegExp(`container ${action} [0-9a-f]{64} \\(.*name=berthtest-life`),
        action,
      );
    }
    assert.match(events.stdout, /image commit sha256:[0-9a-f]{64} \(name=berthtest\/committed:c1\)/);
  });

  test('bad input: the agent’s message, docker run’s exit statuses, nothing created', async () => {
    // a registry on a loopback port nothing listens on: the pull is tried and fails at once
    const unknown = await berth('run', '127.0.0.1:1/berthtest/nosuch:latest', 'true');
    assert.equal(unknown.code, 125, 'as docker run: 125 when the run never started');
    assert.match(
      unknown.stderr,
      /^Unable to find image '127\.0\.0\.1:1\/berthtest\/nosuch:latest' locally$/m,
    );
    assert.match(unknown.stderr, /^berth: Error response from agent: .*127\.0\.0\.1:1.*connection refused/m);
    const noCommand = await berth('run', '--rm', 'busybox', 'berthtest-no-such-command');
    assert.equal(noCommand.code, 127, 'as docker run: 127 for a command that is not there');
    assert.match(noCommand.stderr, /executable file not found/);

    const first = await berth('create', '--name', 'berthtest-taken', 'busybox', 'true');
    assert.equal(first.code, 0, first.stderr);
    const taken = await berth('run', '-d', '--name', 'berthtest-taken', 'busybox', 'true');
    assert.equal(taken.code, 125);
    assert.match(
      taken.stderr,
      /^berth: Error response from agent: .*"?\/?berthtest-taken"? .*(in use|already)/,
    );
    const named = (await berth('ps', '-a')).stdout.split('\n').filter((l) => l.endsWith(' berthtest-taken'));
    assert.deepEqual(
      named.map((l) => l.slice(0, 12)),
      [first.stdout.trim().slice(0, 12)],
      'the refused run created nothing',
    );

    const missing = await berth('load', '-i', join(agent().dir, 'berthtest-missing.tar'));
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /^berth: cannot read the archive: ENOENT/);
    const wrongFlag = await berth('start', '-f', 'berthtest-taken');
    assert.equal(wrongFlag.code, 1);
    assert.match(wrongFlag.stderr, /Unknown option '-f'/);

    const badMemory = await berth('run', '--memory', 'lots', 'busybox', 'true');
    assert.equal(badMemory.code, 125);
    assert.match(badMemory.stderr, /invalid --memory/);

    const none = join(agent().dir, 'berthtest-none.sock');
    const unreachable = spawnSync(BIN, ['engine', 'ps'], {
      encoding: 'utf8',
      env: { PATH: process.env.PATH ?? '', BERTH_SOCKET: none },
    });
    assert.equal(unreachable.status, 1);
    assert.equal(
      unreachable.stderr,
      `berth: cannot reach the agent at ${none}: connect ENOENT ${none} (is berth-agent running?)\n`,
    );
  });
});
