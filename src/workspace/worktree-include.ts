// .worktreeinclude (gitignore syntax, the convention Claude Code reads): ignored files such as
// .env that a fresh worktree needs are copied from the main checkout. Only files git ignores are
// copied; tracked files come with the checkout and are never overwritten.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import ignore from 'ignore';
import { gitMaybe } from '../lib/git.js';
import { assertNoSymlinkBelow } from '../lib/safe-path.js';

export const WORKTREE_INCLUDE = '.worktreeinclude';

async function walkFiles(root: string, relative: string): Promise<string[]> {
  const entries = await fs.readdir(path.join(root, relative), { withFileTypes: true }).catch(() => []);
  const files: string[] = [];
  for (const entry of entries) {
    const rel = path.posix.join(relative, entry.name);
    if (entry.isDirectory()) files.push(...(await walkFiles(root, rel)));
    else files.push(rel);
  }
  return files;
}

/** The ignored paths of `mainWorktree` that .worktreeinclude selects (files, or whole folders ending in /). */
export async function selectIncludedPaths(mainWorktree: string): Promise<string[]> {
  const spec = await fs.readFile(path.join(mainWorktree, WORKTREE_INCLUDE), 'utf8').catch(() => null);
  if (spec === null) return [];
  const matcher = ignore().add(spec);
  const patternText = spec.split('\n').map((l) => l.trim().replace(/^\/|^!/, '')).filter((l) => l && !l.startsWith('#'));
  const listed = (await gitMaybe(mainWorktree, ['ls-files', '--others', '--ignored', '--exclude-standard', '--directory', '-z'])) ?? '';
  const selected: string[] = [];
  for (const entry of listed.split('\0').filter(Boolean)) {
    if (matcher.ignores(entry)) {
      selected.push(entry);
    } else if (entry.endsWith('/') && patternText.some((p) => p.startsWith(entry) || (p.startsWith('**') && !/(^|\/)node_modules\/$/.test(entry)))) {
      // (`**/x` does not send us walking through node_modules: dependencies have their own step.)
      // A pattern may select files inside an ignored folder without selecting the folder itself.
      for (const file of await walkFiles(mainWorktree, entry.slice(0, -1))) if (matcher.ignores(file)) selected.push(file);
    }
  }
  return selected;
}

export async function copyWorktreeIncludes(mainWorktree: string, worktree: string): Promise<string[]> {
  const selected = await selectIncludedPaths(mainWorktree);
  for (const rel of selected) {
    const target = path.join(worktree, rel.replace(/\/$/, ''));
    if (await fs.lstat(target).then(() => true, () => false)) continue; // never overwrite what the checkout has
    await assertNoSymlinkBelow(worktree, target); // a symlinked folder in the base commit must not carry the copy outside
    await fs.mkdir(path.dirname(target), { recursive: true });
    await fs.cp(path.join(mainWorktree, rel), target, { recursive: true, preserveTimestamps: true, verbatimSymlinks: true });
  }
  return selected;
}
