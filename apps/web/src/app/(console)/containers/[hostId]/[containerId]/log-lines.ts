/** The logs tab's buffer: lines appended as they stream in, the oldest dropped past a cap. */
export const MAX_LOG_LINES = 5000;

export function appendLines(
  lines: readonly string[],
  chunk: string,
  carry: string,
): { lines: string[]; carry: string } {
  const parts = (carry + chunk).split('\n');
  const rest = parts.pop() ?? '';
  const next = lines.concat(parts);
  return { lines: next.length > MAX_LOG_LINES ? next.slice(next.length - MAX_LOG_LINES) : next, carry: rest };
}

/** Lines that contain the search text (case-insensitive); all of them when it is empty. */
export function matchingLines(lines: readonly string[], search: string): string[] {
  const needle = search.toLowerCase();
  return needle ? lines.filter((line) => line.toLowerCase().includes(needle)) : [...lines];
}
