// Single-quoted for POSIX shells (the hook commands and the printed `claude mcp add` line). Same
// rule as workspace/kit.ts's, kept here so the pure settings code does not load the package paths.
export function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}
