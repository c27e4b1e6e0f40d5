import { z } from 'zod';

/** POST /containers/{id}/exec (`docker exec` options). */
export const ExecCreateBody = z.looseObject({
  Cmd: z.array(z.string()).min(1, 'No exec command specified'),
  Env: z.array(z.string()).nullish(),
  User: z.string().nullish(),
  WorkingDir: z.string().nullish(),
  Tty: z.boolean().nullish(),
  AttachStdin: z.boolean().nullish(),
  AttachStdout: z.boolean().nullish(),
  AttachStderr: z.boolean().nullish(),
  Privileged: z.boolean().nullish(),
  DetachKeys: z.string().nullish(),
});

/** POST /exec/{id}/start */
export const ExecStartBody = z.looseObject({
  Detach: z.boolean().nullish(),
  Tty: z.boolean().nullish(),
  ConsoleSize: z.array(z.number().int().min(0)).length(2).nullish(),
});
