// The one rule for text that reaches a terminal. Task descriptions, messages, progress notes,
// failure reasons, claim reasons and discoveries come from agents: printed raw, an escape sequence
// in one could clear the leader's screen, retitle the window or fake other lines. So everything
// wt-coord prints goes through here (commands/output.ts, coordinate.sh, errors, the commit guard,
// watch): escape sequences and control characters removed, newlines kept. --json output keeps the
// text exact: JSON escapes the C0 controls itself, and jsonText escapes the C1 ones as \u00XX.

// ESC sequences first (CSI, OSC, two-character escapes), so dropping only ESC never leaves "[31m".
const ESCAPE = /\u001b(?:\[[0-?]*[ -/]*[@-~]|\][^\u0007\u001b]*(?:\u0007|\u001b\\)|[PX^_][^\u001b]*(?:\u001b\\)?|[@-Z\\-_])/g;
// Every control character but newline (tab becomes a space first), C1 controls included.
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

/** Text safe to print: escape sequences and control characters removed; `oneLine` folds newlines into " ⏎ ". */
export function terminalText(text: string, { oneLine = false } = {}): string {
  const clean = text.replace(/\r\n?|[\u2028\u2029]/g, '\n').replace(/\t/g, ' ').replace(ESCAPE, '').replace(CONTROL, '');
  return oneLine ? clean.trim().replace(/\s*\n\s*/g, ' ⏎ ') : clean;
}

/** How many characters terminalText would remove (update-memory reports it). */
export function controlCharacterCount(text: string): number {
  const normalized = text.replace(/\r\n?|[\u2028\u2029]/g, '\n').replace(/\t/g, ' ');
  return normalized.length - normalized.replace(ESCAPE, '').replace(CONTROL, '').length;
}

/** JSON for stdout: the value exactly, with the C1 controls (which JSON leaves raw) escaped. */
export function jsonText(value: unknown, indent = 2): string {
  return JSON.stringify(value, null, indent).replace(/[\u007f-\u009f\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** What a command prints, made safe: JSON (a --json answer) keeps its values exactly, anything else is terminalText. */
export function terminalSafe(output: string): string {
  const start = output.trimStart()[0];
  if (start === '{' || start === '[') {
    try {
      JSON.parse(output);
      return output.replace(/[\u007f-\u009f\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
    } catch {
      // not JSON: plain text that starts with a bracket
    }
  }
  return terminalText(output);
}

// An ESC with no complete sequence after it, at the end of a chunk: kept for the next chunk.
const UNFINISHED_ESCAPE = /\u001b(?:\[[0-?]*[ -/]*|\][^\u0007\u001b]*|[PX^_][^\u001b]*)?$/;

/**
 * terminalText for text that arrives in chunks (a log being followed): an escape sequence split
 * between two chunks is removed whole instead of leaving its tail ("[31m") on the screen.
 */
export function terminalTextStream(): (chunk: string) => string {
  let held = '';
  return (chunk) => {
    const text = held + chunk;
    const unfinished = UNFINISHED_ESCAPE.exec(text);
    held = unfinished ? unfinished[0] : '';
    return terminalText(unfinished ? text.slice(0, unfinished.index) : text);
  };
}
