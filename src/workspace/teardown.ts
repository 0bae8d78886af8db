// `wt-coord teardown`: plan what goes and what would be lost, refuse to lose work unless forced,
// then move each worktree aside (instant), let git forget it, and delete the files in background.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { ExitCode, WtError } from '../errors.js';
import { branchExists, dirtyFiles, gitMaybe, resolveCommit } from '../git.js';
import { instanceName, instancesDoc, type Instance } from '../coord/instances.js';
import { readDoc, transact } from '../store/store.js';
import { setMemoryBankReadOnly } from './memory-bank-mode.js';
import type { RepoContext } from './repo.js';

export interface TeardownOptions {
  ids: number[];
  all: boolean;
  force: boolean;
  keepBranch: boolean;
  dryRun: boolean;
  purge: boolean;
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
  purge: string[];
}

/** Where the instance's work would have been merged: the branch it started from, when it was one. */
async function mergeTargets(repo: RepoContext, instance: Instance): Promise<string[]> {
  const targets = new Set<string>();
  const ref = instance.base_ref === 'HEAD' ? (await gitMaybe(repo.mainWorktree, ['symbolic-ref', '--short', '-q', 'HEAD']))?.trim() : instance.base_ref;
  if (ref && (await resolveCommit(repo.mainWorktree, ref))) targets.add(ref);
  if (await branchExists(repo.mainWorktree, 'wt/integration')) targets.add('wt/integration');
  if (targets.size === 0) targets.add(instance.base_commit);
  return [...targets];
}

async function unmergedCommits(repo: RepoContext, instance: Instance): Promise<string[]> {
  const targets = await mergeTargets(repo, instance);
  const lists = await Promise.all(targets.map(async (target) => {
    // `git cherry` marks with + the commits whose change is not in target: merged, rebased and
    // cherry-picked work is recognised.
    const out = (await gitMaybe(repo.mainWorktree, ['cherry', '-v', target, instance.branch])) ?? '';
    return out.split('\n').filter((l) => l.startsWith('+ ')).map((l) => l.slice(2, 10) + l.slice(42));
  }));
  // Work is safe when any target holds it.
  return lists.reduce((a, b) => (a.length <= b.length ? a : b));
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
    throw new WtError('name the instances to tear down, or pass --all', 'wt-coord teardown 2 3, or wt-coord teardown --all');
  }
  const unknown = options.ids.filter((id) => !instances.some((i) => i.id === id));
  if (unknown.length > 0) {
    throw new WtError(`no such instance: ${unknown.map(instanceName).join(', ')}`, `registered: ${instances.map((i) => i.name).join(', ') || 'none'}; see wt-coord status`);
  }
  const chosen = options.all ? instances : instances.filter((i) => options.ids.includes(i.id));
  const plans = await Promise.all(chosen.map((i) => planInstance(repo, i, options)));
  const purge = options.purge ? [repo.memoryBankDir, repo.coordDir] : [];
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

async function moveAside(folder: string): Promise<string> {
  const aside = path.join(path.dirname(folder), `.${path.basename(folder)}.wt-coord-deleting-${randomBytes(4).toString('hex')}`);
  await fs.rename(folder, aside);
  return aside;
}

export async function executeTeardown(repo: RepoContext, plan: TeardownPlan, options: TeardownOptions): Promise<void> {
  const losses = plan.instances.flatMap(describeLoss);
  if (losses.length > 0 && !options.force) {
    throw new WtError(`teardown would lose work: ${losses.join(' / ')}`, 'commit and merge it, or pass --force to discard it (--keep-branch keeps the commits)', ExitCode.wouldLoseWork);
  }
  for (const item of plan.instances) {
    if (item.folderExists) deleteInBackground(await moveAside(item.worktree));
  }
  await gitMaybe(repo.mainWorktree, ['worktree', 'prune']);
  for (const item of plan.instances) {
    if (item.deleteBranch) await gitMaybe(repo.mainWorktree, ['branch', '-D', item.branch]);
  }
  const removed = new Set(plan.instances.map((i) => i.id));
  const remaining = await transact(repo.coordDir, async (tx) => {
    const doc = await tx.get(instancesDoc);
    const left = doc.instances.filter((i) => !removed.has(i.id));
    tx.set(instancesDoc, { ...doc, instances: left });
    for (const item of plan.instances) tx.event({ type: 'instance.removed', instance: item.name, data: { branch_kept: !item.deleteBranch } });
    return left.length;
  });
  await onInstancesRemoved(repo, [...removed]);
  if (remaining === 0) await setMemoryBankReadOnly(repo.memoryBankDir, false);
  if (remaining === 0 && plan.purge.length > 0) {
    for (const dir of plan.purge) await fs.rm(dir, { recursive: true, force: true });
  }
}

type RemovalHook = (repo: RepoContext, ids: number[]) => Promise<void>;
const removalHooks: RemovalHook[] = [];

/** Coordination modules release what removed instances held (tasks, path claims). */
export function onInstanceRemoval(hook: RemovalHook): void {
  removalHooks.push(hook);
}

async function onInstancesRemoved(repo: RepoContext, ids: number[]): Promise<void> {
  for (const hook of removalHooks) await hook(repo, ids);
}
