// The one module that runs git. Every function takes the folder it works in; a failure becomes a
// GitError carrying git's own message. Commands run through execa because their exit status is the
// answer (simple-git's raw() resolves on a non-zero exit when git prints nothing to stderr);
// simple-git parses what has structure (status).
import { execa } from 'execa';
import { simpleGit } from 'simple-git';
import { WtError } from './errors.js';

export class GitError extends WtError {
  constructor(readonly args: string[], gitMessage: string, hint?: string) {
    super(`git ${args.join(' ')} failed: ${gitMessage.trim().split('\n').filter(Boolean).slice(-1)[0] ?? 'unknown error'}`, hint, 1, 'GIT');
  }
}

async function runGit(dir: string, args: string[]) {
  return execa('git', args, { cwd: dir, reject: false, stripFinalNewline: false, env: { GIT_TERMINAL_PROMPT: '0' } });
}

export async function git(dir: string, args: string[], hint?: string): Promise<string> {
  const result = await runGit(dir, args);
  if (result.exitCode !== 0) throw new GitError(args, result.stderr || result.stdout || `exit ${result.exitCode}`, hint);
  return result.stdout;
}

/** Like `git`, but a failure is an answer (null), not an error. */
export async function gitMaybe(dir: string, args: string[]): Promise<string | null> {
  const result = await runGit(dir, args);
  return result.exitCode === 0 ? result.stdout : null;
}

export interface WorktreeEntry {
  path: string;
  head: string | null;
  branch: string | null;
  bare: boolean;
  prunable: boolean;
}

/** The paths (or fields) of a `-z` git listing: NUL-separated, so a newline in a name is just a character. */
export function nulSplit(out: string | null): string[] {
  return (out ?? '').split('\0').filter(Boolean);
}

export async function listWorktrees(dir: string): Promise<WorktreeEntry[]> {
  // -z: a worktree path may contain a newline; every field ends with NUL (git >= 2.36).
  const out = await git(dir, ['worktree', 'list', '--porcelain', '-z']);
  const entries: WorktreeEntry[] = [];
  let current: WorktreeEntry | null = null;
  for (const field of out.split('\0')) {
    if (field.startsWith('worktree ')) {
      current = { path: field.slice('worktree '.length), head: null, branch: null, bare: false, prunable: false };
      entries.push(current);
    } else if (current && field.startsWith('HEAD ')) current.head = field.slice(5);
    else if (current && field.startsWith('branch ')) current.branch = field.slice(7).replace(/^refs\/heads\//, '');
    else if (current && field === 'bare') current.bare = true;
    else if (current && field.startsWith('prunable')) current.prunable = true;
  }
  return entries;
}

export async function resolveCommit(dir: string, ref: string): Promise<string | null> {
  const out = await gitMaybe(dir, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`]);
  return out?.trim() || null;
}

export async function branchExists(dir: string, branch: string): Promise<boolean> {
  return (await gitMaybe(dir, ['show-ref', '--verify', '--quiet', `refs/heads/${branch}`])) !== null;
}

/** Porcelain status lines of a worktree (untracked included, ignored excluded). */
export async function dirtyFiles(dir: string): Promise<string[]> {
  const status = await simpleGit({ baseDir: dir }).status(['--untracked-files=all']);
  return status.files.map((f) => `${f.index}${f.working_dir} ${f.path}`);
}

export async function countCommits(dir: string, range: string): Promise<number> {
  const out = await gitMaybe(dir, ['rev-list', '--count', range]);
  return out ? Number(out.trim()) : 0;
}
