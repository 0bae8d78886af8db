// `wt-coord integrate`: brings finished instance branches back, one at a time, into an integration
// branch (default a new wt/integration from the instances' base), in the dependency order of the
// tasks done on them, running a check after each merge. The merges happen in a temporary worktree,
// so the user's checkout is never touched; the integration branch only ever moves to a merge that
// succeeded and passed the check, so a conflict or a failing check leaves no half-merged state.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { ExitCode, WtError } from '../lib/errors.js';
import { branchExists, git, gitMaybe, listWorktrees, nulSplit, resolveCommit } from '../lib/git.js';
import { instancesDoc, type Instance } from '../coord/instances/index.js';
import { tasksDoc, taskNumber, type Task } from '../coord/queue/index.js';
import { readDoc } from '../coord/transact.js';
import { recordIntegration } from '../coord/integration/index.js';
import type { RepoContext } from '../workspace/repo.js';
import { forecastMerges, type MergeConflict } from '../workspace/merge-tree.js';
import { addScratchWorktree, removeLeftovers } from '../workspace/scratch-worktree.js';
import { cleanUpOnSignal } from '../lib/on-signal.js';
import { shellQuote } from '../lib/shell-quote.js';
import { signalGroup } from '../lib/process-group.js';

export const DEFAULT_INTEGRATION_BRANCH = 'wt/integration';
const ZERO = '0000000000000000000000000000000000000000';

export interface IntegrateOptions {
  into?: string;
  check?: string;
  /** Where a new integration branch starts (default: the instances' common base). */
  base?: string;
  /** Also merge branches of instances that still hold an unfinished task. */
  includeBusy?: boolean;
  /** The branch `land` moves to the result afterwards (default: the main checkout's branch). */
  target?: string;
}

export interface BranchToMerge {
  instance: number;
  name: string;
  branch: string;
  worktree: string;
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
  /** Where `wt-coord land` takes the result, and that branch's commit now (land refuses if it moves). */
  target: string | null;
  target_commit: string | null;
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
    const files = nulSplit(await git(repo.mainWorktree, ['diff', '--name-only', '-z', mergeBase, `refs/heads/${instance.branch}`]));
    const done = tasks.filter((t) => t.status === 'done' && t.claimed_by === instance.name).map((t) => t.id).sort();
    branches.push({ instance: instance.id, name: instance.name, branch: instance.branch, worktree: instance.worktree, tasks: done, commits, files });
  }
  if (branches.length === 0) {
    const why = skipped.map((s) => `${s.name}: ${s.reason}`).join('; ');
    throw new WtError(`nothing to integrate into ${into}${why ? ` (${why})` : ''}`, 'let the agents commit their work first; wt-coord status shows commits ahead per instance');
  }
  const byFile = new Map<string, string[]>();
  for (const b of branches) for (const f of b.files) byFile.set(f, [...(byFile.get(f) ?? []), b.branch]);
  const overlaps = [...byFile].filter(([, bs]) => bs.length > 1).map(([file, bs]) => ({ file, branches: bs })).sort((a, b) => a.file.localeCompare(b.file));
  const target = options.target ?? ((await gitMaybe(repo.mainWorktree, ['symbolic-ref', '--short', '-q', 'HEAD']))?.trim() || null);
  const targetCommit = target ? await resolveCommit(repo.mainWorktree, `refs/heads/${target}`) : null;
  if (options.target && !targetCommit) throw new WtError(`--target ${options.target} is not a branch here`, 'name the branch the integration should land on, e.g. --target main');
  if (target === into) throw new WtError(`the integration branch and the target are both ${into}`, 'integrate into a branch of its own (--into) and land it on the target afterwards');
  return { into, create: !exists, start, branches: orderByDependencies(branches, tasks), skipped, overlaps, target, target_commit: targetCommit };
}

export interface SkippedMerge {
  name: string;
  branch: string;
  reason: 'conflict' | 'check';
  /** The files git left unmerged (conflict). */
  files: string[];
  conflicts: MergeConflict[];
  /** The branches it conflicts with: merged ones it collides with, or the integration branch itself. */
  conflicts_with: string[];
  /** The check's last lines (check). */
  output: string;
  /** What to run to bring the branch back in. */
  resolve: string;
}

export interface IntegrationResult {
  into: string;
  head: string;
  merged: { name: string; branch: string; commit: string }[];
  skipped: SkippedMerge[];
  /** Scratch worktrees of killed integrates removed before this one started. */
  cleaned: string[];
}

export type IntegrateStep = (message: string) => void;

/** Makes node_modules of the main checkout visible in the temporary worktree, so a check like `npm test` can run there. */
async function linkDependencies(repo: RepoContext, dir: string): Promise<void> {
  const from = path.join(repo.mainWorktree, 'node_modules');
  const to = path.join(dir, 'node_modules');
  const has = async (p: string) => fs.lstat(p).then(() => true, () => false);
  if ((await has(from)) && !(await has(to))) await fs.symlink(from, to);
}

/**
 * Which branch a conflicting one collides with: the merged branches it conflicts with on its own
 * (one merge-tree batch), else those that changed the same files, else the integration branch
 * (the conflict is with what it held before this run).
 */
async function collidesWith(repo: RepoContext, plan: IntegrationPlan, b: BranchToMerge, files: string[], merged: IntegrationResult['merged']): Promise<string[]> {
  const landed = plan.branches.filter((x) => merged.some((m) => m.branch === x.branch));
  const outcomes = await forecastMerges(repo.mainWorktree, landed.map((x) => [`refs/heads/${x.branch}`, `refs/heads/${b.branch}`] as const));
  const alone = landed.filter((_, k) => outcomes[k]!.result !== 'clean').map((x) => x.branch);
  if (alone.length) return alone;
  const touching = landed.filter((x) => x.files.some((f) => files.includes(f))).map((x) => x.branch);
  return touching.length ? touching : [plan.into];
}

/** Bring the integration branch into the instance's worktree, where the agent (or the user) resolves and commits; then integrate again. */
function resolveCommand(plan: IntegrationPlan, b: BranchToMerge, reason: SkippedMerge['reason'], into: string): string {
  const again = `wt-coord integrate${plan.into === DEFAULT_INTEGRATION_BRANCH ? '' : ` --into ${plan.into}`}`;
  return `cd ${shellQuote(b.worktree)} && git merge ${shellQuote(into)}  # ${reason === 'check' ? 'fix what the check reports' : 'resolve the conflicts'}, commit, then: ${again}`;
}

/**
 * Merges every planned branch it can. A branch that conflicts, or fails the check after its merge,
 * is skipped and left untouched (the merge is undone in the scratch worktree) and the next one is
 * tried; the integration branch only ever moves to merges that succeeded and passed the check.
 */
export async function executeIntegration(repo: RepoContext, plan: IntegrationPlan, options: IntegrateOptions = {}, onStep: IntegrateStep = () => undefined): Promise<IntegrationResult> {
  const cleaned = (await removeLeftovers(repo.mainWorktree, repo.commonDir)).map((l) => l.path);
  for (const c of cleaned) onStep(`removed the scratch worktree of a killed integrate: ${c}`);
  const scratch = await addScratchWorktree(repo.mainWorktree, plan.start);
  const dir = scratch.dir;
  // The running check, in a process group of its own so that stopping it stops what it started (npm test's children).
  let check: { pid?: number; done: Promise<unknown> } | null = null;
  let interrupted = false;
  const stopCheck = () => {
    if (check?.pid) signalGroup(check.pid, 'SIGTERM');
  };
  const cleanUp = async () => {
    stopCheck();
    const running = check?.done;
    if (running) await Promise.race([running, new Promise((r) => setTimeout(r, 5_000).unref())]);
    if (check?.pid) signalGroup(check.pid, 'SIGKILL');
    await scratch.remove();
  };
  const merged: IntegrationResult['merged'] = [];
  const skipped: SkippedMerge[] = [];
  let tip = plan.start;
  let refExists = !plan.create;
  // A merge or check cut short by a signal leaves only the scratch worktree, which goes with it.
  return cleanUpOnSignal(cleanUp, async () => {
    try {
      if (options.check) await linkDependencies(repo, dir);
      for (const b of plan.branches) {
        onStep(`merging ${b.branch} (${b.name}${b.tasks.length ? `: ${b.tasks.join(', ')}` : ''}, ${b.commits} commit${b.commits === 1 ? '' : 's'})`);
        const message = `Integrate ${b.name} (${b.branch})${b.tasks.length ? `: ${b.tasks.join(', ')}` : ''}`;
        const into = refExists ? plan.into : tip;
        const ok = await gitMaybe(dir, ['merge', '--no-ff', '--no-edit', '-m', message, `refs/heads/${b.branch}`]);
        if (ok === null) {
          const files = [...new Set(((await gitMaybe(dir, ['diff', '--name-only', '--diff-filter=U', '-z'])) ?? '').split('\0').filter(Boolean))];
          await gitMaybe(dir, ['merge', '--abort']);
          await git(dir, ['reset', '-q', '--hard', tip]);
          const [outcome] = await forecastMerges(repo.mainWorktree, [[tip, `refs/heads/${b.branch}`]]);
          const conflictsWith = await collidesWith(repo, plan, b, files, merged);
          skipped.push({ name: b.name, branch: b.branch, reason: 'conflict', files, conflicts: outcome?.conflicts ?? [], conflicts_with: conflictsWith, output: '', resolve: resolveCommand(plan, b, 'conflict', into) });
          onStep(`  skipped: conflicts with ${conflictsWith.join(', ')} in ${files.join(', ') || '(no single file: see git merge)'}`);
          continue;
        }
        if (options.check) {
          onStep(`  check: ${options.check}`);
          const running = execa(options.check, { shell: true, cwd: dir, all: true, reject: false, detached: true, env: { WT_COORD_INTEGRATING: b.branch } });
          check = { pid: running.pid, done: running.catch(() => undefined) };
          const result = await running;
          check = null;
          if (interrupted) break;
          if (result.exitCode !== 0) {
            await git(dir, ['reset', '-q', '--hard', tip]);
            await gitMaybe(dir, ['clean', '-fdq']);
            const output = (result.all ?? '').trim().split('\n').slice(-20).join('\n');
            skipped.push({ name: b.name, branch: b.branch, reason: 'check', files: [], conflicts: [], conflicts_with: [], output: output || `(exit ${result.exitCode}, no output)`, resolve: resolveCommand(plan, b, 'check', into) });
            onStep(`  skipped: the check failed (exit ${result.exitCode}); the merge was undone`);
            continue;
          }
        }
        if (interrupted) break; // the merge may have finished, but nobody is there to see it land
        const head = (await git(dir, ['rev-parse', 'HEAD'])).trim();
        // Compare-and-swap: refuse if someone moved the branch meanwhile.
        await git(repo.mainWorktree, ['update-ref', '-m', `wt-coord integrate: ${message}`, `refs/heads/${plan.into}`, head, refExists ? tip : ZERO]);
        refExists = true;
        tip = head;
        merged.push({ name: b.name, branch: b.branch, commit: head });
      }
      if (!interrupted) await recordIntegration(repo.coordDir, {
        into: plan.into,
        head: tip,
        target: plan.target,
        target_commit: plan.target_commit,
        merged: merged.map((m) => ({ name: m.name, branch: m.branch })),
        skipped: skipped.map((x) => ({ name: x.name, branch: x.branch, reason: x.reason })),
        at: new Date().toISOString(),
      });
      return { into: plan.into, head: tip, merged, skipped, cleaned };
    } finally {
      await scratch.remove();
    }
  }, () => {
    interrupted = true;
    stopCheck();
  });
}


/** The error that ends `integrate` when something did not land: which, why, and that the rest did. */
export function incompleteError(result: IntegrationResult): WtError | null {
  if (result.skipped.length === 0) return null;
  const total = result.merged.length + result.skipped.length;
  const which = result.skipped.map((s) => `${s.name} (${s.reason === 'conflict' ? `conflicts with ${s.conflicts_with.join(', ')}` : 'check failed'})`).join(', ');
  const conflict = result.skipped.some((s) => s.reason === 'conflict');
  return new WtError(`${result.skipped.length} of ${total} branch(es) did not land in ${result.into}: ${which}; the other ${result.merged.length} landed`, 'resolve each as shown above, then run wt-coord integrate again', conflict ? ExitCode.conflict : ExitCode.failure, conflict ? 'CONFLICT' : 'CHECK_FAILED');
}
