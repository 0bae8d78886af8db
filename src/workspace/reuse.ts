// A second `run` reuses the instances a first one left idle instead of spawning beside them. An
// instance is reused only when nothing of it would be lost, by the same rule teardown applies: no
// uncommitted change, no commit that no merge target holds (main's branch, the branch it started
// from, wt/integration), no task held. Its branch then moves to the new base (nothing on it is
// lost: every commit is in a target), so it starts where a fresh instance would. One whose
// dependencies changed since it was made (package.json, a lockfile) is not reused: its
// node_modules would be stale.
import { dirtyFiles, git, gitMaybe } from '../lib/git.js';
import { instancesDoc, type Instance } from '../coord/instances/index.js';
import { readDoc, transact } from '../coord/transact.js';
import { storeSelection } from '../coord/store-choice.js';
import { dependencyInputs } from './deps.js';
import type { RepoContext } from './repo.js';
import { unmergedCommits } from './teardown.js';

export interface ReuseCandidate {
  instance: Instance;
  /** Why it cannot be reused; null: it can. */
  notReusable: string | null;
}

async function whyNotReusable(repo: RepoContext, instance: Instance, agent: string | null, baseCommit: string): Promise<string | null> {
  if (instance.status !== 'active') return `it is ${instance.status}`;
  if (instance.assigned_tasks.length > 0) return `it holds ${instance.assigned_tasks.join(', ')}`;
  if ((instance.agent ?? null) !== agent) return `it was made for the agent ${instance.agent ?? '(none)'}`;
  const dirty = await dirtyFiles(instance.worktree).catch(() => null);
  if (dirty === null) return 'its worktree is missing or unreadable';
  if (dirty.length > 0) return `${dirty.length} uncommitted change(s) (${dirty.slice(0, 3).map((l) => l.slice(3)).join(', ')})`;
  const unmerged = await unmergedCommits(repo, instance);
  if (unmerged.length > 0) return `${unmerged.length} commit(s) on ${instance.branch} not yet integrated`;
  const changed = await gitMaybe(repo.mainWorktree, ['diff', '--name-only', instance.base_commit, baseCommit, '--', ...dependencyInputs()]);
  if (changed === null || changed.trim()) return 'its dependencies changed since it was made';
  return null;
}

/** This machine's instances, each with why it cannot be reused (null when it can), in id order. */
export async function reuseCandidates(repo: RepoContext, agent: string | null, baseCommit: string): Promise<ReuseCandidate[]> {
  const here = storeSelection(repo.coordDir)?.machine ?? null;
  const { instances } = await readDoc(repo.coordDir, instancesDoc);
  const mine = instances.filter((i) => !here || !i.machine || i.machine === here).sort((a, b) => a.id - b.id);
  return Promise.all(mine.map(async (instance) => ({ instance, notReusable: await whyNotReusable(repo, instance, agent, baseCommit) })));
}

/** Moves a reusable instance to the new base, as if just spawned from it. */
export async function reuseInstance(repo: RepoContext, instance: Instance, baseCommit: string, baseRef: string): Promise<void> {
  await git(instance.worktree, ['reset', '--quiet', '--hard', baseCommit], `${instance.name} could not move to ${baseRef}`);
  await transact(repo.coordDir, async (tx) => {
    const doc = await tx.get(instancesDoc);
    const entry = doc.instances.find((i) => i.id === instance.id);
    if (!entry) return;
    Object.assign(entry, { base_commit: baseCommit, base_ref: baseRef, progress: 0, progress_message: null });
    tx.set(instancesDoc, doc);
    tx.event({ type: 'instance.reused', instance: instance.name, data: { base_commit: baseCommit, base_ref: baseRef } });
  });
}
