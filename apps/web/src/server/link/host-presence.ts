/**
 * What the agent link changes in the database: joining with a one-time token, authenticating
 * with a host credential, presence (online, last seen, offline). Refusals throw
 * ServiceError('unauthorized') and write nothing.
 */
import { timingSafeEqual } from 'node:crypto';
import type { Db } from '@berth/db';
import type { HostInfo } from '@berth/protocol';
import { recordAudit } from '../audit/record-audit.ts';
import { hashSecret, newSecret } from '../auth/secret-token.ts';
import { ServiceError } from '../errors.ts';

function reported(info: HostInfo) {
  return {
    hostname: info.hostname,
    os: info.os,
    kernel: info.kernel,
    arch: info.arch,
    cpus: info.cpus,
    memoryBytes: BigInt(info.memoryBytes),
    agentVersion: info.agentVersion,
  };
}

/** A new host from a valid, unused, unexpired join token; the credential is returned once, only its hash kept. */
export async function joinHost(
  db: Db,
  input: { joinToken: string; info: HostInfo; address: string },
): Promise<{ hostId: string; hostName: string; credential: string }> {
  return await db.$transaction(async (tx) => {
    const now = new Date();
    const token = await tx.joinToken.findUnique({
      where: { tokenHash: hashSecret(input.joinToken) },
      select: { id: true, usedAt: true, expiresAt: true },
    });
    if (!token || token.usedAt || token.expiresAt <= now) {
      throw new ServiceError('unauthorized', 'join token is unknown, already used or expired');
    }
    const credential = newSecret('host');
    const host = await tx.host.create({
      data: {
        name: input.info.hostname,
        ...reported(input.info),
        status: 'online',
        lastSeenAt: now,
        credentialHash: hashSecret(credential),
      },
      select: { id: true, name: true },
    });
    // Conditional on usedAt still being null: two agents racing with one token cannot both join.
    const claimed = await tx.joinToken.updateMany({
      where: { id: token.id, usedAt: null },
      data: { usedAt: now, hostId: host.id },
    });
    if (claimed.count !== 1)
      throw new ServiceError('unauthorized', 'join token is unknown, already used or expired');
    await recordAudit(tx, {
      actorKind: 'host',
      actor: host.name,
      action: 'host.join',
      hostId: host.id,
      target: host.name,
      result: 'success',
      detail: { joinTokenId: token.id, address: input.address, agentVersion: input.info.agentVersion },
    });
    return { hostId: host.id, hostName: host.name, credential };
  });
}

/** A known host reconnecting: the credential must match; its report and presence are refreshed. */
export async function authenticateHost(
  db: Db,
  input: { hostId: string; credential: string; info: HostInfo },
): Promise<{ hostId: string; hostName: string }> {
  const host = await db.host.findUnique({
    where: { id: input.hostId },
    select: { id: true, name: true, credentialHash: true },
  });
  const presented = Buffer.from(hashSecret(input.credential), 'hex');
  const stored = Buffer.from(host?.credentialHash ?? '', 'hex');
  if (!host || stored.length !== presented.length || !timingSafeEqual(stored, presented)) {
    throw new ServiceError('unauthorized', 'unknown host or wrong credential');
  }
  await db.host.update({
    where: { id: host.id },
    data: { ...reported(input.info), status: 'online', lastSeenAt: new Date() },
  });
  return { hostId: host.id, hostName: host.name };
}

export async function markHostOffline(db: Db, hostId: string): Promise<void> {
  await db.host.updateMany({ where: { id: hostId }, data: { status: 'offline' } });
}

/** At start-up no agent is connected yet, whatever the database remembers. */
export async function markAllHostsOffline(db: Db): Promise<void> {
  await db.host.updateMany({ where: { status: 'online' }, data: { status: 'offline' } });
}
