/** Input pieces shared by several routers (each exists once; tRPC, REST and OpenAPI all read them). */
import { z } from 'zod';
import { HOST_CAPABILITIES } from '../access/host-access.ts';

export const Id = z.uuid();
export const RoleSchema = z.enum(['admin', 'operator', 'viewer']);
export const CapabilitySchema = z.enum(HOST_CAPABILITIES);
export const ScopeSchema = z.enum(['read', 'write', 'admin']);
export const NameSchema = z
  .string()
  .trim()
  .min(1)
  .max(100)
  .regex(/^[\w.@ -]+$/, 'letters, digits, spaces and . _ - @ only');
export const PasswordSchema = z.string().min(12, 'at least 12 characters').max(1000);
export const Ok = z.object({ id: z.string() });
