import { EngineError } from '../errors.ts';
import { familiarReference, parseReference } from '../images/reference.ts';
import { type PullOptions, type PullResult, pull } from './pull.ts';
import { onPullEndpoint } from './pull-endpoint.ts';
import { authFor, type RegistryDeps } from './registry-deps.ts';

/**
 * `docker pull --all-tags`: every tag the registry lists for the repository,
 * one after another. As dockerd, each tag shows its own "Pulling from" and
 * digest, and one status line closes the whole pull.
 */
export async function pullAllTags(
  deps: RegistryDeps,
  repository: string,
  options: PullOptions = {},
): Promise<PullResult[]> {
  const ref = parseReference(repository, { defaultTag: false });
  if (ref.tag !== undefined || ref.digest !== undefined)
    throw new EngineError('invalid', `tag can't be used with --all-tags/-a: ${repository}`);
  const auth = await authFor(deps, ref.domain, options.auth);
  const { value: tags } = await onPullEndpoint(deps, ref, auth, options.signal, (c) => c.listTags());
  if (tags.length === 0) throw new EngineError('not_found', `${familiarReference(ref)} has no tags to pull`);
  const emit = options.onProgress ?? (() => {});
  const results: PullResult[] = [];
  for (const tag of tags) {
    const tagged = familiarReference({ ...ref, tag });
    results.push(
      await pull(deps, tagged, {
        ...options,
        onProgress: (event) => {
          if (event.kind !== 'done') emit(event);
        },
      }),
    );
  }
  emit({
    kind: 'done',
    action: 'pull',
    upToDate: results.every((r) => r.upToDate),
    reference: familiarReference(ref),
  });
  return results;
}
