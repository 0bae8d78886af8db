// `wt-coord teardown`: plan what goes and what would be lost, refuse to lose work unless forced,
// then move each worktree aside (instant), let git forget it, and delete the files in background.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { ExitCode, UsageError, WtError } from '../lib/errors.js';
import { branchExists, dirtyFiles, git, gitMaybe, resolveCommit } from '../lib/git.js';
import { withLock } from '../lib/lock.js';
import { instanceName, instancesDoc, type Instance } from '../coord/instances/index.js';
import { readDoc, transact } from '../coord/transact.js';
import { storeSelection } from '../coord/store-choice.js';
import { setMemoryBankReadOnly } from './memory-bank-mode.js';
import { executePurge, planPurge, type PurgePlan } from './purge.js';
import type { RepoContext } from './repo.js';
import { releaseClaimsOfRemoved } from './claim-status.js';
import { releaseTasksOfRemoved } from './task-status.js';

export interface TeardownOptions {
  ids: number[];
  all: boolean;
  force: boolean;
  keepBranch: boolean;
  dryRun: boolean;
  /** Delete what wt-coord made (purge.ts); `purgeMemory` / `purgeCheckpoints` also what people made. */
  purge: boolean;
  purgeMemory?: boolean;
  purgeCheckpoints?: boolean;
  /**
   * Stops the running agents of the removed instances (passed in by the caller: the agents layer
   * sits above this one), so no agent keeps writing in a folder that is gone.
   */
  stopAgents?: (repo: RepoContext, ids: number[]) => Promise<void>;
}

export interface InstancePlan {
  name: string;
  id: number;
  worktree: string;
  branch: string;
  folderExists: boolean;
  branchExists: boolean;
  /** `git status --porcelain` lines of uncommitted work. */
  uncommitted: string[];
  /** Commits on the branch that are not in the base branch (patch-equivalent merges count as in). */
  unmerged: string[];
  deleteBranch: boolean;
}

export interface TeardownPlan {
  instances: InstancePlan[];
  /** What --purge deletes and keeps (each kept path with why and the flag that deletes it). */
  purge: PurgePlan;
}

/** Where the instance's work would have been merged: the branch it started from, main's branch, the integration branch. */
async function mergeTargets(repo: RepoContext, instance: Instance): Promise<string[]> {
  const candidates = [instance.base_ref, (await gitMaybe(repo.mainWorktree, ['symbolic-ref', '--short', '-q', 'HEAD']))?.trim(), 'wt/integration'];
  const targets: string[] = [];
  for (const ref of candidates) {
    if (ref && ref !== 'HEAD' && !targets.includes(ref) && (await resolveCommit(repo.mainWorktree, ref))) targets.push(ref);
  }
  return targets.length > 0 ? targets : [instance.base_commit];
}

/**
 * A squash merge leaves no trace `git cherry` sees. It is recognised when every file the branch
 * changed has, in the target, exactly the branch's content. Read-only: nothing is written to git.
 */
async function targetHasBranchContent(repo: RepoContext, target: string, branch: string): Promise<boolean> {
  const base = (await gitMaybe(repo.mainWorktree, ['merge-base', target, branch]))?.trim();
  if (!base) return false;
  const changed = ((await gitMaybe(repo.mainWorktree, ['diff', '--name-only', '-z', base, branch])) ?? '').split('\0').filter(Boolean);
  if (changed.length === 0) return false; // only empty commits: nothing to find in the target, so keep them listed
  return (await gitMaybe(repo.mainWorktree, ['diff', '--quiet', target, branch, '--', ...changed.map((f) => `:(literal)${f}`)])) !== null;
}

/** Commits on the branch that no merge target holds, as `<short sha> <subject>`. */
export async function unmergedCommits(repo: RepoContext, instance: Instance): Promise<string[]> {
  const targets = await mergeTargets(repo, instance);
  let fewest: string[] | null = null;
  for (const target of targets) {
    // `git cherry` marks with + the commits whose change is not in target: merged, rebased and
    // cherry-picked work is recognised.
    const out = (await gitMaybe(repo.mainWorktree, ['cherry', '-v', target, instance.branch])) ?? '';
    const missing = out.split('\n').filter((l) => l.startsWith('+ ')).map((l) => `${l.slice(2, 10)}${l.slice(42)}`);
    if (missing.length > 0 && (await targetHasBranchContent(repo, target, instance.branch))) return [];
    if (missing.length === 0) return [];
    if (!fewest || missing.length < fewest.length) fewest = missing;
  }
  return fewest ?? [];
}

async function planInstance(repo: RepoContext, instance: Instance, options: TeardownOptions): Promise<InstancePlan> {
  const folderExists = await fs.stat(instance.worktree).then((s) => s.isDirectory(), () => false);
  const hasBranch = await branchExists(repo.mainWorktree, instance.branch);
  return {
    name: instance.name,
    id: instance.id,
    worktree: instance.worktree,
    branch: instance.branch,
    folderExists,
    branchExists: hasBranch,
    uncommitted: folderExists ? await dirtyFiles(instance.worktree).catch(() => []) : [],
    unmerged: hasBranch && !options.keepBranch ? await unmergedCommits(repo, instance) : [],
    deleteBranch: hasBranch && !options.keepBranch,
  };
}

export async function planTeardown(repo: RepoContext, options: TeardownOptions): Promise<TeardownPlan> {
  const { instances } = await readDoc(repo.coordDir, instancesDoc);
  if (!options.all && options.ids.length === 0) {
    throw new UsageError('name the instances to tear down, or pass --all', 'wt-coord teardown 2 3, or wt-coord teardown --all');
  }
  const unknown = options.ids.filter((id) => !instances.some((i) => i.id === id));
  if (unknown.length > 0) {
    throw new WtError(`no such instance: ${unknown.map(instanceName).join(', ')}`, `registered: ${instances.map((i) => i.name).join(', ') || 'none'}; see wt-coord status`);
  }
  // In a store shared by machines, an instance of another machine is torn down there (its folder is there).
  const here = storeSelection(repo.coordDir)?.machine ?? null;
  const elsewhere = instances.filter((i) => here && i.machine && i.machine !== here);
  const named = elsewhere.find((i) => options.ids.includes(i.id));
  if (named) throw new WtError(`${named.name} runs on machine ${named.machine}`, `tear it down there (wt-coord teardown ${named.id} on ${named.machine})`);
  const chosen = options.all ? instances.filter((i) => !elsewhere.includes(i)) : instances.filter((i) => options.ids.includes(i.id));
  const plans = await Promise.all(chosen.map((i) => planInstance(repo, i, options)));
  const purge = options.purge ? await planPurge(repo, { memory: Boolean(options.purgeMemory), checkpoints: Boolean(options.purgeCheckpoints) }) : { delete: [], keep: [] };
  return { instances: plans, purge };
}

export function describeLoss(plan: InstancePlan): string[] {
  const lines: string[] = [];
  if (plan.uncommitted.length > 0) lines.push(`${plan.name}: ${plan.uncommitted.length} uncommitted change(s): ${plan.uncommitted.map((l) => l.slice(3)).join(', ')}`);
  if (plan.unmerged.length > 0) lines.push(`${plan.name}: ${plan.unmerged.length} commit(s) on ${plan.branch} not merged: ${plan.unmerged.join('; ')}`);
  return lines;
}

function deleteInBackground(folder: string): void {
  // Deleting a big node_modules can take long: a detached rm finishes it without holding the user.
  const child = spawn('rm', ['-rf', folder], { detached: true, stdio: 'ignore' });
  child.unref();
}

const ASIDE_MARK = '.wt-coord-deleting-';

/** Renaming is instant, and frees the folder name and git's record at once; the files go later. */
async function moveAside(folder: string): Promise<string> {
  const aside = path.join(path.dirname(folder), `.${path.basename(folder)}${ASIDE_MARK}${randomBytes(4).toString('hex')}`);
  await fs.rename(folder, aside);
  return aside;
}

/** Folders moved aside by an earlier teardown whose background delete never finished (a reboot, a kill). */
async function sweepLeftovers(repo: RepoContext): Promise<void> {
  const prefix = `.${repo.repoName}-`;
  const entries = await fs.readdir(repo.instancesParent).catch(() => [] as string[]);
  for (const name of entries) {
    if (!name.startsWith(prefix) || !name.includes(ASIDE_MARK)) continue;
    const full = path.join(repo.instancesParent, name);
    const age = await fs.stat(full).then((s) => Date.now() - s.mtimeMs, () => 0);
    if (age > 10 * 60_000) deleteInBackground(full);
  }
}

/** Refuses before anything is touched when work would be lost and --force was not given. */
export function assertNothingLost(plan: TeardownPlan, options: TeardownOptions): void {
  const losses = plan.instances.flatMap(describeLoss);
  if (losses.length > 0 && !options.force) {
    throw new WtError(`teardown would lose work: ${losses.join(' / ')}`, 'commit and merge it, or pass --force to discard it (--keep-branch keeps the commits)', ExitCode.wouldLoseWork);
  }
}

export async function executeTeardown(repo: RepoContext, plan: TeardownPlan, options: TeardownOptions): Promise<void> {
  assertNothingLost(plan, options);
  // Under the spawn lock: an instance being created is not removed from under its spawn.
  const remaining = plan.instances.length === 0
    ? await gitMaybe(repo.mainWorktree, ['worktree', 'prune']).then(() => 0)
    : await withLock(path.join(repo.coordDir, 'spawn.lock'), () => removeInstances(repo, plan, options), { timeoutMs: 30 * 60_000, staleMs: 60 * 60_000 });
  if (remaining === 0) await executePurge(plan.purge);
  await sweepLeftovers(repo);
}

/** Returns how many instances are left. */
async function removeInstances(repo: RepoContext, plan: TeardownPlan, options: TeardownOptions): Promise<number> {
  for (const item of plan.instances) {
    if (item.folderExists) deleteInBackground(await moveAside(item.worktree));
  }
  // Forgets the worktrees just moved aside, and any folder someone deleted by hand.
  await gitMaybe(repo.mainWorktree, ['worktree', 'prune']);
  for (const item of plan.instances) {
    if (item.deleteBranch) await git(repo.mainWorktree, ['branch', '-D', item.branch], `the worktree of ${item.name} may still be registered: see git worktree list`);
  }
  const removed = new Set(plan.instances.map((i) => i.id));
  const remaining = await transact(repo.coordDir, async (tx) => {
    const doc = await tx.get(instancesDoc);
    const left = doc.instances.filter((i) => !removed.has(i.id));
    tx.set(instancesDoc, { ...doc, instances: left });
    for (const item of plan.instances) tx.event({ type: 'instance.removed', instance: item.name, data: { branch_kept: !item.deleteBranch } });
    return left.length;
  });
  await releaseHoldings(repo, [...removed], options);
  if (remaining === 0) await setMemoryBankReadOnly(repo.memoryBankDir, false);
  return remaining;
}

/** What removed instances held goes back: their tasks to the queue, their path claims, their agents. */
async function releaseHoldings(repo: RepoContext, ids: number[], options: TeardownOptions): Promise<void> {
  await releaseTasksOfRemoved(repo, ids);
  await releaseClaimsOfRemoved(repo, ids);
  await options.stopAgents?.(repo, ids);
}
