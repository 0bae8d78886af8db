// `wt-coord spawn <n>`: one isolated worktree per instance. Spawns are serialized by a spawn lock;
// a failing step rolls back only its own instance (worktree, branch, registration).
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { WtError } from '../errors.js';
import { branchExists, git, gitMaybe, resolveCommit } from '../git.js';
import { instanceName, instancesDoc, type Instance } from '../coord/instances.js';
import '../coord/views.js';
import { transact } from '../store/store.js';
import { withLock } from '../store/lock.js';
import { INSTANCE_KIT_DIR } from '../coord/views.js';
import { planDependencies, materializeDependencies, type DependencyPlan, type InstallStrategy, type MaterializeMethod } from './deps.js';
import { ensureExcluded } from './exclude.js';
import { ensureInitialized } from './init.js';
import { writeInstanceKit } from './kit.js';
import { hasCommits, type RepoContext } from './repo.js';
import { copyWorktreeIncludes } from './worktree-include.js';
import { setMemoryBankReadOnly } from './memory-bank-mode.js';

export const MEMORY_LINK = 'memory-bank-shared';
export const COORD_LINK = '.claude-coordination-shared';

/** Everything spawn writes into a worktree, kept out of `git status` through info/exclude. */
export const GENERATED_PATHS = [`/${MEMORY_LINK}`, `/${COORD_LINK}`, `/${INSTANCE_KIT_DIR}/`];

export interface SpawnOptions {
  count: number;
  base?: string;
  install?: InstallStrategy;
  agent?: string | null;
  onStep?: (instance: string, step: string) => void;
}

export interface SpawnedInstance {
  id: number;
  name: string;
  branch: string;
  worktree: string;
  dependencies: MaterializeMethod;
}

export function worktreePathFor(repo: RepoContext, id: number): string {
  return path.join(repo.instancesParent, `${repo.repoName}-${instanceName(id)}`);
}

export function branchFor(repo: RepoContext, id: number): string {
  return `${repo.config.branch_prefix}${id}`;
}

export function setupLogPath(repo: RepoContext, id: number): string {
  return path.join(repo.coordDir, 'logs', `${instanceName(id)}-setup.log`);
}

/** Next numbers: after the highest registered instance and any branch kept from an earlier one. */
async function nextIds(repo: RepoContext, registered: Instance[], count: number): Promise<number[]> {
  const branches = (await gitMaybe(repo.mainWorktree, ['for-each-ref', '--format=%(refname:short)', `refs/heads/${repo.config.branch_prefix}*`])) ?? '';
  const fromBranches = branches.split('\n').map((b) => Number(b.slice(repo.config.branch_prefix.length))).filter((n) => Number.isInteger(n) && n > 0);
  const highest = Math.max(0, ...registered.map((i) => i.id), ...fromBranches);
  return Array.from({ length: count }, (_, k) => highest + 1 + k);
}

async function validateSpawn(repo: RepoContext, options: SpawnOptions, registered: Instance[]): Promise<{ ids: number[]; baseCommit: string; baseRef: string }> {
  const max = repo.config.max_instances;
  if (registered.length + options.count > max) {
    throw new WtError(`spawning ${options.count} would make ${registered.length + options.count} instances, over max_instances (${max})`, 'spawn fewer, tear some down, or raise max_instances in wt-coord.yaml');
  }
  if (!(await hasCommits(repo.mainWorktree))) {
    throw new WtError('the repository has no commits: a worktree needs a commit to start from', 'make a first commit (git commit --allow-empty -m "initial commit") and spawn again');
  }
  const baseRef = options.base ?? 'HEAD';
  const baseCommit = await resolveCommit(repo.mainWorktree, baseRef);
  if (!baseCommit) throw new WtError(`--base ${baseRef} is not a commit in this repository`, 'name a branch, tag or commit that exists (git branch -a lists branches)');
  const ids = await nextIds(repo, registered, options.count);
  for (const id of ids) {
    const folder = worktreePathFor(repo, id);
    if (await fs.lstat(folder).then(() => true, () => false)) {
      throw new WtError(`target folder ${folder} already exists`, 'move or remove it, or set instances_dir in wt-coord.yaml');
    }
    if (await branchExists(repo.mainWorktree, branchFor(repo, id))) {
      throw new WtError(`branch ${branchFor(repo, id)} already exists`, `delete it (git branch -D ${branchFor(repo, id)}) or rename it`);
    }
  }
  return { ids, baseCommit, baseRef };
}

class StepError extends WtError {}

// `git worktree add` for several instances at once contends for git's own locks: one at a time.
let gitChain: Promise<unknown> = Promise.resolve();
function serializeGit<T>(fn: () => Promise<T>): Promise<T> {
  const next = gitChain.then(fn, fn);
  gitChain = next.catch(() => undefined);
  return next;
}

async function runStep<T>(instance: string, step: string, onStep: SpawnOptions['onStep'], fn: () => Promise<T>): Promise<T> {
  onStep?.(instance, step);
  try {
    return await fn();
  } catch (error) {
    const detail = error instanceof WtError ? error.message : (error as Error).message.split('\n').slice(0, 3).join(' | ');
    throw new StepError(`${instance}: step "${step}" failed: ${detail}`, error instanceof WtError ? error.hint : undefined);
  }
}

async function runSetupCommands(repo: RepoContext, id: number, worktree: string, log: (text: string) => Promise<void>): Promise<void> {
  for (const command of repo.config.setup) {
    const result = await execa(command, { cwd: worktree, shell: true, all: true, reject: false, env: { WT_COORD_INSTANCE: String(id) } });
    await log(`$ ${command}\n${result.all ?? ''}\n(exit ${result.exitCode})\n`);
    if (result.exitCode !== 0) {
      const tail = (result.all ?? '').trim().split('\n').slice(-3).join(' | ');
      throw new WtError(`setup command \`${command}\` exited ${result.exitCode}: ${tail || '(no output)'}`, `see ${setupLogPath(repo, id)}`);
    }
  }
}

async function rollback(repo: RepoContext, instance: Instance): Promise<void> {
  await gitMaybe(repo.mainWorktree, ['worktree', 'remove', '--force', '--force', instance.worktree]);
  await fs.rm(instance.worktree, { recursive: true, force: true });
  await gitMaybe(repo.mainWorktree, ['worktree', 'prune']);
  await gitMaybe(repo.mainWorktree, ['branch', '-D', instance.branch]);
  await transact(repo.coordDir, async (tx) => {
    const doc = await tx.get(instancesDoc);
    tx.set(instancesDoc, { ...doc, instances: doc.instances.filter((i) => i.id !== instance.id) });
    tx.event({ type: 'instance.rolled_back', instance: instance.name });
  });
}

async function createInstance(repo: RepoContext, instance: Instance, plan: DependencyPlan, options: SpawnOptions): Promise<SpawnedInstance> {
  const step = <T>(name: string, fn: () => Promise<T>) => runStep(instance.name, name, options.onStep, fn);
  const logFile = setupLogPath(repo, instance.id);
  const log = (text: string) => fs.appendFile(logFile, text);
  await step('worktree', () => serializeGit(() => git(repo.mainWorktree, ['worktree', 'add', '-b', instance.branch, instance.worktree, instance.base_commit])));
  await step('links', async () => {
    await fs.symlink(repo.memoryBankDir, path.join(instance.worktree, MEMORY_LINK));
    await fs.symlink(repo.coordDir, path.join(instance.worktree, COORD_LINK));
  });
  await step('worktreeinclude', () => copyWorktreeIncludes(repo.mainWorktree, instance.worktree));
  const dependencies = await step('dependencies', () => materializeDependencies(plan, repo.mainWorktree, instance.worktree, log));
  await step('kit', () => writeInstanceKit(instance));
  await step('setup', () => runSetupCommands(repo, instance.id, instance.worktree, log));
  await step('register', () =>
    transact(repo.coordDir, async (tx) => {
      const doc = await tx.get(instancesDoc);
      const entry = doc.instances.find((i) => i.id === instance.id);
      if (entry) entry.status = 'active';
      tx.set(instancesDoc, doc);
      tx.event({ type: 'instance.spawned', instance: instance.name, data: { branch: instance.branch, worktree: instance.worktree, dependencies } });
    }),
  );
  return { id: instance.id, name: instance.name, branch: instance.branch, worktree: instance.worktree, dependencies };
}

export interface SpawnResult {
  created: SpawnedInstance[];
  failed: { name: string; error: WtError }[];
  dependencyPlan: DependencyPlan;
}

export async function spawnInstances(repo: RepoContext, options: SpawnOptions): Promise<SpawnResult> {
  await ensureInitialized(repo);
  await fs.mkdir(path.join(repo.coordDir, 'logs'), { recursive: true });
  // Two spawns at once would pick the same numbers: the whole spawn holds one lock.
  return withLock(path.join(repo.coordDir, 'spawn.lock'), async () => {
    const registered = (await transact(repo.coordDir, async (tx) => (await tx.get(instancesDoc)).instances));
    const { ids, baseCommit, baseRef } = await validateSpawn(repo, options, registered);
    const plan = await planDependencies(repo.mainWorktree, baseCommit, options.install ?? repo.config.install);
    const generated = [...GENERATED_PATHS];
    if (plan.strategy !== 'no-package-json' && plan.strategy !== 'none') generated.push('node_modules/');
    await ensureExcluded(repo.commonDir, generated);
    const now = new Date().toISOString();
    const instances: Instance[] = ids.map((id) => ({
      id,
      name: instanceName(id),
      branch: branchFor(repo, id),
      worktree: worktreePathFor(repo, id),
      main_repo: repo.mainWorktree,
      memory_bank: repo.memoryBankDir,
      coordination: repo.coordDir,
      base_commit: baseCommit,
      base_ref: baseRef,
      created_at: now,
      agent: options.agent ?? null,
      status: 'creating',
      progress: 0,
      progress_message: null,
      assigned_tasks: [],
      last_seen: null,
    }));
    // Reserve the numbers first, so a crash mid-spawn leaves registrations `status` can show.
    await transact(repo.coordDir, async (tx) => {
      const doc = await tx.get(instancesDoc);
      tx.set(instancesDoc, { ...doc, instances: [...doc.instances, ...instances] });
    });
    const settled = await Promise.allSettled(instances.map((instance) => createInstance(repo, instance, plan, options)));
    const result: SpawnResult = { created: [], failed: [], dependencyPlan: plan };
    for (const [index, outcome] of settled.entries()) {
      const instance = instances[index]!;
      if (outcome.status === 'fulfilled') result.created.push(outcome.value);
      else {
        await rollback(repo, instance);
        const error = outcome.reason instanceof WtError ? outcome.reason : new WtError(String((outcome.reason as Error)?.message ?? outcome.reason));
        result.failed.push({ name: instance.name, error });
      }
    }
    if (result.created.length > 0) await setMemoryBankReadOnly(repo.memoryBankDir, true);
    return result;
  }, { timeoutMs: 30 * 60_000, staleMs: 60 * 60_000 });
}
