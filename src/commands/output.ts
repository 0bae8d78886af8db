// Printing for commands: JSON when asked, text otherwise. Commands never exit the process.
// Everything goes through terminal-text.ts: text from agents never reaches the terminal raw.
import { jsonText, terminalText } from '../lib/terminal-text.js';

export function printJson(value: unknown): void {
  process.stdout.write(`${jsonText(value)}\n`);
}

export function printLines(...lines: string[]): void {
  if (lines.length) process.stdout.write(`${lines.map((l) => terminalText(l)).join('\n')}\n`);
}

export function note(message: string): void {
  process.stderr.write(`${terminalText(message)}\n`);
}
