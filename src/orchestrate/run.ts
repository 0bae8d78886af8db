// `wt-coord run "<goal>" -w <n>` (seed 001's Option C): validate everything first, then init, write
// the goal to master-plan.md, import the tasks (or let instance 1 plan them), spawn, start the
// agents and supervise until the queue is done or stuck; finish with a report built from results/.
import path from 'node:path';
import { UsageError, WtError } from '../lib/errors.js';
import { instancesDoc } from '../coord/instances/index.js';
import { appendGoal, checkGoal } from '../coord/master-plan.js';
import { cancelTask, listTasks, requeueTask, summarize } from '../coord/queue/index.js';
import { addTask, addTasks, importTaskList, type TaskInput } from '../coord/queue/index.js';
import { tasksDoc, type Task } from '../coord/queue/index.js';
import { writeFileAtomic } from '../lib/atomic.js';
import { readDoc, transact } from '../coord/transact.js';
import { ensureInitialized } from '../workspace/init.js';
import { hasCommits, type RepoContext } from '../workspace/repo.js';
import { resolveBase, spawnInstances } from '../workspace/spawn.js';
import { reuseCandidates, reuseInstance } from '../workspace/reuse.js';
import { installAgentIntegration } from '../agents/install.js';
import { shellQuote } from '../lib/shell-quote.js';
import { resolveAgentCommand } from '../agents/agent-command.js';
import { DEFAULT_AGENT, listAgentStatuses, startAgents, stopAgents, type AgentStatus } from '../agents/launcher.js';
import { collectAgents, DEFAULT_WAIT_ALERT_MS, describeAgent, WaitAlerts, type AgentsReport } from '../agents/observe/index.js';
import { wakeIdleAgents } from '../agents/wake/index.js';
import { tmuxAvailable } from '../agents/tmux.js';
import { collectReport, renderReport, type RunReport } from './report.js';
import { acquireRunLock } from './run-lock.js';
import { ensureSetupApproved, isSetupApproved } from '../workspace/setup-approval.js';
import { mergeQueuedMemory } from '../workspace/memory-merge-run.js';
import { driverFor } from '../agents/drivers/index.js';
import { assertPreflight } from '../agents/launch/index.js';
import { planningTaskInput, readAndCheckTaskFile, tasksFromPlanResult } from './task-plan.js';


export interface RunOptions {
  goal: string;
  workers: number;
  tasksFile?: string;
  agent?: string;
  taskTimeoutMs?: number;
  maxRestarts: number;
  base?: string;
  noTmux?: boolean;
  /** --yes: approve wt-coord.yaml's setup commands (see workspace/setup-approval.ts). */
  yes?: boolean;
  pollMs?: number;
  /** Raise an alert when an agent has waited for a person this long (default 2 minutes). */
  alertAfterMs?: number;
  /** A shell command to run for each alert (WT_COORD_ALERT_* variables say which agent and why). */
  alertCommand?: string | null;
  /** Where a relative agent or tasks path is resolved. */
  cwd: string;
  onLine: (line: string) => void;
}

/** "90s", "30m", "1.5h", or a plain number of minutes. */
export function parseDuration(text: string, what = '--task-timeout'): number {
  const match = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h)?$/.exec(text.trim());
  if (!match || Number(match[1]) <= 0) throw new UsageError(`${what} "${text}" is not a duration`, 'use e.g. 90s, 30m or 2h (a plain number means minutes)');
  const unit = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 }[(match[2] ?? 'm') as 'ms' | 's' | 'm' | 'h'];
  return Number(match[1]) * unit;
}

interface ValidatedRun {
  agentSpec: string;
  inputs: TaskInput[] | null;
}

/** Every check that can fail, before anything is created, spawned or started. */
export async function validateRun(repo: RepoContext, options: RunOptions): Promise<ValidatedRun> {
  checkGoal(options.goal, 'wt-coord run "what the agents should achieve" -w 3');
  // Setup commands someone else committed run only once approved: refused here, before the goal is written.
  if (!options.yes && !(await isSetupApproved(repo.config.setup))) await ensureSetupApproved(repo.config.setup, repo.mainWorktree, {});
  if (!(await hasCommits(repo.mainWorktree))) throw new WtError('the repository has no commits: instances start from a commit', 'make a first commit (git commit --allow-empty -m "initial commit") and run again');
  const { instances } = await readDoc(repo.coordDir, instancesDoc);
  if (instances.length + options.workers > repo.config.max_instances) {
    throw new WtError(`-w ${options.workers} would make ${instances.length + options.workers} instances, over max_instances (${repo.config.max_instances})`, 'use fewer workers, tear some instances down, or raise max_instances in wt-coord.yaml');
  }
  const command = resolveAgentCommand(options.agent ?? DEFAULT_AGENT, options.cwd);
  // What would stop the agent at its first screen, refused before anything is spawned.
  await assertPreflight([{ driver: driverFor(command.argv[0]!), argv: command.argv.slice(1) }], repo.mainWorktree);
  // Recorded on each instance with the program's absolute path, so `wt-coord start` later finds it from anywhere.
  const agentSpec = [command.argv[0]!, ...command.argv.slice(1)].map((w) => (/^[A-Za-z0-9_./=:@%+-]+$/.test(w) ? w : shellQuote(w))).join(' ');
  const existing = (await readDoc(repo.coordDir, tasksDoc)).tasks;
  const inputs = options.tasksFile ? await readAndCheckTaskFile(path.resolve(options.cwd, options.tasksFile), existing) : null;
  return { agentSpec, inputs };
}


const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Supervision {
  outcome: RunReport['outcome'];
  why: string;
  interventions: string[];
}

/** "instance-1 working, instance-2 idle, instance-3 waiting for permission (Bash: x) for 40s: wt-coord attach instance-3" */
function agentsPhrase(agents: AgentsReport['agents'], now: number): string {
  const started = agents.filter((a) => a.state !== 'not-started' && a.state !== 'stopped');
  if (started.length === 0) return 'no agent running';
  // The wait's length is left out of the line (it would change every second); the alert names it.
  return started.map((a) => (a.waiting_for_person ? describeAgent({ ...a, since: null }, now) : `${a.name} ${describeAgent(a, now).slice(a.name.length + 1)}`)).join(', ');
}

function progressLine(elapsedMs: number, tasks: Task[], agents: AgentsReport['agents']): string {
  const s = summarize(tasks);
  const working = tasks.filter((t) => t.status === 'claimed').map((t) => `${t.claimed_by} ${t.id}`);
  return `[${String(Math.round(elapsedMs / 1000)).padStart(4)}s] ${s.done}/${s.total} done, ${s.claimed} claimed${working.length ? ` (${working.join(', ')})` : ''}, ${s.ready} ready, ${s.waiting} waiting, ${s.failed} failed; agents: ${agentsPhrase(agents, Date.now())}`;
}

/**
 * Watches the queue and the agents until every task is finished or nothing can move. An agent that
 * exited while holding a task is restarted (it gets its task back) up to maxRestarts times; after
 * that its task goes back to the queue for another instance. A task claimed longer than the task
 * timeout is requeued (cancelled after max_attempts timeouts).
 */
async function supervise(repo: RepoContext, ids: number[], options: RunOptions, agentSpec: string, roles: Map<number, string>, scope: Set<string>, until?: (tasks: Task[]) => string | null): Promise<Supervision> {
  // A run waits for, judges and reports its own tasks: older ones (a task failed in an earlier run) never make it stuck.
  const ownTasks = async () => (await listTasks(repo.coordDir)).filter((t) => scope.has(t.id));
  const interventions: string[] = [];
  const restarts = new Map<number, number>();
  const timeouts = new Map<string, number>();
  const started = Date.now();
  let lastLine = '';
  const note = (line: string) => {
    interventions.push(line);
    options.onLine(line);
  };
  const restart = async (status: AgentStatus, why: string): Promise<boolean> => {
    const used = restarts.get(status.instance) ?? 0;
    if (used >= options.maxRestarts) return false;
    restarts.set(status.instance, used + 1);
    await startAgents(repo, [status.instance], { agent: agentSpec, noTmux: options.noTmux, cwd: options.cwd, restart: true, skipPreflight: true, roles });
    note(`${status.name}'s agent ${why}: restarted (${used + 1}/${options.maxRestarts})`);
    return true;
  };
  const alerts = new WaitAlerts(repo.coordDir, { afterMs: options.alertAfterMs ?? DEFAULT_WAIT_ALERT_MS, command: options.alertCommand ?? null });
  for (let round = 0; ; round++) {
    // Discoveries queued where no merger could write the bank (a sandboxed agent): the leader merges them.
    await mergeQueuedMemory(repo).catch((error: Error) => note(`merging the memory queue failed: ${error.message}`));
    const everyTask = await listTasks(repo.coordDir);
    const tasks = everyTask.filter((t) => scope.has(t.id));
    const statuses = await listAgentStatuses(repo, ids);
    // An agent whose turn ended with nothing ready waits at its prompt: give it the work that is ready now
    // (a task unblocked by another instance, a message).
    for (const nudge of await wakeIdleAgents(repo).catch(() => [])) options.onLine(`${nudge.name} was idle with work waiting: nudged`);
    // The panes are looked at every other round: a tmux call per agent is not free on a busy machine.
    const { agents } = await collectAgents(repo, { ids, pane: round % 2 === 0, usage: false });
    const line = progressLine(Date.now() - started, tasks, agents);
    if (line.slice(8) !== lastLine.slice(8)) options.onLine(line);
    lastLine = line;
    for (const alert of await alerts.check(agents)) note(alert);
    const stop = until?.(tasks);
    if (stop) return { outcome: 'done', why: stop, interventions };
    const s = summarize(tasks);
    if (s.available === 0 && s.claimed === 0) return { outcome: 'done', why: s.total ? `every task is finished (${s.done} done, ${s.failed} failed, ${s.cancelled} cancelled)` : 'the queue is empty', interventions };

    for (const status of statuses) {
      if (status.state === 'running' || status.state === 'stopped') continue;
      const held = everyTask.filter((t) => t.status === 'claimed' && t.claimed_by === status.name);
      const how = status.exit_code !== null ? `exited with code ${status.exit_code}` : 'died';
      if (held.length) {
        if (await restart(status, `${how} while holding ${held.map((t) => t.id).join(', ')}`)) continue;
        for (const t of held) {
          await requeueTask(repo.coordDir, t.id).catch(() => undefined);
          note(`${status.name}'s agent ${how} holding ${t.id} and has no restarts left: ${t.id} is back in the queue for another instance`);
        }
        await stopAgents(repo, [status.instance]).catch(() => undefined); // recorded as stopped: not restarted again
      } else if (s.ready > 0 && (await restart(status, `${how} while ${s.ready} task(s) are ready`))) {
        continue;
      }
    }

    if (options.taskTimeoutMs) {
      for (const t of tasks.filter((x) => x.status === 'claimed' && x.claimed_at)) {
        if (Date.now() - Date.parse(t.claimed_at!) < options.taskTimeoutMs) continue;
        const n = (timeouts.get(t.id) ?? 0) + 1;
        timeouts.set(t.id, n);
        if (n >= repo.config.max_attempts) {
          await cancelTask(repo.coordDir, t.id).catch(() => undefined);
          note(`${t.id} timed out ${n} times (last held by ${t.claimed_by}): cancelled`);
        } else {
          await requeueTask(repo.coordDir, t.id).catch(() => undefined);
          note(`${t.id} held by ${t.claimed_by} for over ${Math.round(options.taskTimeoutMs / 1000)}s: timed out, back in the queue (${n}/${repo.config.max_attempts})`);
        }
      }
    }

    const now = await listAgentStatuses(repo, ids);
    const fresh = summarize(await ownTasks());
    if (fresh.available > 0 && fresh.ready === 0 && fresh.claimed === 0) {
      return { outcome: 'stuck', why: `${fresh.available} task(s) wait on failed or cancelled tasks and can never start`, interventions };
    }
    if ((fresh.available > 0 || fresh.claimed > 0) && now.every((a) => a.state !== 'running')) {
      const canRestart = now.some((a) => a.state !== 'stopped' && (restarts.get(a.instance) ?? 0) < options.maxRestarts);
      if (!canRestart) return { outcome: 'stuck', why: `no agent is running and none can be restarted, with ${fresh.available + fresh.claimed} task(s) unfinished`, interventions };
    }
    await sleep(options.pollMs ?? 500);
  }
}

export interface RunResult {
  report: RunReport;
  text: string;
  reportFile: string;
  instances: string[];
  usedTmux: boolean;
}

interface Worker {
  id: number;
  name: string;
}

/**
 * The run's instances: idle ones an earlier run left, where nothing of them would be lost
 * (src/workspace/reuse.ts), then new ones for the rest. Says which were reused and why the others were not.
 */
async function reuseOrSpawn(repo: RepoContext, options: RunOptions, agentSpec: string | null): Promise<Worker[]> {
  const { baseCommit, baseRef } = await resolveBase(repo, options.base);
  const candidates = await reuseCandidates(repo, agentSpec, baseCommit);
  const agents = await listAgentStatuses(repo, candidates.map((c) => c.instance.id));
  const running = new Set(agents.filter((a) => a.state === 'running').map((a) => a.instance));
  const reusable = candidates.filter((c) => !c.notReusable && !running.has(c.instance.id)).slice(0, options.workers);
  for (const c of candidates) {
    const why = running.has(c.instance.id) ? 'its agent is running' : c.notReusable;
    if (why) options.onLine(`  not reusing ${c.instance.name}: ${why}`);
  }
  const workers: Worker[] = [];
  for (const { instance } of reusable) {
    await reuseInstance(repo, instance, baseCommit, baseRef);
    workers.push({ id: instance.id, name: instance.name });
    options.onLine(`  reusing ${instance.name}: ${instance.worktree} on ${instance.branch}, moved to ${baseRef} (it was idle, with nothing uncommitted or unintegrated)`);
  }
  const missing = options.workers - workers.length;
  if (missing === 0) return workers;
  options.onLine(`spawning ${missing} instance(s)...`);
  const spawned = await spawnInstances(repo, { count: missing, base: options.base, agent: agentSpec, installAgent: installAgentIntegration, approveSetup: { yes: Boolean(options.yes) } });
  if (spawned.failed.length) {
    const first = spawned.failed[0]!;
    throw new WtError(`${spawned.failed.length} instance(s) failed to spawn: ${first.error.message}`, first.error.hint);
  }
  for (const c of spawned.created) options.onLine(`  ${c.name}: ${c.worktree} on ${c.branch}`);
  return [...workers, ...spawned.created.map((c) => ({ id: c.id, name: c.name }))];
}

export async function runGoal(repo: RepoContext, options: RunOptions): Promise<RunResult> {
  const validated = await validateRun(repo, options);
  // One run per repository: a second one refuses naming the first (nothing written before this).
  const releaseRunLock = await acquireRunLock(repo.coordDir, options.goal);
  try {
    return await runValidated(repo, options, validated);
  } finally {
    await releaseRunLock();
  }
}

async function runValidated(repo: RepoContext, options: RunOptions, { agentSpec, inputs }: ValidatedRun): Promise<RunResult> {
  const startedAt = new Date().toISOString();
  await ensureInitialized(repo);
  const planFile = await appendGoal(repo.coordDir, options.goal, `wt-coord run, ${new Date().toISOString()}, ${options.workers} instance${options.workers === 1 ? '' : 's'}`);
  options.onLine(`goal written to ${planFile}`);
  let planningTask: Task | null = null;
  const scope = new Set<string>(); // this run's tasks
  if (inputs) {
    const imported = await importTaskList(repo.coordDir, inputs, undefined, path.basename(options.tasksFile!));
    for (const t of imported.tasks) scope.add(t.id);
    const same = imported.unchanged.length ? `; ${imported.unchanged.length} unchanged, imported before (${imported.unchanged.join(', ')})` : '';
    options.onLine(`imported ${imported.added.length} task(s) from ${options.tasksFile}${same}`);
  } else {
    planningTask = await addTask(repo.coordDir, planningTaskInput(options.goal.trim(), 'instance 1'));
    scope.add(planningTask.id);
    options.onLine(`no --tasks: ${planningTask.id} asks the first instance to plan the work`);
  }
  const workers = await reuseOrSpawn(repo, options, agentSpec);
  const ids = workers.map((c) => c.id);
  const roles = new Map<number, string>(planningTask ? [[ids[0]!, 'planner']] : []);
  const names = workers.map((c) => c.name);
  const usedTmux = !options.noTmux && tmuxAvailable();
  if (!usedTmux) options.onLine('tmux not available (not installed, --no-tmux, or WT_COORD_NO_TMUX=1): agents run as detached processes (wt-coord logs <k> -f follows one)');
  const interventions: string[] = [];
  let outcome: RunReport['outcome'] = 'done';
  let finalAgents: AgentsReport | null = null;
  let why = '';
  try {
    const firstIds = planningTask ? [ids[0]!] : ids;
    // Preflight ran before the spawn (validateRun).
    const { started } = await startAgents(repo, firstIds, { agent: agentSpec, noTmux: options.noTmux, cwd: options.cwd, roles, skipPreflight: true });
    for (const a of started) options.onLine(`  started ${a.name}'s agent ${a.session ? `in tmux session ${a.session} (wt-coord attach ${a.instance})` : `as pid ${a.pid}`}`);
    if (planningTask) {
      const planId = planningTask.id;
      const planned = await supervise(repo, firstIds, options, agentSpec, roles, scope, (tasks) => (tasks.find((t) => t.id === planId)?.status === 'done' ? 'planned' : null));
      interventions.push(...planned.interventions);
      const plan = (await listTasks(repo.coordDir)).find((t) => t.id === planId)!;
      if (plan.status !== 'done') {
        outcome = 'stuck';
        why = `the planning task ${planId} did not finish (${plan.status}${plan.result ? `: ${plan.result}` : ''})`;
      } else {
        const plannedInputs = await tasksFromPlanResult(plan.result ?? '', await listTasks(repo.coordDir));
        const added = await addTasks(repo.coordDir, plannedInputs, undefined, 'plan');
        for (const t of added) scope.add(t.id);
        options.onLine(`${names[0]} planned ${added.length} tasks; starting the other agents`);
        const still = await listAgentStatuses(repo, [ids[0]!]);
        const rest = ids.slice(1).concat(still[0]?.state === 'running' ? [] : [ids[0]!]);
        if (rest.length) await startAgents(repo, rest, { agent: agentSpec, noTmux: options.noTmux, cwd: options.cwd, roles, skipPreflight: true });
      }
    }
    if (!why) {
      const result = await supervise(repo, ids, options, agentSpec, roles, scope);
      outcome = result.outcome;
      why = result.why;
      interventions.push(...result.interventions);
    }
  } finally {
    // Agents get a moment to see the empty queue and exit on their own; the rest (an interactive
    // agent never exits by itself) are stopped. Their logs stay.
    // Each agent's last state and usage, before the supervisor stops the ones still running.
    finalAgents = await collectAgents(repo, { ids }).catch(() => null);
    let running: number[] = [];
    for (let i = 0; i < 10; i++) {
      running = (await listAgentStatuses(repo, ids)).filter((a) => a.state === 'running').map((a) => a.instance);
      if (running.length === 0 || why.startsWith('the planning task')) break;
      await sleep(300);
    }
    if (running.length) await stopAgents(repo, running).catch(() => undefined);
    // What the agents queued last is merged now: nothing is left pending after a run.
    await mergeQueuedMemory(repo).catch((error: Error) => options.onLine(`merging the memory queue failed: ${error.message}`));
  }
  const report = await collectReport(repo, { goal: options.goal.trim(), outcome, why, started_at: startedAt, instances: names, interventions, agents: finalAgents, tasks: scope });
  const text = renderReport(report);
  const reportFile = path.join(repo.coordDir, 'report.md');
  await writeFileAtomic(reportFile, text);
  await transact(repo.coordDir, async (tx) => tx.event({ type: 'run.finished', instance: 'leader', data: { outcome, why, report: reportFile } }));
  return { report, text, reportFile, instances: names, usedTmux };
}
