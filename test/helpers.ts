// Test helpers: real git repositories in temp dirs, the built CLI and coordinate.sh as child processes.
import { execa, type Options } from 'execa';
import { mkdtempSync, readdirSync, readlinkSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** The built CLI; WT_COORD_DIST points tests at another build folder (dist-<name>) if set. */
export const DIST = path.resolve(ROOT, process.env.WT_COORD_DIST ?? 'dist');
export const CLI = path.join(DIST, 'cli.js');

export interface TempRepo {
  /** Folder holding the repo and its sibling instance folders. */
  parent: string;
  /** The main worktree. */
  dir: string;
  cleanup: () => void;
}

/** A fresh git repo (branch main, local identity, signing and gc off) with one commit, in its own temp parent. */
export async function gitRepo(name = 'app', files: Record<string, string> = { 'README.md': '# app\n' }): Promise<TempRepo> {
  const parent = realpathSync(mkdtempSync(path.join(tmpdir(), 'wtc-')));
  const dir = path.join(parent, name);
  await execa('git', ['init', '-q', '-b', 'main', dir]);
  for (const [key, value] of Object.entries({ 'user.name': 'Test', 'user.email': 'test@example.com', 'commit.gpgsign': 'false', 'gc.auto': '0' })) {
    await execa('git', ['config', key, value], { cwd: dir });
  }
  const { mkdir, writeFile } = await import('node:fs/promises');
  for (const [file, text] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, file)), { recursive: true });
    await writeFile(path.join(dir, file), text);
  }
  await execa('git', ['add', '-A'], { cwd: dir });
  await execa('git', ['commit', '-q', '-m', 'initial'], { cwd: dir });
  return {
    parent,
    dir,
    cleanup: () => {
      // The memory bank is read-only by mode while instances exist: make it removable.
      // A background job a verb started (the memory merge after update-memory runs detached in the
      // main checkout) may still be writing into .git/wt-coord: end it first, then remove with
      // retries (ENOTEMPTY in CI otherwise).
      endProcessesIn(parent);
      execa('chmod', ['-R', 'u+w', parent], { reject: false }).then(() => rmSync(parent, { recursive: true, force: true, maxRetries: 20, retryDelay: 100 }));
    },
  };
}

/** SIGKILLs every process (but this one) whose working folder is inside `dir`. */
function endProcessesIn(dir: string): void {
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    try {
      const cwd = readlinkSync(`/proc/${pid}/cwd`);
      if (cwd === dir || cwd.startsWith(`${dir}${path.sep}`)) process.kill(pid, 'SIGKILL');
    } catch {
      // gone, or not ours to look at
    }
  }
}

/** Runs the built CLI; never throws on a non-zero exit, so tests assert on it. */
export function cli(cwd: string, args: string[], options: Options = {}) {
  return execa(process.execPath, [CLI, ...args], { cwd, reject: false, ...options });
}

export function instanceDir(repo: TempRepo, k: number): string {
  return path.join(repo.parent, `${path.basename(repo.dir)}-instance-${k}`);
}

/** Runs an instance's coordinate.sh, as an agent would (from its worktree). */
export function coordinate(repo: TempRepo, k: number, args: string[], options: Options = {}) {
  const worktree = instanceDir(repo, k);
  return execa(path.join(worktree, '.claude-instance', 'coordinate.sh'), args, { cwd: worktree, reject: false, ...options });
}

export async function git(cwd: string, args: string[]): Promise<string> {
  return (await execa('git', args, { cwd })).stdout;
}
