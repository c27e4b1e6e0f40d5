/**
 * Keystroke echo round trip through a terminal session: client → control plane → agent link →
 * exec in the container → pty echo → back the same way. A Node client stands in for the browser
 * and speaks what the page speaks: `terminals.input` mutations (HTTP POST with the login cookie
 * and Origin) in, the `terminals.attach` subscription (server-sent events) out.
 *   node --import tsx bench/terminal-echo.ts [keystrokes]
 * Starts its own stack (e2e/stack.ts) on loopback, loads busybox (built from Debian's
 * busybox-static) with the docker CLI on the agent's socket, runs `cat` on a tty (the pty's echo
 * answers each key at once) and times 500 single keystrokes, one at a time.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { busyboxArchive } from '../agent/src/engine/images/testing/busybox-image.ts';
import { startStack } from '../e2e/stack.ts';
import { quantile, report } from './stats.ts';

const keystrokes = Number(process.argv[2] ?? 500);
const NAME = `berthbench-echo-${process.pid}`;
const stack = await startStack();
const scratch = mkdtempSync(join(tmpdir(), 'berthbench-echo-'));
const docker = (...args: string[]) =>
  execFileSync('docker', ['-H', `unix://${stack.dockerSocket}`, ...args], { encoding: 'utf8' }).trim();

async function trpc(path: string, input: unknown, cookie = ''): Promise<{ json: unknown; cookie: string }> {
  const res = await fetch(`${stack.url}/api/trpc/${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: stack.url, cookie },
    body: JSON.stringify(input),
  });
  if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  const setCookie = res.headers.get('set-cookie')?.split(';')[0] ?? cookie;
  return { json: ((await res.json()) as { result: { data: unknown } }).result.data, cookie: setCookie };
}

try {
  const archive = join(scratch, 'busybox.tar');
  writeFileSync(archive, busyboxArchive().archive);
  docker('load', '-i', archive);
  const containerId = docker('run', '-d', '--name', NAME, 'busybox:latest', 'sleep', '3600');

  const { cookie } = await trpc('auth.login', { username: stack.username, password: stack.password });
  const hosts = await fetch(`${stack.url}/api/trpc/hosts.list`, { headers: { cookie } });
  const hostId = ((await hosts.json()) as { result: { data: { id: string }[] } }).result.data[0]?.id;
  if (!hostId) throw new Error('the local agent has not joined');
  const { json } = await trpc(
    'terminals.open',
    { hostId, id: containerId, cmd: ['cat'], cols: 80, rows: 24 },
    cookie,
  );
  const sessionId = (json as { id: string }).id;

  // the subscription, read as the browser's EventSource would: `data: {json}` lines
  const events = new AbortController();
  const sse = await fetch(
    `${stack.url}/api/trpc/terminals.attach?input=${encodeURIComponent(JSON.stringify({ sessionId }))}`,
    { headers: { cookie, accept: 'text/event-stream' }, signal: events.signal },
  );
  if (!sse.ok || !sse.body) throw new Error(`terminals.attach: ${sse.status}`);
  let onOutput: ((data: Buffer) => void) | undefined;
  void (async () => {
    let pending = '';
    for await (const chunk of sse.body as AsyncIterable<Uint8Array>) {
      pending += Buffer.from(chunk).toString('utf8');
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        if (!line.startsWith('data: ')) continue;
        const event = JSON.parse(line.slice(6)) as { type?: string; data?: string };
        if (event.type === 'output' && event.data) onOutput?.(Buffer.from(event.data, 'base64'));
      }
    }
  })().catch(() => {});
  const echo = (key: string) =>
    new Promise<number>((resolve, reject) => {
      const t0 = process.hrtime.bigint();
      onOutput = (data) => {
        if (data.includes(key)) resolve(Number(process.hrtime.bigint() - t0) / 1e6);
      };
      trpc('terminals.input', { sessionId, data: key }, cookie).catch(reject);
    });
  for (let i = 0; i < 20; i++) await echo('w'); // warm-up: JIT, first frames
  await echo('\r');
  const times: number[] = [];
  for (let i = 0; i < keystrokes; i++) {
    times.push(await echo(String.fromCharCode(97 + (i % 26))));
    if (i % 60 === 59) await echo('\r'); // keep the line short
  }
  // for scale: one authenticated tRPC request that goes nowhere near a host (session lookup, JSON)
  const baseline: number[] = [];
  for (let i = 0; i < 200; i++) {
    const t0 = process.hrtime.bigint();
    await (await fetch(`${stack.url}/api/trpc/auth.me`, { headers: { cookie } })).text();
    baseline.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  events.abort();
  await trpc('terminals.close', { sessionId }, cookie);
  console.log('terminal keystroke echo over loopback (a Node HTTP/SSE client standing in for the browser)');
  report('  echo round trip', times);
  console.log(`  p50 ${quantile(times, 0.5).toFixed(2)} ms   p99 ${quantile(times, 0.99).toFixed(2)} ms`);
  report('  auth.me request (no host involved)', baseline);
} finally {
  try {
    docker('rm', '-f', NAME);
  } catch {
    // never created
  }
  rmSync(scratch, { recursive: true, force: true });
  await stack.stop();
}
