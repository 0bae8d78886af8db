// `wt-coord land`: after a green integrate, moves the target branch (main) to the integration
// result: a fast-forward, or a merge commit when configured. It lands only what integrate checked:
// it refuses when the last integrate skipped a branch, when the integration branch moved since, and
// when the target moved since integrate ran. The instances whose branches landed can then go
// without --force (their work is in the target).
import { ExitCode, WtError } from '../lib/errors.js';
import { git, gitMaybe, listWorktrees, resolveCommit } from '../lib/git.js';
import { readIntegration } from '../coord/integration/index.js';
import { instancesDoc } from '../coord/instances/index.js';
import { readDoc } from '../coord/transact.js';
import type { RepoContext } from '../workspace/repo.js';
import { DEFAULT_INTEGRATION_BRANCH } from './integrate.js';

export type LandStrategy = 'ff' | 'merge';

export interface LandOptions {
  from?: string;
  target?: string;
  strategy?: LandStrategy;
}

export interface LandPlan {
  from: string;
  head: string;
  target: string;
  target_commit: string;
  strategy: LandStrategy;
  /** Where the target is checked out (the landing happens there, so that checkout follows), or null. */
  checkout: string | null;
  /** Registered instances whose branch is contained in what lands. */
  landed_instances: { id: number; name: string; branch: string }[];
}

const isAncestor = async (dir: string, a: string, b: string) => (await gitMaybe(dir, ['merge-base', '--is-ancestor', a, b])) !== null;

export async function planLand(repo: RepoContext, options: LandOptions = {}): Promise<LandPlan> {
  const from = options.from ?? DEFAULT_INTEGRATION_BRANCH;
  const record = await readIntegration(repo.coordDir, from);
  if (!record) throw new WtError(`no integrate into ${from} has run`, `run wt-coord integrate${from === DEFAULT_INTEGRATION_BRANCH ? '' : ` --into ${from}`} first`);
  const head = await resolveCommit(repo.mainWorktree, `refs/heads/${from}`);
  if (!head) throw new WtError(`the integration branch ${from} does not exist`, 'run wt-coord integrate again');
  if (head !== record.head) throw new WtError(`${from} moved since integrate ran (it left ${record.head.slice(0, 10)}, now ${head.slice(0, 10)})`, 'land only what integrate checked: run wt-coord integrate again');
  if (record.skipped.length) {
    throw new WtError(`the last integrate into ${from} did not land ${record.skipped.map((s) => `${s.name} (${s.reason})`).join(', ')}`, 'resolve as integrate told you and run it again; land goes after a green integrate', ExitCode.conflict);
  }
  const target = options.target ?? record.target;
  if (!target) throw new WtError('integrate recorded no target branch (the main checkout was on no branch)', 'pass --target <branch>');
  const targetCommit = await resolveCommit(repo.mainWorktree, `refs/heads/${target}`);
  if (!targetCommit) throw new WtError(`the target ${target} is not a branch here`, 'pass --target <branch>');
  if (target === record.target && record.target_commit && targetCommit !== record.target_commit) {
    throw new WtError(`${target} moved since integrate ran (from ${record.target_commit.slice(0, 10)} to ${targetCommit.slice(0, 10)})`, `integrate again on top of it (wt-coord integrate --base ${target}, into a fresh --into branch), then land`, ExitCode.conflict);
  }
  if (targetCommit === head || (await isAncestor(repo.mainWorktree, head, targetCommit))) throw new WtError(`${target} already contains ${from}`, 'nothing to land');
  const strategy = options.strategy ?? repo.config.land;
  if (strategy === 'ff' && !(await isAncestor(repo.mainWorktree, targetCommit, head))) {
    throw new WtError(`${target} cannot fast-forward to ${from}: ${target} has commits the integration lacks`, `integrate from ${target} (wt-coord integrate --base ${target} --into <new branch>), or land with --merge`);
  }
  const checkout = (await listWorktrees(repo.mainWorktree)).find((w) => w.branch === target)?.path ?? null;
  const { instances } = await readDoc(repo.coordDir, instancesDoc);
  const landed: LandPlan['landed_instances'] = [];
  for (const i of instances) {
    const tip = await resolveCommit(repo.mainWorktree, `refs/heads/${i.branch}`);
    if (tip && tip !== i.base_commit && record.merged.some((m) => m.branch === i.branch) && (await isAncestor(repo.mainWorktree, tip, head))) landed.push({ id: i.id, name: i.name, branch: i.branch });
  }
  return { from, head, target, target_commit: targetCommit, strategy, checkout, landed_instances: landed };
}

/** Lands the plan; returns the target's new commit. */
export async function executeLand(repo: RepoContext, plan: LandPlan): Promise<string> {
  const message = `Land ${plan.from} (${plan.landed_instances.map((i) => i.name).join(', ') || 'integration'})`;
  if (plan.checkout) {
    // The target is checked out: land through git merge there, so the files follow the branch;
    // git refuses rather than overwrite local changes.
    const args = plan.strategy === 'ff' ? ['merge', '--ff-only', plan.head] : ['merge', '--no-ff', '-m', message, plan.head];
    const done = await gitMaybe(plan.checkout, args);
    if (done === null) {
      await gitMaybe(plan.checkout, ['merge', '--abort']);
      throw new WtError(`git ${args.join(' ')} in ${plan.checkout} failed (local changes in the way?)`, `commit or stash the changes in ${plan.checkout} and land again`);
    }
    return (await git(plan.checkout, ['rev-parse', 'HEAD'])).trim();
  }
  let next = plan.head;
  if (plan.strategy === 'merge') {
    const tree = await gitMaybe(repo.mainWorktree, ['merge-tree', '--write-tree', plan.target_commit, plan.head]);
    if (tree === null) throw new WtError(`${plan.from} does not merge cleanly into ${plan.target}`, 'integrate again from the target, then land');
    next = (await git(repo.mainWorktree, ['commit-tree', tree.trim(), '-p', plan.target_commit, '-p', plan.head, '-m', message])).trim();
  }
  // Compare-and-swap: if the target moved after the plan, nothing changes.
  await git(repo.mainWorktree, ['update-ref', '-m', `wt-coord land: ${message}`, `refs/heads/${plan.target}`, next, plan.target_commit], 'the target moved while landing: run wt-coord land again');
  return next;
}
