import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { z } from 'zod';

/** What the agent keeps after joining: the one control plane it obeys, and its credential there. */
export const HostCredential = z.object({
  controlPlane: z.string(),
  hostId: z.string(),
  credential: z.string(),
});
export type HostCredential = z.infer<typeof HostCredential>;

export async function readCredential(file: string): Promise<HostCredential | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  const parsed = HostCredential.safeParse(JSON.parse(text));
  if (!parsed.success) throw new Error(`${file} is corrupt; remove it and join again with a new join token`);
  return parsed.data;
}

/** Written to a temporary file and renamed, so a crash never leaves half a credential; readable by root only. */
export async function writeCredential(file: string, credential: HostCredential): Promise<void> {
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.tmp-${process.pid}`;
  await writeFile(tmp, JSON.stringify(credential), { mode: 0o600 });
  await rename(tmp, file);
}
