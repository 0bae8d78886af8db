// `wt-coord spawn <n>`: one isolated worktree per instance. Everything is checked before anything
// is written; spawns are serialized by a spawn lock; a failing step rolls back only its own
// instance (worktree, branch, registration) and the others stay usable.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { WtError } from '../lib/errors.js';
import { branchExists, git, gitMaybe, nulSplit, resolveCommit } from '../lib/git.js';
import { instanceName, instancesDoc, type Instance } from '../coord/instances/index.js';
import { readDoc, transact } from '../coord/transact.js';
import { storeSelection } from '../coord/store-choice.js';
import { withLock } from '../lib/lock.js';
import { cleanUpOnSignal } from '../lib/on-signal.js';
import { INSTANCE_KIT_DIR } from '../coord/views/index.js';
import { planDependencies, materializeDependencies, type DependencyPlan, type InstallStrategy, type MaterializeMethod } from './deps.js';
import { ensureExcluded } from './exclude.js';
import { ensureInitialized } from './init.js';
import { writeInstanceKit } from './kit.js';
import { installCommitGuard } from './commit-guard.js';
import { hasCommits, type RepoContext } from './repo.js';
import { copyWorktreeIncludes } from './worktree-include.js';
import { setMemoryBankReadOnly } from './memory-bank-mode.js';
import type { AgentIntegration, InstallAgent } from './agent-setup.js';
import { ensureSetupApproved, type ApprovalOptions } from './setup-approval.js';
import { assignPort, instanceEnvironment } from './ports.js';

export const MEMORY_LINK = 'memory-bank-shared';
export const COORD_LINK = '.claude-coordination-shared';

/** Everything spawn writes into a worktree, kept out of `git status` through info/exclude. */
export const GENERATED_PATHS = [`/${MEMORY_LINK}`, `/${COORD_LINK}`, `/${INSTANCE_KIT_DIR}/`];

/** The steps of one instance, in order: the progress display and error messages name them. */
export const SPAWN_STEPS = ['worktree', 'links', 'worktreeinclude', 'dependencies', 'kit', 'commit-guard', 'agent', 'setup', 'register'] as const;
export type SpawnStep = (typeof SPAWN_STEPS)[number];

export type SpawnEvent =
  | { kind: 'plan'; instances: string[]; dependencies: DependencyPlan }
  | { kind: 'step'; instance: string; step: SpawnStep }
  | { kind: 'done'; instance: string }
  | { kind: 'failed'; instance: string; step: SpawnStep | null; message: string };

export interface SpawnOptions {
  count: number;
  base?: string;
  install?: InstallStrategy;
  agent?: string | null;
  /** Writes the agent's guidance, hooks and MCP registration (src/agents/install.ts). */
  installAgent: InstallAgent;
  onEvent?: (event: SpawnEvent) => void;
  /** wt-coord.yaml's setup commands run only once this user approved them (--yes, or asked on a terminal). */
  approveSetup?: ApprovalOptions;
}

export interface SpawnedInstance {
  id: number;
  name: string;
  branch: string;
  worktree: string;
  base_commit: string;
  dependencies: MaterializeMethod;
  setup_log: string;
  /** Guidance, hooks and MCP registration written for the instance's agent (src/agents/install.ts). */
  agent: AgentIntegration;
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

const exists = (p: string) => fs.lstat(p).then(() => true, () => false);

/** Next numbers: after the highest registered instance and any branch kept from an earlier one. */
async function nextIds(repo: RepoContext, registered: Instance[], count: number): Promise<number[]> {
  const branches = (await gitMaybe(repo.mainWorktree, ['for-each-ref', '--format=%(refname:short)', `refs/heads/${repo.config.branch_prefix}*`])) ?? '';
  const fromBranches = branches.split('\n').map((b) => Number(b.slice(repo.config.branch_prefix.length))).filter((n) => Number.isInteger(n) && n > 0);
  const highest = Math.max(0, ...registered.map((i) => i.id), ...fromBranches);
  return Array.from({ length: count }, (_, k) => highest + 1 + k);
}

/** A free port for each new instance, none held by a registered one (spawns hold the spawn lock, so two cannot pick the same). */
async function assignPorts(repo: RepoContext, registered: Instance[], ids: number[]): Promise<number[]> {
  const range = { base: repo.config.port_base, range: repo.config.port_range };
  if (range.base + range.range - 1 > 65535) throw new WtError(`port_base ${range.base} + port_range ${range.range} goes past 65535`, 'lower port_base or port_range in wt-coord.yaml');
  const taken = new Set(registered.map((i) => i.port).filter((p): p is number => p !== null));
  const ports: number[] = [];
  for (const id of ids) {
    const port = await assignPort(instanceName(id), range, taken);
    taken.add(port);
    ports.push(port);
  }
  return ports;
}

/** The branch HEAD names, so teardown can later ask "is this merged into main?", not into a bare commit. */
async function nameOfBase(repo: RepoContext, ref: string): Promise<string> {
  if (ref !== 'HEAD') return ref;
  return (await gitMaybe(repo.mainWorktree, ['symbolic-ref', '--short', '-q', 'HEAD']))?.trim() || 'HEAD';
}

interface ValidatedSpawn {
  ids: number[];
  baseCommit: string;
  baseRef: string;
}

/** A check that a spawn running at the same time can change the answer of: the numbers it takes. */
class NumberingError extends WtError {}

/** Every check spawn makes before it writes anything: a refusal leaves the repository as it was. */
async function validateSpawn(repo: RepoContext, options: SpawnOptions, registered: Instance[]): Promise<ValidatedSpawn> {
  const max = repo.config.max_instances;
  if (registered.length + options.count > max) {
    throw new NumberingError(`spawning ${options.count} would make ${registered.length + options.count} instances, over max_instances (${max})`, 'spawn fewer, tear some down, or raise max_instances in wt-coord.yaml');
  }
  if (!(await hasCommits(repo.mainWorktree))) {
    throw new WtError('the repository has no commits: a worktree needs a commit to start from', 'make a first commit (git commit --allow-empty -m "initial commit") and spawn again');
  }
  const { baseCommit, baseRef } = await resolveBase(repo, options.base);
  // A path spawn generates that the base tracks would be overwritten: refuse instead.
  const clash = nulSplit(await gitMaybe(repo.mainWorktree, ['ls-tree', '-z', '--name-only', baseCommit, '--', MEMORY_LINK, COORD_LINK, INSTANCE_KIT_DIR]));
  if (clash.length > 0) {
    throw new WtError(`the base commit tracks ${clash.join(', ')}, which spawn would overwrite in every instance`, `rename or untrack it (git rm -r --cached ${clash[0]}) and commit`);
  }
  const ids = await nextIds(repo, registered, options.count);
  for (const id of ids) {
    const folder = worktreePathFor(repo, id);
    if (await exists(folder)) throw new NumberingError(`target folder ${folder} already exists`, 'move or remove it, or set instances_dir in wt-coord.yaml');
    if (await branchExists(repo.mainWorktree, branchFor(repo, id))) {
      throw new NumberingError(`branch ${branchFor(repo, id)} already exists`, `delete it (git branch -D ${branchFor(repo, id)}) or rename it`);
    }
  }
  const parent = await fs.stat(repo.instancesParent).catch(() => null);
  if (!parent?.isDirectory()) throw new WtError(`instances_dir ${repo.instancesParent} is not a folder`, 'create it, or set instances_dir in wt-coord.yaml');
  return { ids, baseCommit, baseRef };
}

/** The commit instances start from (`--base`, or HEAD) and the branch name it goes by. */
export async function resolveBase(repo: RepoContext, base: string | undefined): Promise<{ baseCommit: string; baseRef: string }> {
  const givenRef = base ?? 'HEAD';
  const baseCommit = await resolveCommit(repo.mainWorktree, givenRef);
  if (!baseCommit) throw new WtError(`--base ${givenRef} is not a commit in this repository`, 'name a branch, tag or commit that exists; git branch -a lists the branches');
  return { baseCommit, baseRef: await nameOfBase(repo, givenRef) };
}

/** A failure inside one instance's step: the message names the instance and the step. */
class StepError extends WtError {
  constructor(readonly step: SpawnStep, message: string, hint?: string) {
    super(message, hint);
  }
}

// `git worktree add` for several instances at once contends for git's own locks, and a git command
// run while another worktree is half-added can fail reading that worktree's records. So every git
// call of a spawn step goes through this FIFO chain: since each instance queues its `worktree add`
// first, later steps' git calls run only once every worktree of this spawn is complete.
let gitChain: Promise<unknown> = Promise.resolve();
function serializeGit<T>(fn: () => Promise<T>): Promise<T> {
  const next = gitChain.then(fn, fn);
  gitChain = next.catch(() => undefined);
  return next;
}

async function runSetupCommands(repo: RepoContext, instance: Instance, log: (text: string) => Promise<void>): Promise<void> {
  for (const command of repo.config.setup) {
    const result = await execa(command, {
      cwd: instance.worktree,
      shell: true,
      all: true,
      reject: false,
      stdin: 'ignore',
      env: { ...instanceEnvironment(instance), WT_COORD_WORKTREE: instance.worktree },
    });
    await log(`$ ${command}\n${result.all ?? ''}\n(exit ${result.exitCode ?? result.signal})\n`);
    if (result.exitCode !== 0) {
      const tail = (result.all ?? '').trim().split('\n').slice(-3).join(' | ');
      throw new WtError(`\`${command}\` exited ${result.exitCode ?? result.signal}: ${tail || '(no output)'}`, `full output in ${setupLogPath(repo, instance.id)}`);
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
  const logFile = setupLogPath(repo, instance.id);
  await fs.writeFile(logFile, `# ${instance.name} spawned ${instance.created_at} from ${instance.base_ref} (${instance.base_commit})\n`);
  const log = (text: string) => fs.appendFile(logFile, text);
  const step = async <T>(name: SpawnStep, fn: () => Promise<T>): Promise<T> => {
    options.onEvent?.({ kind: 'step', instance: instance.name, step: name });
    try {
      return await fn();
    } catch (error) {
      const detail = error instanceof WtError ? error.message : (error as Error).message.split('\n').slice(0, 3).join(' | ');
      await log(`step ${name} failed: ${(error as Error).message}\n`).catch(() => undefined);
      throw new StepError(name, `${instance.name}: step "${name}" failed: ${detail}`, error instanceof WtError ? error.hint : `see ${logFile}`);
    }
  };
  await step('worktree', () => serializeGit(() => git(repo.mainWorktree, ['worktree', 'add', '--quiet', '-b', instance.branch, instance.worktree, instance.base_commit])));
  await step('links', async () => {
    await fs.symlink(repo.memoryBankDir, path.join(instance.worktree, MEMORY_LINK));
    await fs.symlink(repo.coordDir, path.join(instance.worktree, COORD_LINK));
  });
  await step('worktreeinclude', () => copyWorktreeIncludes(repo.mainWorktree, instance.worktree));
  const dependencies = await step('dependencies', () => materializeDependencies(plan, repo.mainWorktree, instance.worktree, log));
  await step('kit', () => writeInstanceKit(instance));
  await step('commit-guard', () => serializeGit(() => installCommitGuard(repo.coordDir, repo.mainWorktree, instance.worktree)));
  const agent = await step('agent', () => serializeGit(() => options.installAgent(repo, instance)));
  await step('setup', () => runSetupCommands(repo, instance, log));
  await step('register', () =>
    transact(repo.coordDir, async (tx) => {
      const doc = await tx.get(instancesDoc);
      const entry = doc.instances.find((i) => i.id === instance.id);
      if (!entry) throw new WtError(`${instance.name} vanished from the registry while it was being made (torn down by another command?)`);
      entry.status = 'active';
      tx.set(instancesDoc, doc);
      tx.event({ type: 'instance.spawned', instance: instance.name, data: { branch: instance.branch, worktree: instance.worktree, dependencies } });
    }),
  );
  options.onEvent?.({ kind: 'done', instance: instance.name });
  return { id: instance.id, name: instance.name, branch: instance.branch, worktree: instance.worktree, base_commit: instance.base_commit, dependencies, setup_log: logFile, agent };
}

export interface SpawnResult {
  created: SpawnedInstance[];
  failed: { name: string; step: SpawnStep | null; error: WtError }[];
  dependencyPlan: DependencyPlan;
}

export async function spawnInstances(repo: RepoContext, options: SpawnOptions): Promise<SpawnResult> {
  // First without writing anything, so bad input changes nothing (not even `init`'s folders).
  const spawnLock = path.join(repo.coordDir, 'spawn.lock');
  const lockOptions = { timeoutMs: 30 * 60_000, staleMs: 60 * 60_000 };
  await validateSpawn(repo, options, (await readDoc(repo.coordDir, instancesDoc)).instances).catch(async (error: unknown) => {
    // A folder or branch in the way may be one a spawn running now is making (two spawns at once):
    // look again once it is done. With no coordination folder yet, no spawn can be running.
    if (!(error instanceof NumberingError) || !(await exists(repo.coordDir))) throw error;
    await withLock(spawnLock, async () => validateSpawn(repo, options, (await readDoc(repo.coordDir, instancesDoc)).instances), lockOptions);
  });
  await ensureSetupApproved(repo.config.setup, repo.mainWorktree, options.approveSetup ?? {});
  await fs.mkdir(path.join(repo.coordDir, 'logs'), { recursive: true });
  // Two spawns at once would pick the same numbers: the whole spawn holds one lock.
  return withLock(spawnLock, async () => {
    await ensureInitialized(repo);
    const registered = (await readDoc(repo.coordDir, instancesDoc)).instances;
    // Again under the lock: a spawn that ran while we waited took numbers and folders.
    const { ids, baseCommit, baseRef } = await validateSpawn(repo, options, registered);
    const plan = await planDependencies(repo.mainWorktree, baseCommit, options.install ?? repo.config.install, repo.instancesParent);
    const names = ids.map(instanceName);
    options.onEvent?.({ kind: 'plan', instances: names, dependencies: plan });
    const generated = [...GENERATED_PATHS];
    if (plan.strategy !== 'no-package-json' && plan.strategy !== 'none') generated.push('node_modules/');
    await ensureExcluded(repo.commonDir, generated);
    const now = new Date().toISOString();
    const ports = await assignPorts(repo, registered, ids);
    const instances: Instance[] = ids.map((id, k) => ({
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
      machine: storeSelection(repo.coordDir)?.machine ?? null,
      port: ports[k]!,
    }));
    // Ctrl-C (or SIGTERM, SIGHUP) half-way rolls back every instance not yet made, exactly as a
    // failed step does, before the process dies of the signal: no half-made worktree or branch.
    const made = new Set<number>();
    // Once per instance: an interrupted step fails too, and both paths then roll the same one back.
    const rollbacks = new Map<number, Promise<void>>();
    const rollBack = (instance: Instance) => rollbacks.get(instance.id) ?? rollbacks.set(instance.id, rollback(repo, instance)).get(instance.id)!;
    const rollBackUnfinished = async () => {
      for (const instance of instances) if (!made.has(instance.id)) await rollBack(instance).catch(() => undefined);
    };
    const result = await cleanUpOnSignal(rollBackUnfinished, async () => {
      // Reserve the numbers first, so a crash mid-spawn leaves registrations `status` shows and teardown removes.
      await transact(repo.coordDir, async (tx) => {
        const doc = await tx.get(instancesDoc);
        // The spawn lock is per machine: in a shared store another machine may have taken a number since.
        const taken = doc.instances.find((i) => ids.includes(i.id));
        if (taken) throw new WtError(`${taken.name} was just registered by ${taken.machine ?? 'another spawn'}`, 'run spawn again: it numbers after the highest instance');
        tx.set(instancesDoc, { ...doc, instances: [...doc.instances, ...instances] });
      });
      // All instances in parallel: copies and installs overlap; only `git worktree add` takes turns.
      const settled = await Promise.allSettled(instances.map((instance) => createInstance(repo, instance, plan, options).then((spawned) => (made.add(instance.id), spawned))));
      const result: SpawnResult = { created: [], failed: [], dependencyPlan: plan };
      for (const [index, outcome] of settled.entries()) {
        const instance = instances[index]!;
        if (outcome.status === 'fulfilled') {
          result.created.push(outcome.value);
          continue;
        }
        const reason = outcome.reason as Error;
        const error = reason instanceof WtError ? reason : new WtError(`${instance.name}: ${String(reason?.message ?? reason)}`);
        const step = reason instanceof StepError ? reason.step : null;
        options.onEvent?.({ kind: 'failed', instance: instance.name, step, message: error.message });
        await rollBack(instance);
        result.failed.push({ name: instance.name, step, error });
      }
      return result;
    });
    const remaining = (await readDoc(repo.coordDir, instancesDoc)).instances.length;
    if (remaining > 0) await setMemoryBankReadOnly(repo.memoryBankDir, true);
    return result;
  }, lockOptions);
}
