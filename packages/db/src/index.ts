export { createPrismaClient, type Db, SECRET_FIELDS } from './client.ts';
export * from './generated/prisma/client.ts';
