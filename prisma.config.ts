/**
 * Prisma CLI configuration. Every CLI command first tries to download the native schema engine,
 * which fails offline; `generate`, `validate` and `format` never run it, so pointing
 * PRISMA_SCHEMA_ENGINE_BINARY at any existing file lets them work on a fresh machine. Anyone with
 * the real engine sets the variable themselves (and DATABASE_URL) to use `prisma migrate deploy`.
 * The datasource URL is read from the environment directly, not with `env()`, because `env()`
 * makes `generate` fail when DATABASE_URL is unset.
 */
import { defineConfig } from 'prisma/config';

process.env.PRISMA_SCHEMA_ENGINE_BINARY ??= process.execPath;

export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  ...(process.env.DATABASE_URL ? { datasource: { url: process.env.DATABASE_URL } } : {}),
});
