/**
 * API tokens: `Authorization: Bearer berth_…` for scripts. Random 256-bit secrets stored as
 * SHA-256 like sessions; a scope caps what the token may do (never more than its owner, whose
 * rights are re-read on every call); optional expiry; revoking deletes the row.
 */
import type { ApiTokenScope, Db } from '@berth/db';
import type { AccessCaller } from '../access/host-access.ts';
import { recordUserChange } from '../audit/record-user-change.ts';
import { hashSecret, newSecret } from '../auth/secret-token.ts';
import type { Deps } from '../deps.ts';
import { ServiceError } from '../errors.ts';

const SCOPE_ORDER: ApiTokenScope[] = ['read', 'write', 'admin'];
const LAST_USED_INTERVAL_MS = 60_000;

const TOKEN_FIELDS = {
  id: true,
  name: true,
  scope: true,
  createdAt: true,
  expiresAt: true,
  lastUsedAt: true,
  userId: true,
} as const;

interface ApiTokenSummary {
  id: string;
  name: string;
  scope: ApiTokenScope;
  userId: string;
  createdAt: string;
  expiresAt: string | null;
  lastUsedAt: string | null;
}

function summarize(row: {
  id: string;
  name: string;
  scope: ApiTokenScope;
  userId: string;
  createdAt: Date;
  expiresAt: Date | null;
  lastUsedAt: Date | null;
}): ApiTokenSummary {
  return {
    ...row,
    createdAt: row.createdAt.toISOString(),
    expiresAt: row.expiresAt?.toISOString() ?? null,
    lastUsedAt: row.lastUsedAt?.toISOString() ?? null,
  };
}

export async function createApiToken(
  db: Db,
  caller: AccessCaller,
  input: { name: string; scope: ApiTokenScope; expiresInDays?: number | undefined },
): Promise<ApiTokenSummary & { token: string }> {
  // A token may only mint tokens up to its own scope (a read token mints nothing: it cannot mutate).
  if (caller.tokenScope && SCOPE_ORDER.indexOf(input.scope) > SCOPE_ORDER.indexOf(caller.tokenScope)) {
    throw new ServiceError(
      'forbidden',
      `an API token with scope ${caller.tokenScope} cannot create a ${input.scope} token`,
    );
  }
  if (await db.apiToken.findFirst({ where: { userId: caller.id, name: input.name }, select: { id: true } })) {
    throw new ServiceError('conflict', `you already have an API token named ${JSON.stringify(input.name)}`);
  }
  const token = newSecret('api');
  const row = await db.apiToken.create({
    data: {
      name: input.name,
      scope: input.scope,
      tokenHash: hashSecret(token),
      userId: caller.id,
      expiresAt: input.expiresInDays ? new Date(Date.now() + input.expiresInDays * 86_400_000) : null,
    },
    select: TOKEN_FIELDS,
  });
  await recordUserChange(db, caller, {
    action: 'api-token.create',
    target: row.id,
    detail: { name: row.name, scope: row.scope, expiresAt: row.expiresAt?.toISOString() ?? null },
  });
  return { ...summarize(row), token };
}

/** The caller's own tokens; admins may list anyone's. */
export async function listApiTokens(db: Db, caller: AccessCaller, input: { userId?: string | undefined }) {
  const userId = input.userId ?? caller.id;
  if (userId !== caller.id && caller.role !== 'admin') {
    throw new ServiceError('forbidden', "only admins can list other users' API tokens");
  }
  const rows = await db.apiToken.findMany({
    where: { userId },
    orderBy: { createdAt: 'asc' },
    select: TOKEN_FIELDS,
  });
  return rows.map(summarize);
}

/** Revoke one of the caller's tokens (admins: anyone's). */
export async function revokeApiToken(
  db: Db,
  caller: AccessCaller,
  input: { tokenId: string },
): Promise<void> {
  const row = await db.apiToken.findUnique({ where: { id: input.tokenId }, select: TOKEN_FIELDS });
  if (!row || (row.userId !== caller.id && caller.role !== 'admin')) {
    throw new ServiceError('not-found', `no API token ${input.tokenId}`);
  }
  await db.apiToken.delete({ where: { id: row.id } });
  await recordUserChange(db, caller, {
    action: 'api-token.revoke',
    target: row.id,
    detail: { name: row.name, ownerId: row.userId },
  });
}

/**
 * The caller behind a Bearer token. Wrong tokens count as failed logins from the client's
 * address, so guessing is throttled like passwords are.
 */
export async function resolveApiToken(
  deps: Deps,
  token: string,
  ip: string,
): Promise<Omit<AccessCaller, 'access'> & { tokenScope: ApiTokenScope }> {
  const keys = [`ip:${ip}`];
  const wait = deps.loginLimiter.retryAfterSeconds(keys);
  if (wait > 0) {
    throw new ServiceError('rate-limited', `Too many failed attempts. Try again in ${wait} s.`, {
      retryAfterSeconds: wait,
    });
  }
  const row = token.startsWith('berth_')
    ? await deps.db.apiToken.findUnique({
        where: { tokenHash: hashSecret(token) },
        select: {
          id: true,
          scope: true,
          expiresAt: true,
          lastUsedAt: true,
          user: { select: { id: true, username: true, role: true, disabledAt: true } },
        },
      })
    : null;
  if (!row) {
    deps.loginLimiter.recordFailure(keys);
    deps.log(`API token refused from ${ip}: unknown`);
    throw new ServiceError('unauthorized', 'unknown or revoked API token');
  }
  const now = Date.now();
  if (row.expiresAt && row.expiresAt.getTime() <= now) {
    throw new ServiceError('unauthorized', `this API token expired at ${row.expiresAt.toISOString()}`);
  }
  if (row.user.disabledAt)
    throw new ServiceError('unauthorized', 'the account of this API token is disabled');
  if (!row.lastUsedAt || now - row.lastUsedAt.getTime() >= LAST_USED_INTERVAL_MS) {
    await deps.db.apiToken.updateMany({
      where: {
        id: row.id,
        OR: [{ lastUsedAt: null }, { lastUsedAt: { lt: new Date(now - LAST_USED_INTERVAL_MS) } }],
      },
      data: { lastUsedAt: new Date(now) },
    });
  }
  const { id, username, role } = row.user;
  return { id, username, role, tokenScope: row.scope };
}
