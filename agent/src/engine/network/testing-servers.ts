import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { connect } from 'node:net';

/**
 * Small servers tests run inside a network namespace they made or a
 * container's (the test image has no UDP server): Node in that namespace,
 * started by the test and stopped by its pid.
 */
const SERVER = `
const [proto, port] = process.argv.slice(1);
if (proto === 'udp') {
  const s = require('node:dgram').createSocket('udp4');
  s.on('message', (m, r) => s.send('echo:' + m + ' from ' + r.address, r.port, r.address));
  s.bind(Number(port), () => console.log('ready'));
} else {
  require('node:net').createServer((c) => c.end('peer ' + c.remoteAddress + '\\n')).listen(Number(port), '0.0.0.0', () => console.log('ready'));
}`;

export async function startServerIn(
  netnsPath: string,
  protocol: 'tcp' | 'udp',
  port: number,
): Promise<ChildProcess> {
  const child = spawn(
    'nsenter',
    [`--net=${netnsPath}`, process.execPath, '-e', SERVER, protocol, String(port)],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const line = await Promise.race([
    once(child.stdout!, 'data').then(([d]) => String(d)),
    once(child, 'exit').then(([code]) => `exited with ${code}`),
  ]);
  if (!line.includes('ready')) throw new Error(`server did not start: ${line}`);
  return child;
}

/** One UDP datagram to host:port from the namespace at netnsPath (or here); resolves with the answer. */
export async function udpAsk(host: string, port: number, netnsPath?: string): Promise<string> {
  const script = `const s=require('node:dgram').createSocket('udp4');
s.on('message',(m)=>{console.log(String(m));process.exit(0)});
const t=setInterval(()=>s.send('ping',${port},'${host}'),200);s.send('ping',${port},'${host}');
setTimeout(()=>process.exit(3),5000);`;
  const args = netnsPath ? ['nsenter', `--net=${netnsPath}`, process.execPath] : [process.execPath];
  const child = spawn(args[0]!, [...args.slice(1), '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (d) => {
    out += d;
  });
  await once(child, 'close');
  return out.trim();
}

/** `docker run` arguments for a busybox container that answers every TCP connection on `port` with `text`. */
export function replyServer(port: number, text: string): string[] {
  return ['busybox', 'nc', '-ll', '-p', String(port), '-e', 'echo', text];
}

/** The server in a container that was just started may not listen yet: refused connections are tried again for a while. */
export async function tcpRead(host: string, port: number): Promise<string> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await tcpReadOnce(host, port);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ECONNREFUSED' || attempt === 50) throw err;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

export function tcpReadOnce(host: string, port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = '';
    const s = connect({ host, port }, () => {});
    s.setTimeout(5000, () => s.destroy(new Error(`timeout reading ${host}:${port}`)));
    s.on('data', (d) => {
      out += d;
    });
    s.on('end', () => resolve(out));
    s.on('error', reject);
  });
}
