import { readFile } from 'node:fs/promises';
import os from 'node:os';
import type { HostInfo } from '@berth/protocol';
import { AGENT_VERSION } from '../version.ts';

async function osName(): Promise<string> {
  try {
    const release = await readFile('/etc/os-release', 'utf8');
    const pretty = /^PRETTY_NAME="?([^"\n]*)"?$/m.exec(release);
    if (pretty?.[1]) return pretty[1];
  } catch {
    // not every host has os-release; fall through to the kernel's own name
  }
  return os.type();
}

export async function readHostInfo(name?: string): Promise<HostInfo> {
  return {
    hostname: name ?? os.hostname(),
    os: await osName(),
    kernel: os.release(),
    arch: os.arch(),
    cpus: os.availableParallelism(),
    memoryBytes: os.totalmem(),
    agentVersion: AGENT_VERSION,
  };
}
