// The temporary worktree integrate merges in. It never outlives its integrate: removed when the
// merges end, removed on SIGINT / SIGTERM / SIGHUP before the process dies of that signal, and,
// for a process killed outright (SIGKILL, power loss), found and removed by the next integrate and
// by `doctor --fix`. The folder name carries the owner's pid, so a leftover is one whose owner is
// dead; a live integrate's worktree is never touched.
import { existsSync, promises as fs, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { git, gitMaybe, listWorktrees } from '../lib/git.js';
import { isProcessAlive } from '../lib/lock.js';
import type { DoctorFinding } from '../coord/doctor.js';

const PREFIX = 'wt-coord-integrate-';
const OWNED = new RegExp(`^${PREFIX}(\\d+)-`);

export interface ScratchWorktree {
  dir: string;
  /** Removes the worktree and its folder; safe to call more than once. */
  remove: () => Promise<void>;
}

async function removeWorktree(mainWorktree: string, dir: string): Promise<void> {
  await gitMaybe(mainWorktree, ['worktree', 'remove', '--force', '--force', dir]);
  await fs.rm(dir, { recursive: true, force: true });
  await gitMaybe(mainWorktree, ['worktree', 'prune']);
}

/** A detached worktree at `commit` in a fresh temp folder named after this process. */
export async function addScratchWorktree(mainWorktree: string, commit: string): Promise<ScratchWorktree> {
  const dir = await fs.mkdtemp(path.join(tmpdir(), `${PREFIX}${process.pid}-`));
  await fs.rmdir(dir);
  let removed: Promise<void> | null = null;
  const remove = () => (removed ??= removeWorktree(mainWorktree, dir));
  try {
    await git(mainWorktree, ['worktree', 'add', '--detach', dir, commit]);
  } catch (error) {
    await remove();
    throw error;
  }
  return { dir, remove };
}

export interface Leftover {
  path: string;
  pid: number;
  /** registered: git still lists it as a worktree; folder: only the temp folder is left. */
  kind: 'registered' | 'folder';
}

function ownerPid(dir: string): number | null {
  const match = OWNED.exec(path.basename(dir));
  return match ? Number(match[1]) : null;
}

/** Whether a temp folder belongs to this repository's worktrees (its .git file points into `commonDir`), or never became one. */
function belongsHere(dir: string, commonDir: string): boolean {
  const dotGit = path.join(dir, '.git');
  if (!existsSync(dotGit)) return true;
  try {
    const pointer = /^gitdir: (.*)$/m.exec(readFileSync(dotGit, 'utf8'))?.[1]?.trim();
    return !!pointer && path.resolve(dir, pointer).startsWith(path.join(commonDir, 'worktrees') + path.sep);
  } catch {
    return false;
  }
}

/** Scratch worktrees of integrates that died without cleaning up (their process is gone). */
export async function findLeftovers(mainWorktree: string, commonDir: string): Promise<Leftover[]> {
  const found = new Map<string, Leftover>();
  for (const w of await listWorktrees(mainWorktree)) {
    const pid = ownerPid(w.path);
    if (pid !== null && !isProcessAlive(pid)) found.set(w.path, { path: w.path, pid, kind: 'registered' });
  }
  const temp = tmpdir();
  for (const name of await fs.readdir(temp).catch(() => [] as string[])) {
    const dir = path.join(temp, name);
    const pid = ownerPid(dir);
    if (pid === null || found.has(dir) || isProcessAlive(pid) || !belongsHere(dir, commonDir)) continue;
    found.set(dir, { path: dir, pid, kind: 'folder' });
  }
  return [...found.values()];
}

/** Removes every leftover; returns what it removed. */
export async function removeLeftovers(mainWorktree: string, commonDir: string): Promise<Leftover[]> {
  const leftovers = await findLeftovers(mainWorktree, commonDir);
  for (const l of leftovers) await removeWorktree(mainWorktree, l.path);
  return leftovers;
}

/** doctor's view: each leftover as a finding, removed when `fix`. */
export async function checkScratchWorktrees(mainWorktree: string, commonDir: string, fix: boolean): Promise<DoctorFinding[]> {
  const leftovers = await findLeftovers(mainWorktree, commonDir);
  const findings: DoctorFinding[] = [];
  for (const l of leftovers) {
    if (fix) await removeWorktree(mainWorktree, l.path);
    findings.push({ kind: 'worktree', file: l.path, problem: `scratch worktree of an integrate that was killed (pid ${l.pid} is gone)`, fix: 'removed it (git worktree remove, then the folder)', fixed: fix, fixable: true });
  }
  return findings;
}
