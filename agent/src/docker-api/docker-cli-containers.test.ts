import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { suiteAgent } from './testing/agent-under-test.ts';

/** The real docker CLI 28 against a real Berth agent: what a Docker user types, what they see. */
describe('docker CLI: containers', () => {
  const { agent, docker } = suiteAgent();

  test('run prints the output and propagates the exit code', async () => {
    const hello = await docker('run', '--rm', 'busybox', 'echo', 'hello from berth');
    assert.equal(hello.code, 0, hello.stderr);
    assert.equal(hello.stdout, 'hello from berth\n');
    const three = await docker('run', '--rm', 'busybox', 'sh', '-c', 'exit 3');
    assert.equal(three.code, 3);
    const list = await docker('ps', '-aq');
    assert.equal(list.stdout, '', '--rm removed both containers');
  });

  test('run options: env, workdir, user, hostname, entrypoint, labels', async () => {
    const envFile = join(agent().dir, 'env.list');
    await writeFile(envFile, 'FROM_FILE=yes\n');
    const r = await docker(
      'run',
      '--rm',
      '-e',
      'GREETING=hi',
      '--env-file',
      envFile,
      '-w',
      '/tmp',
      '-u',
      '1234:5678',
      '-h',
      'berthtest-host',
      '--entrypoint',
      'sh',
      'busybox',
      '-c',
      'echo $GREETING $FROM_FILE; pwd; id -u; id -g; hostname',
    );
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'hi yes\n/tmp\n1234\n5678\nberthtest-host\n');
  });

  test('a missing command fails like Docker: exit 127 and the reason', async () => {
    const r = await docker('run', '--rm', 'busybox', 'berthtest-no-such-command');
    assert.equal(r.code, 127);
    assert.match(r.stderr, /executable file not found in \$PATH/);
    await docker('run', '-d', '--name', 'berthtest-nocmd', 'busybox', 'sleep', '300');
    for (const flags of [[], ['-t']]) {
      const e = await docker('exec', ...flags, 'berthtest-nocmd', 'berthtest-no-such-command');
      assert.equal(e.code, 127, `exec ${flags.join(' ')}`);
      assert.match(
        e.stdout + e.stderr,
        /executable file not found in \$PATH/,
        `exec ${flags.join(' ')} says why`,
      );
    }
    await docker('rm', '-f', 'berthtest-nocmd');
  });

  test('detached containers: ps, filters, formats, logs, stop, start, rm', async () => {
    const run = await docker(
      'run',
      '-d',
      '--name',
      'berthtest-web',
      '-l',
      'tier=web',
      'busybox',
      'sh',
      '-c',
      'echo started; echo warn >&2; sleep 300',
    );
    assert.equal(run.code, 0, run.stderr);
    const id = run.stdout.trim();
    assert.match(id, /^[0-9a-f]{64}$/);

    const ps = await docker('ps');
    assert.match(ps.stdout, /^CONTAINER ID\s+IMAGE\s+COMMAND\s+CREATED\s+STATUS\s+PORTS\s+NAMES$/m);
    assert.match(
      ps.stdout,
      new RegExp(`^${id.slice(0, 12)}\\s+busybox\\s+"sh -c echo started;…"\\s+.*Up .*berthtest-web$`, 'm'),
    );
    assert.equal((await docker('ps', '-q', '--no-trunc', '--filter', 'label=tier=web')).stdout.trim(), id);
    assert.equal((await docker('ps', '-q', '--filter', 'label=tier=db')).stdout, '');
    assert.equal((await docker('ps', '--format', '{{.Names}} {{.Image}}')).stdout, 'berthtest-web busybox\n');

    await new Promise((r) => setTimeout(r, 300));
    const logs = await docker('logs', 'berthtest-web');
    assert.equal(logs.stdout, 'started\n');
    assert.equal(logs.stderr, 'warn\n');
    const stamped = await docker('logs', '-t', '--tail', '1', 'berthtest-web');
    assert.match(stamped.stdout + stamped.stderr, /^\d{4}-\d\d-\d\dT[\d:.]+Z (started|warn)\n$/);

    const stop = await docker('stop', '-t', '1', 'berthtest-web');
    assert.equal(stop.code, 0, stop.stderr);
    assert.equal(stop.stdout, 'berthtest-web\n');
    assert.match((await docker('ps', '-a', '--filter', 'name=berthtest-web')).stdout, /Exited \(137\)/);
    assert.match(
      (await docker('rm', 'berthtest-web', 'berthtest-nope')).stderr,
      /No such container: berthtest-nope/,
    );
    assert.equal((await docker('ps', '-aq')).stdout, '');
  });

  test('errors read as Docker’s: running rm, start of a started container, taken names', async () => {
    await docker('run', '-d', '--name', 'berthtest-busy', 'busybox', 'sleep', '300');
    const rm = await docker('rm', 'berthtest-busy');
    assert.equal(rm.code, 1);
    assert.match(
      rm.stderr,
      /cannot remove container "\/berthtest-busy": container is running: stop the container before removing or force remove/,
    );
    const taken = await docker('run', '-d', '--name', 'berthtest-busy', 'busybox', 'true');
    assert.equal(taken.code, 125);
    assert.match(taken.stderr, /Conflict\. The container name "\/berthtest-busy" is already in use/);
    assert.equal(
      (await docker('start', 'berthtest-busy')).code,
      0,
      'starting a running container is not an error',
    );
    assert.equal((await docker('rm', '-f', 'berthtest-busy')).code, 0);
  });

  test('exec: env, workdir, user, stdin, separate streams, exit codes, detach', async () => {
    await docker('run', '-d', '--name', 'berthtest-exec', 'busybox', 'sleep', '300');
    const e = await docker(
      'exec',
      '-e',
      'X=1',
      '-w',
      '/etc',
      '-u',
      '42',
      'berthtest-exec',
      'sh',
      '-c',
      'echo $X $(pwd) $(id -u); echo err >&2; exit 7',
    );
    assert.equal(e.code, 7);
    assert.equal(e.stdout, '1 /etc 42\n');
    assert.equal(e.stderr, 'err\n');
    const piped = await agent().docker(['exec', '-i', 'berthtest-exec', 'sh', '-c', 'tr a-z A-Z'], {
      input: 'shout\n',
    });
    assert.equal(piped.stdout, 'SHOUT\n');
    assert.equal(
      (await docker('exec', '-d', 'berthtest-exec', 'sh', '-c', 'echo detached > /tmp/d')).code,
      0,
    );
    await new Promise((r) => setTimeout(r, 300));
    assert.equal((await docker('exec', 'berthtest-exec', 'cat', '/tmp/d')).stdout, 'detached\n');
    const ps = await docker('exec', 'berthtest-exec', 'ps', '-o', 'pid,comm');
    assert.match(ps.stdout, /^\s*1 sleep$/m, 'the main process is PID 1');
    const top = await docker('top', 'berthtest-exec');
    assert.match(top.stdout, /^UID\s+PID\s+PPID\s+C\s+STIME\s+TTY\s+TIME\s+CMD\n.*sleep 300$/m);
    await docker('rm', '-f', 'berthtest-exec');
  });

  test('a terminal: run -it and exec -it get one', async () => {
    const r = await agent().docker(['run', '--rm', '-it', 'busybox', 'sh', '-c', 'tty; echo $((6*7))'], {
      tty: true,
    });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /\/dev\/pts\/\d+\r\n42\r\n/);
    await docker('run', '-d', '--name', 'berthtest-tty', 'busybox', 'sleep', '300');
    const e = await agent().docker(['exec', '-it', 'berthtest-tty', 'tty'], { tty: true });
    assert.match(e.stdout, /\/dev\/pts\/\d+/);
    await docker('rm', '-f', 'berthtest-tty');
  });

  test('restart policies: on-failure retries up to its count; a killed container stays down', async () => {
    await docker(
      'run',
      '-d',
      '--name',
      'berthtest-retry',
      '--restart',
      'on-failure:2',
      'busybox',
      'sh',
      '-c',
      'exit 3',
    );
    const inspect = (name: string) =>
      docker('inspect', '-f', '{{.State.Status}} {{.RestartCount}} {{.State.ExitCode}}', name);
    for (let i = 0; ; i++) {
      const state = (await inspect('berthtest-retry')).stdout.trim();
      if (state === 'exited 2 3') break;
      assert.ok(i < 100, `still ${state} after its retries`);
      await new Promise((r) => setTimeout(r, 100));
    }
    await docker('run', '-d', '--name', 'berthtest-always', '--restart', 'always', 'busybox', 'sleep', '300');
    assert.equal((await docker('kill', 'berthtest-always')).code, 0);
    assert.equal((await docker('wait', 'berthtest-always')).stdout, '137\n');
    // a restart would come after the backoff (100 ms and more): well past it, still down
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal((await inspect('berthtest-always')).stdout, 'exited 0 137\n');
    assert.equal((await docker('rm', 'berthtest-retry', 'berthtest-always')).code, 0);
  });

  test('pause, unpause, kill -s, wait, restart, rename', async () => {
    await docker(
      'run',
      '-d',
      '--name',
      'berthtest-life',
      'busybox',
      'sh',
      '-c',
      'trap "exit 42" USR1; while true; do sleep 0.1; done',
    );
    assert.equal((await docker('pause', 'berthtest-life')).code, 0);
    assert.match((await docker('ps', '--filter', 'name=berthtest-life')).stdout, /\(Paused\)/);
    assert.match((await docker('pause', 'berthtest-life')).stderr, /already paused/);
    assert.equal((await docker('unpause', 'berthtest-life')).code, 0);
    const waiting = docker('wait', 'berthtest-life');
    assert.equal((await docker('kill', '-s', 'USR1', 'berthtest-life')).code, 0);
    assert.equal((await waiting).stdout, '42\n');
    assert.equal((await docker('restart', '-t', '1', 'berthtest-life')).code, 0);
    assert.match((await docker('ps', '--filter', 'name=berthtest-life')).stdout, /Up /);
    assert.equal((await docker('rename', 'berthtest-life', 'berthtest-renamed')).code, 0);
    assert.equal(
      (await docker('inspect', '-f', '{{.Name}} {{.State.Status}} {{.RestartCount}}', 'berthtest-renamed'))
        .stdout,
      '/berthtest-renamed running 0\n',
    );
    await docker('rm', '-f', 'berthtest-renamed');
  });

  test('inspect shows the overlay dirs; diff and export show the container’s files', async () => {
    const run = await docker(
      'run',
      '--name',
      'berthtest-fs',
      'busybox',
      'sh',
      '-c',
      'echo data > /root/new; rm /etc/group',
    );
    assert.equal(run.code, 0, run.stderr);
    const graph = JSON.parse((await docker('inspect', '-f', '{{json .GraphDriver}}', 'berthtest-fs')).stdout);
    assert.equal(graph.Name, 'overlay2');
    for (const key of ['LowerDir', 'UpperDir', 'MergedDir', 'WorkDir'])
      assert.ok(graph.Data[key].startsWith('/'), key);
    assert.equal(await readFile(join(graph.Data.UpperDir, 'root/new'), 'utf8'), 'data\n');
    const diff = await docker('diff', 'berthtest-fs');
    assert.match(diff.stdout, /^A \/root\/new$/m);
    assert.match(diff.stdout, /^D \/etc\/group$/m);
    const out = await mkdtemp(join(tmpdir(), 'berthtest-export-'));
    try {
      const tar = join(out, 'fs.tar');
      assert.equal((await docker('export', '-o', tar, 'berthtest-fs')).code, 0);
      const { execFileSync } = await import('node:child_process');
      const names = execFileSync('tar', ['-tf', tar], { encoding: 'utf8' });
      assert.match(names, /^(\.\/)?root\/new$/m);
      assert.doesNotMatch(names, /^(\.\/)?etc\/group$/m);
    } finally {
      await rm(out, { recursive: true, force: true });
    }
    await docker('rm', 'berthtest-fs');
  });

  test('limits: memory OOM is reported, pids limit holds, update changes a running container', async () => {
    const oom = await docker(
      'run',
      '--name',
      'berthtest-oom',
      '-m',
      '32m',
      '--memory-swap',
      '32m',
      'busybox',
      'sh',
      '-c',
      'head -c 200m /dev/zero | tail > /dev/null',
    );
    assert.equal(oom.code, 137);
    assert.equal((await docker('inspect', '-f', '{{.State.OOMKilled}}', 'berthtest-oom')).stdout, 'true\n');
    const pids = await docker(
      'run',
      '--rm',
      '--pids-limit',
      '8',
      'busybox',
      'sh',
      '-c',
      'for i in $(seq 20); do sleep 5 & done 2>/dev/null; sleep 0.2; ps -o pid | wc -l',
    );
    assert.ok(Number(pids.stdout.trim()) <= 9, `at most 8 processes (+ header), saw ${pids.stdout}`);
    await docker('run', '-d', '--name', 'berthtest-upd', 'busybox', 'sleep', '300');
    assert.equal((await docker('update', '-m', '64m', '--memory-swap', '64m', 'berthtest-upd')).code, 0);
    assert.equal(
      (await docker('inspect', '-f', '{{.HostConfig.Memory}}', 'berthtest-upd')).stdout,
      `${64 * 1024 * 1024}\n`,
    );
    const stats = await docker(
      'stats',
      '--no-stream',
      '--format',
      '{{.Name}} {{.MemUsage}}',
      'berthtest-upd',
    );
    assert.match(stats.stdout, /^berthtest-upd [\d.]+[KMG]iB \/ 64MiB$/m);
    await docker('rm', '-f', 'berthtest-oom', 'berthtest-upd');
  });

  test('storage: bind mounts, named volumes with copy-up, tmpfs, read-only root', async () => {
    const host = await mkdtemp(join(tmpdir(), 'berthtest-bind-'));
    try {
      await writeFile(join(host, 'in.txt'), 'from host\n');
      const bind = await docker(
        'run',
        '--rm',
        '-v',
        `${host}:/data`,
        'busybox',
        'sh',
        '-c',
        'cat /data/in.txt; echo back > /data/out.txt',
      );
      assert.equal(bind.stdout, 'from host\n');
      assert.equal(await readFile(join(host, 'out.txt'), 'utf8'), 'back\n');
      const ro = await docker(
        'run',
        '--rm',
        '-v',
        `${host}:/data:ro`,
        'busybox',
        'sh',
        '-c',
        'touch /data/x',
      );
      assert.notEqual(ro.code, 0);
    } finally {
      await rm(host, { recursive: true, force: true });
    }
    const w = await docker(
      'run',
      '--rm',
      '-v',
      'berthtest-vol:/etc',
      'busybox',
      'sh',
      '-c',
      'test -f /etc/passwd && echo copied; echo kept > /etc/mine',
    );
    assert.equal(w.stdout, 'copied\n', 'a new volume gets the image’s files at its target');
    const r = await docker('run', '--rm', '-v', 'berthtest-vol:/v', 'busybox', 'cat', '/v/mine');
    assert.equal(r.stdout, 'kept\n');
    const tmpfs = await docker(
      'run',
      '--rm',
      '--read-only',
      '--tmpfs',
      '/scratch',
      'busybox',
      'sh',
      '-c',
      'echo ok > /scratch/f && cat /scratch/f; touch /nope 2>&1 || true',
    );
    assert.match(tmpfs.stdout, /^ok\n.*Read-only file system/s);
  });

  test('capabilities: cap-drop takes away, privileged gives all', async () => {
    const dropped = await docker('run', '--rm', '--cap-drop', 'CHOWN', 'busybox', 'chown', '1:1', '/tmp');
    assert.notEqual(dropped.code, 0);
    const caps = await docker(
      'run',
      '--rm',
      '--privileged',
      'busybox',
      'sh',
      '-c',
      'grep CapEff /proc/self/status',
    );
    // all the agent itself holds (a VM may lack some, e.g. CAP_SYS_RESOURCE here)
    const hostBounding = /^CapBnd:\s*([0-9a-f]+)$/m.exec(await readFile('/proc/self/status', 'utf8'))?.[1];
    assert.equal(caps.stdout, `CapEff:\t${hostBounding}\n`);
  });
  test('--init runs a reaping PID 1; --stop-signal and --stop-timeout are honoured', async () => {
    const init = await docker(
      'run',
      '--rm',
      '--init',
      'busybox',
      'sh',
      '-c',
      'ps -o pid,comm | grep " 1 "; exit 6',
    );
    assert.equal(init.code, 6);
    assert.match(init.stdout, /^\s*1 docker-init$/m);
    await docker(
      'run',
      '-d',
      '--name',
      'berthtest-sig',
      '--stop-signal',
      'USR1',
      '--stop-timeout',
      '30',
      'busybox',
      'sh',
      '-c',
      'trap "exit 9" USR1; while true; do sleep 0.1; done',
    );
    assert.equal((await docker('stop', 'berthtest-sig')).code, 0);
    // 9 is the trap's: the stop signal ended it, not a SIGKILL (137) after the timeout
    assert.equal((await docker('inspect', '-f', '{{.State.ExitCode}}', 'berthtest-sig')).stdout, '9\n');
    await docker('rm', 'berthtest-sig');
  });
  test('start -a -i, attach and logs -f follow a container to its end', async () => {
    await docker('create', '-i', '--name', 'berthtest-in', 'busybox', 'sh', '-c', 'read x; echo got $x');
    const started = await agent().docker(['start', '-a', '-i', 'berthtest-in'], { input: 'hello\n' });
    assert.equal(started.stdout, 'got hello\n');
    await docker(
      'run',
      '-d',
      '--name',
      'berthtest-follow',
      'busybox',
      'sh',
      '-c',
      'for i in 1 2 3; do echo line $i; sleep 0.3; done',
    );
    assert.equal((await docker('logs', '-f', 'berthtest-follow')).stdout, 'line 1\nline 2\nline 3\n');
    await docker(
      'run',
      '-d',
      '--name',
      'berthtest-attach',
      'busybox',
      'sh',
      '-c',
      'sleep 0.5; echo late; exit 4',
    );
    const attached = await docker('attach', 'berthtest-attach');
    assert.equal(attached.stdout, 'late\n');
    assert.equal(attached.code, 4);
    await docker('rm', 'berthtest-in', 'berthtest-follow', 'berthtest-attach');
  });
});
