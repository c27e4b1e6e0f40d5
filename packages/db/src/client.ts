/**
 * The Prisma client, over node-postgres through @prisma/adapter-pg (Prisma 7 has no Rust engine).
 * Secret columns are omitted from every result by default; the few services that verify a secret
 * ask for it explicitly with `omit: { passwordHash: false }` and the like.
 */
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from './generated/prisma/client.ts';

export const SECRET_FIELDS = {
  user: { passwordHash: true },
  session: { tokenHash: true },
  host: { credentialHash: true },
  joinToken: { tokenHash: true },
  apiToken: { tokenHash: true },
} as const;

export function createPrismaClient(databaseUrl: string, options: { maxConnections?: number } = {}) {
  const adapter = new PrismaPg({ connectionString: databaseUrl, max: options.maxConnections ?? 10 });
  return new PrismaClient({ adapter, omit: SECRET_FIELDS });
}

export type Db = ReturnType<typeof createPrismaClient>;
