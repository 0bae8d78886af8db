// The "anything new?" check of the hooks that run on every prompt and tool call. The last full run
// recorded a fingerprint (inode, size, mtime) of every file or folder whose change could mean news
// for this instance (its inbox); if none changed, there is nothing to say and the hook exits having
// loaded nothing but node:fs. Only node built-ins here: this module is on the hot path.
import { readFileSync, statSync, writeFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';

export const STAMP_FILE = 'hook-stamp';
const VERSION = 'wt-coord-hook-stamp 1';

function fingerprint(file: string): string {
  const stat = statSync(file, { throwIfNoEntry: false, bigint: true });
  // bigint: nanosecond mtimes, so two changes within one millisecond still differ.
  return stat ? `${stat.ino}:${stat.size}:${stat.mtimeNs}` : '-';
}

/** A snapshot of the watched paths, taken BEFORE reading them: a change after it shows next time. */
export function takeStamp(paths: string[]): string {
  return [VERSION, ...paths.map((p) => `${p}\t${fingerprint(p)}`)].join('\n') + '\n';
}

/** True when a stamp exists and every path it names is as it was: nothing new. */
export function stampUnchanged(kitDir: string): boolean {
  let text: string;
  try {
    text = readFileSync(join(kitDir, STAMP_FILE), 'utf8');
  } catch {
    return false;
  }
  const lines = text.split('\n').filter(Boolean);
  if (lines[0] !== VERSION || lines.length < 2) return false;
  for (const line of lines.slice(1)) {
    const tab = line.lastIndexOf('\t');
    if (tab < 0 || fingerprint(line.slice(0, tab)) !== line.slice(tab + 1)) return false;
  }
  return true;
}

export function writeStamp(kitDir: string, stamp: string): void {
  // Several hooks of one session may finish at once: write aside, rename over (whole or nothing).
  const file = join(kitDir, STAMP_FILE);
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, stamp);
  renameSync(temp, file);
}
