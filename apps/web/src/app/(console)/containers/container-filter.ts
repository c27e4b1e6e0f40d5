/**
 * The containers page's search, filters and sort, applied to the rows the server sent (the list
 * across all hosts is small enough to refine as the user types, without a round trip).
 */
export type FilterableContainer = {
  name: string;
  image: string;
  hostName: string;
  hostId: string;
  status: string;
  startedAt: string | null;
  labels: Record<string, string>;
};

export const SORT_KEYS = ['name', 'image', 'host', 'status', 'started'] as const;
export type SortKey = (typeof SORT_KEYS)[number];

export type ContainerFilter = {
  search: string;
  hostId: string;
  status: string;
  /** `key` (present) or `key=value` */
  label: string;
  sort: SortKey;
  descending: boolean;
};

export const NO_FILTER: ContainerFilter = {
  search: '',
  hostId: '',
  status: '',
  label: '',
  sort: 'name',
  descending: false,
};

function hasLabel(labels: Record<string, string>, selector: string): boolean {
  const eq = selector.indexOf('=');
  if (eq < 0) return Object.hasOwn(labels, selector);
  return labels[selector.slice(0, eq)] === selector.slice(eq + 1);
}

function sortValue(row: FilterableContainer, key: SortKey): string {
  switch (key) {
    case 'name':
      return row.name;
    case 'image':
      return row.image;
    case 'host':
      return row.hostName;
    case 'status':
      return row.status;
    case 'started':
      return row.startedAt ?? '';
  }
}

export function filterContainers<T extends FilterableContainer>(rows: readonly T[], filter: ContainerFilter): T[] {
  const needle = filter.search.trim().toLowerCase();
  const label = filter.label.trim();
  const kept = rows.filter(
    (row) =>
      (!needle || [row.name, row.image, row.hostName].some((text) => text.toLowerCase().includes(needle))) &&
      (!filter.hostId || row.hostId === filter.hostId) &&
      (!filter.status || row.status === filter.status) &&
      (!label || hasLabel(row.labels, label)),
  );
  const direction = filter.descending ? -1 : 1;
  return kept.sort(
    (a, b) =>
      direction * sortValue(a, filter.sort).localeCompare(sortValue(b, filter.sort)) || a.name.localeCompare(b.name),
  );
}
