import { EngineError, isEngineError } from '../engine/errors.ts';
import { familiarReference, parseReference } from '../engine/images/reference.ts';

/** How Docker names a reference in its messages: `foo` → `foo:latest`, ids and digests as given. */
export function dockerImageName(ref: string): string {
  if (ref.startsWith('sha256:')) return ref;
  try {
    return familiarReference(parseReference(ref));
  } catch {
    return ref;
  }
}

/**
 * Runs an image-store call for `ref`; a missing image becomes Docker's own
 * message (`No such image: foo:latest`), which scripts and users match on.
 */
export async function onImage<T>(ref: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    if (isEngineError(err, 'not_found') && err.message.startsWith('No such image')) {
      throw new EngineError('not_found', `No such image: ${dockerImageName(ref)}`, { cause: err });
    }
    throw err;
  }
}
