import { ApiError } from './errors.ts';

/**
 * Docker's filter semantics, shared by the image, volume and event routes
 * (after respond.ts's queryFilters has parsed the `filters` parameter).
 */
export type Filters = Map<string, string[]>;

const invalid = (what: string) => new ApiError(400, `invalid filter '${what}'`);

/** Docker refuses a filter key the endpoint does not know, rather than ignoring it. */
export function acceptFilters(filters: Filters, allowed: readonly string[]): void {
  for (const key of filters.keys()) if (!allowed.includes(key)) throw invalid(key);
}

/** `dangling=true`: undefined when absent; anything but true/false/1/0 is refused. */
export function boolFilter(filters: Filters, key: string): boolean | undefined {
  const values = filters.get(key);
  if (values === undefined || values.length === 0) return undefined;
  const parsed = values.map((v) => {
    const lower = v.toLowerCase();
    if (lower === 'true' || lower === '1') return true;
    if (lower === 'false' || lower === '0') return false;
    throw invalid(`${key}=[${values.join(' ')}]`);
  });
  if (parsed.some((p) => p !== parsed[0])) throw invalid(`${key}=[${values.join(' ')}]`);
  return parsed[0];
}

/** One `label` filter value: `key` (present) or `key=value`. */
function matchesLabel(filter: string, labels: Record<string, string>): boolean {
  const eq = filter.indexOf('=');
  const key = eq === -1 ? filter : filter.slice(0, eq);
  if (!Object.hasOwn(labels, key)) return false;
  return eq === -1 || labels[key] === filter.slice(eq + 1);
}

/** Every `label` filter must hold (Docker's MatchKVList); none of the `label!` ones may. */
export function matchLabels(filters: Filters, labels: Record<string, string> | null | undefined): boolean {
  const own = labels ?? {};
  return (
    (filters.get('label') ?? []).every((f) => matchesLabel(f, own)) &&
    !(filters.get('label!') ?? []).some((f) => matchesLabel(f, own))
  );
}
