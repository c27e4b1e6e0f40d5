import { z } from 'zod';

/**
 * Credentials for one registry, as Docker's X-Registry-Auth carries them:
 * a username and password, or an identity token (OAuth refresh token) from
 * an earlier login, or a ready bearer token.
 */
export const RegistryAuth = z.object({
  username: z.string().optional(),
  password: z.string().optional(),
  identityToken: z.string().optional(),
  registryToken: z.string().optional(),
});
export type RegistryAuth = z.infer<typeof RegistryAuth>;

export function hasCredentials(auth: RegistryAuth | undefined): auth is RegistryAuth {
  return (
    auth !== undefined &&
    (auth.username !== undefined || auth.identityToken !== undefined || auth.registryToken !== undefined)
  );
}
