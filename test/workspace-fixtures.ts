// Fixtures for the workspace tests: a snapshot of everything spawn or teardown could change, so a
// refused command can be checked to have changed nothing.
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { git, type TempRepo } from './helpers.js';

/** Every path under `root` with its type, mode and content hash (symlinks by target). */
export async function treeSnapshot(root: string, skip: (rel: string) => boolean = () => false): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  async function walk(rel: string): Promise<void> {
    const entries = await fs.readdir(path.join(root, rel), { withFileTypes: true }).catch(() => []);
    for (const entry of entries) {
      const childRel = rel ? `${rel}/${entry.name}` : entry.name;
      if (skip(childRel)) continue;
      const full = path.join(root, childRel);
      const stat = await fs.lstat(full);
      const mode = (stat.mode & 0o7777).toString(8);
      if (entry.isSymbolicLink()) out[childRel] = `link ${await fs.readlink(full)}`;
      else if (entry.isDirectory()) {
        out[childRel] = `dir ${mode}`;
        await walk(childRel);
      } else out[childRel] = `file ${mode} ${createHash('sha256').update(await fs.readFile(full)).digest('hex')}`;
    }
  }
  await walk('');
  return out;
}

/** What a refused command must leave alone: every file around the repo, git's worktrees and branches. */
export async function repoState(repo: TempRepo): Promise<{ files: Record<string, string>; worktrees: string; branches: string }> {
  return {
    // git rewrites its own index and logs on reads; the objects and refs are what matter.
    files: await treeSnapshot(repo.parent, (rel) => /\/\.git\/(index|logs|FETCH_HEAD|ORIG_HEAD)/.test(`/${rel}`)),
    worktrees: await git(repo.dir, ['worktree', 'list', '--porcelain']),
    branches: await git(repo.dir, ['branch', '--list', '--format=%(refname:short) %(objectname)']),
  };
}

export async function gitStatus(dir: string): Promise<string> {
  return git(dir, ['status', '--porcelain', '--untracked-files=all']);
}
