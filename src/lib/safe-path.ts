// Writing where the repository has a say. A worktree's files come from commits anyone can make: a
// committed symlink (.claude -> ../other-instance/.claude, CLAUDE.local.md -> /etc/…, a folder a
// .worktreeinclude copy goes into, the memory bank root) would make wt-coord write through it into
// another instance or anywhere. So before writing below a root, every component from the root down
// is checked with lstat: a symbolic link is refused, with the path named.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { WtError } from './errors.js';

export class SymlinkRefusedError extends WtError {
  constructor(readonly link: string, target: string | null, readonly writing: string) {
    super(
      `refusing to write ${writing}: ${link} is a symbolic link${target ? ` (to ${target})` : ''}, and writing through it could reach another instance's files or outside the worktree`,
      'replace the link with a real file or folder (or remove it from the commit), then retry',
    );
  }
}

/**
 * Checks every existing component of `target` below `root` (and `target` itself): none may be a
 * symbolic link. Components that do not exist yet are fine: they are created as real folders.
 */
export async function assertNoSymlinkBelow(root: string, target: string): Promise<void> {
  const rel = path.relative(root, target);
  if (rel.startsWith('..') || path.isAbsolute(rel)) throw new WtError(`refusing to write ${target}: it is outside ${root}`, 'this is a bug in the path given; report it');
  let current = root;
  for (const part of rel.split(path.sep).filter(Boolean)) {
    current = path.join(current, part);
    const stat = await fs.lstat(current).catch(() => null);
    if (!stat) return; // from here on nothing exists: mkdir makes real folders
    if (stat.isSymbolicLink()) throw new SymlinkRefusedError(current, await fs.readlink(current).catch(() => null), target);
  }
}

/** The memory bank root: inside the main checkout no component may be a link; elsewhere (configured so) the root itself may not. */
export async function assertMemoryBankRoot(mainWorktree: string, memoryBankDir: string): Promise<void> {
  const rel = path.relative(mainWorktree, memoryBankDir);
  if (rel && !rel.startsWith('..') && !path.isAbsolute(rel)) await assertNoSymlinkBelow(mainWorktree, memoryBankDir);
  else await assertNotSymlink(memoryBankDir, `the memory bank ${memoryBankDir}`);
}

/** The folder `dir` itself must not be a symbolic link (a memory bank root the repository could point anywhere). */
export async function assertNotSymlink(dir: string, what: string): Promise<void> {
  const stat = await fs.lstat(dir).catch(() => null);
  if (stat?.isSymbolicLink()) throw new SymlinkRefusedError(dir, await fs.readlink(dir).catch(() => null), what);
}
