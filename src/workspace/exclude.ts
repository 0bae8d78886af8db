// Keeps what wt-coord generates out of `git status` through the repository's info/exclude, which
// every worktree shares; a tracked .gitignore is never edited.
import { promises as fs } from 'node:fs';
import path from 'node:path';

const BEGIN = '# >>> wt-coord (generated; remove this block to stop ignoring) >>>';
const END = '# <<< wt-coord <<<';

/** Adds `patterns` to the wt-coord block of info/exclude, keeping everything else byte for byte. */
export async function ensureExcluded(commonDir: string, patterns: string[]): Promise<void> {
  const file = path.join(commonDir, 'info', 'exclude');
  await fs.mkdir(path.dirname(file), { recursive: true });
  const text = await fs.readFile(file, 'utf8').catch(() => '');
  const start = text.indexOf(BEGIN);
  const end = text.indexOf(END);
  const hasBlock = start >= 0 && end > start;
  const existing = hasBlock ? text.slice(start + BEGIN.length, end).split('\n').map((l) => l.trim()).filter(Boolean) : [];
  const wanted = [...new Set([...existing, ...patterns])];
  if (hasBlock && wanted.length === existing.length) return;
  const block = [BEGIN, ...wanted, END].join('\n');
  const next = hasBlock
    ? text.slice(0, start) + block + text.slice(end + END.length)
    : `${text}${text && !text.endsWith('\n') ? '\n' : ''}${block}\n`;
  await fs.writeFile(file, next);
}
