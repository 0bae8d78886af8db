// Printing for commands: JSON when asked, text otherwise. Commands never exit the process.
export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

export function printLines(...lines: string[]): void {
  if (lines.length) process.stdout.write(`${lines.join('\n')}\n`);
}

export function note(message: string): void {
  process.stderr.write(`${message}\n`);
}
