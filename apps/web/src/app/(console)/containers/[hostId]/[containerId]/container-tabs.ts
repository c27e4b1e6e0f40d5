/** The container page's tabs; the chosen one is kept in the URL (?tab=) so a reload stays on it. */
export const TABS = [
  ['overview', 'Overview'],
  ['logs', 'Logs'],
  ['stats', 'Stats'],
  ['terminal', 'Terminal'],
  ['processes', 'Processes'],
  ['inspect', 'Inspect'],
] as const;
export type Tab = (typeof TABS)[number][0];

export function tabOf(search: string): Tab {
  const wanted = new URLSearchParams(search).get('tab');
  return TABS.find(([key]) => key === wanted)?.[0] ?? 'overview';
}

/** The current URL with one query parameter set (or removed when value is null), for history.replaceState. */
export function withParam(href: string, key: string, value: string | null): string {
  const url = new URL(href);
  if (value === null) url.searchParams.delete(key);
  else url.searchParams.set(key, value);
  return `${url.pathname}${url.search}${url.hash}`;
}
