/** POSIX single-quoting for commands sent over SSH: the value cannot end the quote. */
export function shellQuote(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}
