// The pre-commit hook that enforces path claims, for instance worktrees only.
//
// Git runs hooks from one folder: core.hooksPath, else <common dir>/hooks, which every worktree
// shares. Writing our hook there would replace (or have to rename) the project's own hook, and with
// core.hooksPath set (husky and friends) the folder is often tracked. Instead each instance worktree
// gets its own core.hooksPath through per-worktree config (extensions.worktreeConfig), pointing at
// a dispatcher in the coordination folder: it checks the claims on pre-commit, then runs the
// project's hook of the same name from wherever git would have found it. The main checkout, the
// project's hooks and its config are untouched (except the worktreeConfig switch).
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { git, gitMaybe } from '../lib/git.js';
import { TEMPLATES_DIR } from '../lib/package-paths.js';

/** Every hook git knows: each is chained, so enabling the dispatcher never hides a project hook. */
export const GIT_HOOK_NAMES = [
  'applypatch-msg', 'pre-applypatch', 'post-applypatch', 'pre-commit', 'pre-merge-commit', 'prepare-commit-msg', 'commit-msg', 'post-commit',
  'pre-rebase', 'post-checkout', 'post-merge', 'pre-push', 'pre-receive', 'update', 'proc-receive', 'post-receive', 'post-update',
  'reference-transaction', 'push-to-checkout', 'pre-auto-gc', 'post-rewrite', 'sendemail-validate', 'fsmonitor-watchman', 'post-index-change',
];

const DISPATCHER = 'wt-coord-hook';

export function hooksDirOf(coordDir: string): string {
  return path.join(coordDir, 'hooks');
}

/** Writes the dispatcher and one link per hook name (idempotent; refreshes an outdated dispatcher). */
export async function installHookDispatcher(coordDir: string): Promise<string> {
  const dir = hooksDirOf(coordDir);
  await fs.mkdir(dir, { recursive: true });
  const text = await fs.readFile(path.join(TEMPLATES_DIR, 'git-hook.sh'), 'utf8');
  const target = path.join(dir, DISPATCHER);
  const current = await fs.readFile(target, 'utf8').catch(() => null);
  if (current !== text) {
    const temp = `${target}.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`;
    await fs.writeFile(temp, text, { mode: 0o755 });
    await fs.rename(temp, target);
  }
  for (const name of GIT_HOOK_NAMES) {
    await fs.symlink(DISPATCHER, path.join(dir, name)).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'EEXIST') throw error;
    });
  }
  return dir;
}

/** Turns on per-worktree config for the repository, once (git itself then keeps it per worktree). */
async function enableWorktreeConfig(mainWorktree: string): Promise<void> {
  const enabled = (await gitMaybe(mainWorktree, ['config', '--bool', '--get', 'extensions.worktreeConfig']))?.trim();
  if (enabled !== 'true') await git(mainWorktree, ['config', 'extensions.worktreeConfig', 'true']);
}

// Spawn makes instances in parallel; the shared steps run once per process (two `git config`
// writes to one file at once would collide on git's config lock).
const shared = new Map<string, Promise<string>>();

/** Points the instance worktree's hooks at the dispatcher. Only that worktree sees the change. */
export async function installCommitGuard(coordDir: string, mainWorktree: string, worktree: string): Promise<void> {
  let once = shared.get(coordDir);
  if (!once) {
    once = installHookDispatcher(coordDir).then(async (dir) => {
      await enableWorktreeConfig(mainWorktree);
      return dir;
    });
    shared.set(coordDir, once);
    once.catch(() => shared.delete(coordDir));
  }
  await git(worktree, ['config', '--worktree', 'core.hooksPath', await once]);
}
