// `wt-coord integrate`: brings finished instance branches back, one at a time, into an integration
// branch (default a new wt/integration from the instances' base), in the dependency order of the
// tasks done on them, running a check after each merge. The merges happen in a temporary worktree,
// so the user's checkout is never touched; the integration branch only ever moves to a merge that
// succeeded and passed the check, so a conflict or a failing check leaves no half-merged state.
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { ExitCode, WtError } from '../lib/errors.js';
import { branchExists, git, gitMaybe, listWorktrees, resolveCommit } from '../lib/git.js';
import { instancesDoc, type Instance } from '../coord/instances/index.js';
import { tasksDoc, taskNumber, type Task } from '../coord/queue/index.js';
import { readDoc } from '../coord/transact.js';
import type { RepoContext } from '../workspace/repo.js';

export const DEFAULT_INTEGRATION_BRANCH = 'wt/integration';
const ZERO = '0000000000000000000000000000000000000000';

export interface IntegrateOptions {
  into?: string;
  check?: string;
  /** Where a new integration branch starts (default: the instances' common base). */
  base?: string;
  /** Also merge branches of instances that still hold an unfinished task. */
  includeBusy?: boolean;
}

export interface BranchToMerge {
  instance: number;
  name: string;
  branch: string;
  tasks: string[];
  commits: number;
  files: string[];
}

export interface IntegrationPlan {
  into: string;
  /** The branch does not exist yet: it is created at `start` by the first successful merge. */
  create: boolean;
  start: string;
  branches: BranchToMerge[];
  skipped: { name: string; branch: string; reason: string }[];
  overlaps: { file: string; branches: string[] }[];
}

/** Branch order: a branch whose tasks depend on another branch's tasks comes after it; ties and cycles by the earliest task, then instance. */
export function orderByDependencies(branches: BranchToMerge[], tasks: Task[]): BranchToMerge[] {
  const ownerOf = new Map<string, string>();
  for (const b of branches) for (const t of b.tasks) ownerOf.set(t, b.name);
  const after = new Map(branches.map((b) => [b.name, new Set<string>()]));
  for (const task of tasks) {
    const owner = ownerOf.get(task.id);
    if (!owner) continue;
    for (const dep of task.dependencies) {
      const depOwner = ownerOf.get(dep);
      if (depOwner && depOwner !== owner) after.get(owner)!.add(depOwner);
    }
  }
  const rank = (b: BranchToMerge) => [b.tasks.length ? Math.min(...b.tasks.map(taskNumber)) : Number.MAX_SAFE_INTEGER, b.instance] as const;
  const byRank = (a: BranchToMerge, b: BranchToMerge) => {
    const [ra, rb] = [rank(a), rank(b)];
    return ra[0] - rb[0] || ra[1] - rb[1];
  };
  const remaining = [...branches].sort(byRank);
  const done = new Set<string>();
  const ordered: BranchToMerge[] = [];
  while (remaining.length) {
    const ready = remaining.find((b) => [...after.get(b.name)!].every((d) => done.has(d))) ?? remaining[0]!; // a cycle: earliest first
    ordered.push(ready);
    done.add(ready.name);
    remaining.splice(remaining.indexOf(ready), 1);
  }
  return ordered;
}

async function commonBase(repo: RepoContext, instances: Instance[]): Promise<string> {
  const bases = new Set(instances.map((i) => i.base_commit));
  if (bases.size === 1) return [...bases][0]!;
  const head = await resolveCommit(repo.mainWorktree, 'HEAD');
  if (!head) throw new WtError('the repository has no commits', 'make a first commit');
  return head;
}

export async function planIntegration(repo: RepoContext, options: IntegrateOptions = {}): Promise<IntegrationPlan> {
  const into = options.into ?? DEFAULT_INTEGRATION_BRANCH;
  if ((await gitMaybe(repo.mainWorktree, ['check-ref-format', '--branch', into])) === null) {
    throw new WtError(`"${into}" is not a valid branch name`, 'pass --into <branch>, e.g. --into wt/integration');
  }
  const [{ instances }, { tasks }] = await Promise.all([readDoc(repo.coordDir, instancesDoc), readDoc(repo.coordDir, tasksDoc)]);
  if (instances.length === 0) throw new WtError('nothing to integrate: there are no instances', 'spawn instances and let their agents work first (wt-coord run, or wt-coord spawn + start)');
  const worktrees = await listWorktrees(repo.mainWorktree);
  const holder = worktrees.find((w) => w.branch === into);
  if (holder) throw new WtError(`${into} is checked out in ${holder.path}; integrate never touches a checkout`, `integrate into another branch (the default ${DEFAULT_INTEGRATION_BRANCH}) and merge that, or switch ${holder.path} to another branch`);
  const exists = await branchExists(repo.mainWorktree, into);
  let start: string;
  if (exists) start = (await resolveCommit(repo.mainWorktree, `refs/heads/${into}`))!;
  else if (options.base) {
    const base = await resolveCommit(repo.mainWorktree, options.base);
    if (!base) throw new WtError(`--base ${options.base} is not a commit in this repository`, 'name a branch, tag or commit that exists');
    start = base;
  } else start = await commonBase(repo, instances);

  const branches: BranchToMerge[] = [];
  const skipped: IntegrationPlan['skipped'] = [];
  for (const instance of instances) {
    if (!(await branchExists(repo.mainWorktree, instance.branch))) {
      skipped.push({ name: instance.name, branch: instance.branch, reason: 'branch does not exist' });
      continue;
    }
    const commits = Number((await git(repo.mainWorktree, ['rev-list', '--count', `${start}..refs/heads/${instance.branch}`])).trim());
    if (commits === 0) {
      skipped.push({ name: instance.name, branch: instance.branch, reason: exists ? `nothing new since ${into}` : 'no commits' });
      continue;
    }
    const busy = tasks.filter((t) => t.status === 'claimed' && t.claimed_by === instance.name).map((t) => t.id);
    if (busy.length && !options.includeBusy) {
      skipped.push({ name: instance.name, branch: instance.branch, reason: `still working on ${busy.join(', ')} (--include-busy merges it anyway)` });
      continue;
    }
    const mergeBase = (await git(repo.mainWorktree, ['merge-base', start, `refs/heads/${instance.branch}`])).trim();
    const files = (await git(repo.mainWorktree, ['diff', '--name-only', mergeBase, `refs/heads/${instance.branch}`])).split('\n').filter(Boolean);
    const done = tasks.filter((t) => t.status === 'done' && t.claimed_by === instance.name).map((t) => t.id).sort();
    branches.push({ instance: instance.id, name: instance.name, branch: instance.branch, tasks: done, commits, files });
  }
  if (branches.length === 0) {
    const why = skipped.map((s) => `${s.name}: ${s.reason}`).join('; ');
    throw new WtError(`nothing to integrate into ${into}${why ? ` (${why})` : ''}`, 'let the agents commit their work first; wt-coord status shows commits ahead per instance');
  }
  const byFile = new Map<string, string[]>();
  for (const b of branches) for (const f of b.files) byFile.set(f, [...(byFile.get(f) ?? []), b.branch]);
  const overlaps = [...byFile].filter(([, bs]) => bs.length > 1).map(([file, bs]) => ({ file, branches: bs })).sort((a, b) => a.file.localeCompare(b.file));
  return { into, create: !exists, start, branches: orderByDependencies(branches, tasks), skipped, overlaps };
}

export interface IntegrationResult {
  into: string;
  head: string;
  merged: { name: string; branch: string; commit: string }[];
  stopped: null | { name: string; branch: string; reason: 'conflict' | 'check'; files: string[]; output: string };
}

export type IntegrateStep = (message: string) => void;

/** Makes node_modules of the main checkout visible in the temporary worktree, so a check like `npm test` can run there. */
async function linkDependencies(repo: RepoContext, dir: string): Promise<void> {
  const from = path.join(repo.mainWorktree, 'node_modules');
  const to = path.join(dir, 'node_modules');
  const has = async (p: string) => fs.lstat(p).then(() => true, () => false);
  if ((await has(from)) && !(await has(to))) await fs.symlink(from, to);
}

export async function executeIntegration(repo: RepoContext, plan: IntegrationPlan, options: IntegrateOptions = {}, onStep: IntegrateStep = () => undefined): Promise<IntegrationResult> {
  const dir = await fs.mkdtemp(path.join(tmpdir(), 'wt-coord-integrate-'));
  await fs.rmdir(dir);
  await git(repo.mainWorktree, ['worktree', 'add', '--detach', dir, plan.start]);
  const merged: IntegrationResult['merged'] = [];
  let tip = plan.start;
  let refExists = !plan.create;
  try {
    if (options.check) await linkDependencies(repo, dir);
    for (const b of plan.branches) {
      onStep(`merging ${b.branch} (${b.name}${b.tasks.length ? `: ${b.tasks.join(', ')}` : ''}, ${b.commits} commit${b.commits === 1 ? '' : 's'})`);
      const message = `Integrate ${b.name} (${b.branch})${b.tasks.length ? `: ${b.tasks.join(', ')}` : ''}`;
      const ok = await gitMaybe(dir, ['merge', '--no-ff', '--no-edit', '-m', message, `refs/heads/${b.branch}`]);
      if (ok === null) {
        const files = ((await gitMaybe(dir, ['diff', '--name-only', '--diff-filter=U'])) ?? '').split('\n').filter(Boolean);
        await gitMaybe(dir, ['merge', '--abort']);
        await gitMaybe(dir, ['reset', '--hard', tip]);
        return { into: plan.into, head: tip, merged, stopped: { name: b.name, branch: b.branch, reason: 'conflict', files, output: '' } };
      }
      if (options.check) {
        onStep(`  check: ${options.check}`);
        const result = await execa(options.check, { shell: true, cwd: dir, all: true, reject: false, env: { WT_COORD_INTEGRATING: b.branch } });
        if (result.exitCode !== 0) {
          await gitMaybe(dir, ['reset', '--hard', tip]);
          const output = (result.all ?? '').trim().split('\n').slice(-20).join('\n');
          return { into: plan.into, head: tip, merged, stopped: { name: b.name, branch: b.branch, reason: 'check', files: [], output: output || `(exit ${result.exitCode}, no output)` } };
        }
      }
      const head = (await git(dir, ['rev-parse', 'HEAD'])).trim();
      // Compare-and-swap: refuse if someone moved the branch meanwhile.
      await git(repo.mainWorktree, ['update-ref', '-m', `wt-coord integrate: ${message}`, `refs/heads/${plan.into}`, head, refExists ? tip : ZERO]);
      refExists = true;
      tip = head;
      merged.push({ name: b.name, branch: b.branch, commit: head });
    }
    return { into: plan.into, head: tip, merged, stopped: null };
  } finally {
    await gitMaybe(repo.mainWorktree, ['worktree', 'remove', '--force', dir]);
    await fs.rm(dir, { recursive: true, force: true });
    await gitMaybe(repo.mainWorktree, ['worktree', 'prune']);
  }
}

/** The error that ends `integrate` when it stopped: it names the branch and the files or the check. */
export function stoppedError(result: IntegrationResult): WtError | null {
  const s = result.stopped;
  if (!s) return null;
  const kept = result.merged.length ? `${result.into} keeps the ${result.merged.length} merge(s) before it` : `${result.into} is unchanged`;
  if (s.reason === 'conflict') {
    return new WtError(`merging ${s.branch} into ${result.into} conflicts in ${s.files.join(', ') || '(unknown files)'}; stopped cleanly, ${kept}`, `resolve it in ${s.name}'s worktree (git merge ${result.into}, fix, commit) and run integrate again`, ExitCode.conflict, 'CONFLICT');
  }
  return new WtError(`the check failed after merging ${s.branch}; that merge was undone, ${kept}`, `fix it on ${s.branch} and run integrate again; the check's output is above`, ExitCode.failure, 'CHECK_FAILED');
}
