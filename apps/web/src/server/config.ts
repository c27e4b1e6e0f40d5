/**
 * The control plane's configuration, parsed once from the environment. A bad value stops start-up
 * with one line naming the variable and what it expects.
 */
import { isAbsolute } from 'node:path';
import { z } from 'zod';

const port = (fallback: number) =>
  z.coerce
    .number({ error: 'expected a port number' })
    .int('expected a whole number')
    .min(0, 'expected 0–65535')
    .max(65535, 'expected 0–65535')
    .default(fallback);

const ConfigSchema = z.object({
  PORT: port(3000),
  HOST: z.string().min(1, 'expected an address to listen on').default('0.0.0.0'),
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/, error: 'expected a postgresql:// URL' }).optional(),
  BERTH_DATA: z.string().refine(isAbsolute, 'expected an absolute path').default('/var/lib/berth'),
  /** The URL browsers use, when it differs from http://<Host header> (a TLS proxy in front). */
  BERTH_PUBLIC_URL: z.url({ protocol: /^https?$/, error: 'expected an http(s):// URL' }).optional(),
  /** Hours a login session lasts without use. */
  BERTH_SESSION_HOURS: z.coerce
    .number({ error: 'expected a number of hours' })
    .positive()
    .default(24 * 7),
});

export type Config = z.infer<typeof ConfigSchema>;

export class ConfigError extends Error {}

/** Empty strings count as unset, like most shells' `VAR= cmd`. */
export function loadConfig(env: Record<string, string | undefined>): Config {
  const input = Object.fromEntries(
    Object.keys(ConfigSchema.shape).flatMap((key) => (env[key] ? [[key, env[key]]] : [])),
  );
  const result = ConfigSchema.safeParse(input);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const name = String(issue.path[0]);
    throw new ConfigError(`invalid ${name}=${JSON.stringify(env[name] ?? '')}: ${issue.message}`);
  }
  return result.data;
}
