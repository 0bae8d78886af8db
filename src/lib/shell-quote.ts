// Single-quoted for POSIX shells: paths fixed into coordinate.sh, the hook commands, the printed
// `claude mcp add` line. A module of its own so that pure code can quote without loading more.
export function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}
