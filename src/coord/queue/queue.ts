// The task queue's operations on claimed work: request-task, complete, fail, report-progress, and
// the leader's requeue and cancel (adding tasks is task-intake.ts). Each is one store transaction:
// it first expires the leases that ran out (so "at the next queue operation" holds for every
// caller), renews the caller's heartbeat, then changes tasks.json and instances.json together and
// records one event per change.
// Imported by coordinate.sh verbs: node built-ins, zod and the store only (yaml is loaded lazily).
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { ExitCode, UsageError, WtError } from '../../lib/errors.js';
import { removeStaleTempFiles } from '../../lib/atomic.js';
import { readDoc } from '../../store/store.js';
import { transact } from '../transact.js';
import { touchInstance } from '../instances/heartbeat.js';
import type { Instance } from '../instances/instances.js';
import {
  byPriority,
  clip,
  compareText,
  dropAssignment,
  endClaimByOthers,
  expireLeases,
  findTask,
  instanceByName,
  isReady,
  openQueue,
  releaseClaim,
  requireInstance,
  save,
  saveInstances,
  saveTasks,
  tasksById,
  type Queue,
  type TaskLookup,
} from './queue-core.js';
import type { QueueSettings } from './queue-settings.js';
import { afterTaskCompleted, afterTaskReleased } from './task-end.js';
import { MAX_RESULT, normalizeTaskId, recordAttempt, taskNumber, tasksDoc, type Task } from './tasks.js';
import { childProcess } from '../../lib/child-process.js';

export { leaseExpiry } from './queue-core.js';

export const RESULTS_DIR = 'results';

export function resultPath(coordDir: string, taskId: string): string {
  return path.join(coordDir, RESULTS_DIR, `${taskId}.md`);
}

// ---------- instance: request-task ----------

export type RequestResult =
  | { kind: 'claimed' | 'resumed'; task: Task; briefing: string }
  | { kind: 'none'; reason: 'all-claimed' | 'waiting-on-dependencies' | 'empty'; message: string };

export interface RequestOptions {
  taskId?: string;
  another?: boolean;
  settings?: QueueSettings;
}

function claim(queue: Queue, task: Task, instance: Instance): void {
  task.status = 'claimed';
  task.claimed_by = instance.name;
  task.claimed_at = queue.now.toISOString();
  task.completed_at = null;
  task.attempts += 1;
  task.token = queue.doc.next_token++;
  instance.assigned_tasks = [...instance.assigned_tasks.filter((t) => t !== task.id), task.id];
  instance.progress = 0;
  instance.progress_message = null;
  saveTasks(queue, task);
  saveInstances(queue);
  queue.tx.event({ type: 'task.claimed', instance: instance.name, data: { task: task.id, token: task.token, attempt: task.attempts } });
}

function describeBlockers(task: Task, byId: TaskLookup): string {
  const open = task.dependencies.map((d) => byId.get(d)!).filter((d) => d && d.status !== 'done');
  return open.map((d) => `${d.id} (${d.status}${d.claimed_by && d.status === 'claimed' ? ` by ${d.claimed_by}` : ''})`).join(', ');
}

function nothingReady(queue: Queue): RequestResult {
  const byId = tasksById(queue.doc);
  const available = queue.doc.tasks.filter((t) => t.status === 'available').sort(byPriority);
  const claimed = queue.doc.tasks.filter((t) => t.status === 'claimed');
  if (available.length > 0) {
    const stuck = available.filter((t) => t.dependencies.some((d) => ['failed', 'cancelled'].includes(byId.get(d)?.status ?? '')));
    const shown = available.slice(0, 3).map((t) => `${t.id} waits on ${describeBlockers(t, byId)}`).join('; ');
    const extra = stuck.length ? ` ${stuck.length} of them depend on a failed or cancelled task: the leader can \`wt-coord task requeue\` it.` : '';
    return { kind: 'none', reason: 'waiting-on-dependencies', message: `nothing ready: ${available.length} task(s) wait on dependencies (${shown}).${extra} Try again after those complete.` };
  }
  if (claimed.length > 0) {
    const shown = claimed.slice(0, 5).map((t) => `${t.id} (${t.claimed_by})`).join(', ');
    return { kind: 'none', reason: 'all-claimed', message: `nothing ready: every open task is claimed: ${shown}${claimed.length > 5 ? ', …' : ''}. Try again later.` };
  }
  const count = (s: Task['status']) => queue.doc.tasks.filter((t) => t.status === s).length;
  const message = queue.doc.tasks.length === 0
    ? 'the queue is empty: the leader has not added any tasks yet'
    : `the queue is empty: no task left to do (${count('done')} done, ${count('failed')} failed, ${count('cancelled')} cancelled)`;
  return { kind: 'none', reason: 'empty', message };
}

/** Earlier holders of the task: who, on which branch, how it ended, their last note (commits: withAttemptCommits). */
function previousAttempts(task: Task, commits: AttemptCommits): string[] {
  const lines = ['previous attempts (read them before you start; their work may be on their branch):'];
  for (const a of task.history) {
    lines.push(`  ${a.instance}${a.branch ? ` on ${a.branch}` : ''}: ${a.outcome}${a.reason ? `: ${clip(a.reason.trim(), 400)}` : ''}`);
    if (a.progress) lines.push(`    last progress note: ${clip(a.progress, 300)}`);
    const theirs = a.branch ? commits.get(a.branch) : undefined;
    if (theirs?.length) lines.push(`    commits on ${a.branch} (git log ${a.base?.slice(0, 10)}..${a.branch}):`, ...theirs.map((c) => `      ${c}`));
  }
  return lines;
}

/** branch -> its commits since the instance's base, newest first (`<short hash> <subject>`). */
type AttemptCommits = Map<string, string[]>;

/** The commits earlier attempts left on their branches: git, run after the transaction (never under the lock), only for a task with history. */
async function attemptCommits(task: Task, mainRepo: string | undefined): Promise<AttemptCommits> {
  const found: AttemptCommits = new Map();
  if (!mainRepo) return found;
  const { execFile } = childProcess();
  for (const a of task.history) {
    if (!a.branch || !a.base || found.has(a.branch)) continue;
    const out = await new Promise<string>((resolve) => execFile('git', ['log', '--format=%h %s', '-n', '10', `${a.base}..refs/heads/${a.branch}`, '--'], { cwd: mainRepo, encoding: 'utf8' }, (error, stdout) => resolve(error ? '' : stdout)));
    found.set(a.branch, out.split('\n').filter(Boolean));
  }
  return found;
}

/** What an agent needs to start: the task, its context, and what its dependencies produced. */
export function taskBriefing(task: Task, byId: TaskLookup, kind: 'claimed' | 'resumed', commits: AttemptCommits = new Map()): string {
  const lines = [
    `${kind === 'resumed' ? 'You already hold' : 'Claimed'} ${task.id} (priority ${task.priority}, attempt ${task.attempts}, token ${task.token}): ${task.description}`,
  ];
  if (task.context.files.length) lines.push(`files: ${task.context.files.join(', ')}`);
  if (task.context.hints) lines.push(`hints: ${task.context.hints}`);
  if (task.history.length) lines.push(...previousAttempts(task, commits));
  if (task.dependencies.length) {
    lines.push('results of the tasks it depends on:');
    for (const id of task.dependencies) {
      const dep = byId.get(id);
      const summary = dep?.result ? clip(dep.result.trim(), 600).split('\n').map((l) => `    ${l}`).join('\n') : '    (no summary)';
      lines.push(`  ${id} by ${dep?.claimed_by ?? '?'} (.claude-coordination-shared/${RESULTS_DIR}/${id}.md):`, summary);
    }
  }
  lines.push(
    'next:',
    `  report progress:  .claude-instance/coordinate.sh report-progress 50% "what you are doing"`,
    `  when done:        .claude-instance/coordinate.sh complete ${task.id} "summary of the result"`,
    `  if you cannot:    .claude-instance/coordinate.sh fail ${task.id} "why"`,
  );
  return lines.join('\n');
}

export async function requestTask(coordDir: string, instanceId: number, opts: RequestOptions = {}): Promise<RequestResult> {
  let mainRepo: string | undefined;
  let byIdSeen: TaskLookup = new Map<string, Task>();
  const result = await claimOrResume(coordDir, instanceId, opts, (repo, byId) => {
    mainRepo = repo;
    byIdSeen = byId;
  });
  if (result.kind === 'none' || result.task.history.length === 0) return result;
  // Earlier attempts' commits come from git, after the lock is released.
  return { ...result, briefing: taskBriefing(result.task, byIdSeen, result.kind, await attemptCommits(result.task, mainRepo)) };
}

async function claimOrResume(coordDir: string, instanceId: number, opts: RequestOptions, seen: (mainRepo: string, byId: TaskLookup) => void): Promise<RequestResult> {
  const wanted = opts.taskId === undefined ? undefined : normalizeTaskId(opts.taskId);
  return transact(coordDir, async (tx) => {
    const queue = await openQueue(tx, opts.settings);
    const me = requireInstance(queue, instanceId);
    await touchInstance(tx, instanceId, queue.now);
    if (queue.doc.lost_leases[me.name]) {
      delete queue.doc.lost_leases[me.name]; // asking for work acknowledges the lost lease
      saveTasks(queue);
    }
    const byId = tasksById(queue.doc);
    seen(me.main_repo, byId);
    const held = queue.doc.tasks.filter((t) => t.status === 'claimed' && t.claimed_by === me.name).sort((a, b) => compareText(a.claimed_at ?? '', b.claimed_at ?? ''));
    if (wanted) {
      const task = findTask(queue, wanted);
      if (task.status === 'claimed' && task.claimed_by === me.name) return { kind: 'resumed', task, briefing: taskBriefing(task, byId, 'resumed') };
      if (task.status === 'claimed') {
        throw new WtError(`${task.id} is held by ${task.claimed_by} (claimed ${task.claimed_at})`, 'request another task, or ask the leader to requeue it', ExitCode.conflict);
      }
      if (task.status !== 'available') throw new WtError(`${task.id} is ${task.status}, not available`, 'only available tasks can be claimed; the leader can `wt-coord task requeue` it', ExitCode.conflict);
      if (!isReady(task, byId)) throw new WtError(`${task.id} is not ready: it waits on ${describeBlockers(task, byId)}`, 'claim it after those are done, or request-task without an id', ExitCode.nothingReady);
      claim(queue, task, me);
      return { kind: 'claimed', task, briefing: taskBriefing(task, byId, 'claimed') };
    }
    if (held.length > 0 && !opts.another) return { kind: 'resumed', task: held[0]!, briefing: taskBriefing(held[0]!, byId, 'resumed') };
    let best: Task | undefined; // the first by priority: one pass, not a sort of every ready task
    for (const t of queue.doc.tasks) if (isReady(t, byId) && (best === undefined || byPriority(t, best) < 0)) best = t;
    if (!best) return nothingReady(queue);
    claim(queue, best, me);
    return { kind: 'claimed', task: best, briefing: taskBriefing(best, byId, 'claimed') };
  });
}

// ---------- instance: complete, fail, report-progress ----------

export interface HolderOptions {
  /** The fencing token request-task printed: refuses the call if the claim has changed since. */
  token?: number;
  settings?: QueueSettings;
}

function lostLeaseNote(queue: Queue, me: Instance, taskId?: string): string {
  const lost = queue.doc.lost_leases[me.name];
  if (!lost || (taskId && lost.task !== taskId)) return '';
  if (lost.why === 'expired') return `your lease on ${lost.task} expired at ${lost.expired_at} (no call for ${queue.settings.leaseMinutes} min); `;
  return `your claim on ${lost.task} ended at ${lost.expired_at} (${lost.why}); `;
}

/** The task `me` holds and acts on: the named one, or the only one it holds. Refuses anything else. */
function heldTask(queue: Queue, me: Instance, taskId: string | undefined, verb: string, token: number | undefined): Task {
  let task: Task;
  if (taskId === undefined) {
    const held = queue.doc.tasks.filter((t) => t.status === 'claimed' && t.claimed_by === me.name);
    if (held.length === 0) throw new WtError(`${lostLeaseNote(queue, me)}${me.name} holds no task to ${verb}`, 'request-task gets one', ExitCode.notHolder);
    if (held.length > 1) throw new UsageError(`${me.name} holds ${held.map((t) => t.id).join(', ')}: name the one to ${verb}`, `coordinate.sh ${verb} ${held[0]!.id} ...`);
    task = held[0]!;
  } else {
    task = findTask(queue, normalizeTaskId(taskId));
  }
  if (task.status !== 'claimed' || task.claimed_by !== me.name) {
    const now = task.status === 'claimed' ? `it is held by ${task.claimed_by}` : task.status === 'done' ? `it was done by ${task.claimed_by}` : `it is ${task.status}`;
    throw new WtError(`${lostLeaseNote(queue, me, task.id)}${me.name} does not hold ${task.id}: ${now}; nothing was changed`, 'request-task gets you a task; your work on this one was not recorded', ExitCode.notHolder);
  }
  if (token !== undefined && token !== task.token) {
    throw new WtError(`token ${token} is not the current claim of ${task.id} (token ${task.token}); nothing was changed`, 'that claim ended and the task was claimed again; use the token request-task printed last', ExitCode.notHolder);
  }
  return task;
}

export async function completeTask(coordDir: string, instanceId: number, taskId: string | undefined, summary: string, opts: HolderOptions = {}): Promise<{ task: Task; unblocked: Task[] }> {
  const text = summary.trim();
  if (text.length > MAX_RESULT) throw new UsageError(`the summary is ${text.length} characters, over the limit of ${MAX_RESULT}`, 'summarize; keep long output in a file in your branch');
  return transact(coordDir, async (tx) => {
    const queue = await openQueue(tx, opts.settings);
    const me = requireInstance(queue, instanceId);
    const task = heldTask(queue, me, taskId, 'complete', opts.token);
    await touchInstance(tx, instanceId, queue.now);
    task.status = 'done';
    task.completed_at = queue.now.toISOString();
    task.result = text || '(no summary)';
    me.assigned_tasks = me.assigned_tasks.filter((t) => t !== task.id);
    me.progress = 1;
    me.progress_message = `completed ${task.id}`;
    saveTasks(queue, task);
    saveInstances(queue);
    const byId = tasksById(queue.doc);
    const unblocked = queue.doc.tasks.filter((t) => t.dependencies.includes(task.id) && isReady(t, byId));
    // Committed with the task: a done task always has its result file, and a lost lock writes neither.
    mkdirSync(path.join(coordDir, RESULTS_DIR), { recursive: true });
    await removeStaleTempFiles(path.join(coordDir, RESULTS_DIR)); // an older version's complete killed mid-write
    tx.writeFile(resultPath(coordDir, task.id), renderResult(task));
    await afterTaskCompleted(tx, task, me);
    tx.event({ type: 'task.completed', instance: me.name, data: { task: task.id, token: task.token, unblocked: unblocked.map((t) => t.id) } });
    return { task, unblocked };
  });
}

function renderResult(task: Task): string {
  return [
    `# ${task.id}: ${task.description}`,
    '',
    `- done by: ${task.claimed_by}`,
    `- claimed: ${task.claimed_at}`,
    `- completed: ${task.completed_at}`,
    `- attempt: ${task.attempts}, token ${task.token}`,
    '',
    task.result ?? '',
    '',
  ].join('\n');
}

export async function failTask(coordDir: string, instanceId: number, taskId: string | undefined, reason: string, opts: HolderOptions = {}): Promise<Task> {
  const why = reason.trim();
  if (!why) throw new UsageError('fail needs a reason', 'coordinate.sh fail task-001 "why it cannot be done"');
  if (why.length > MAX_RESULT) throw new UsageError(`the reason is over the limit of ${MAX_RESULT} characters`, 'shorten it');
  return transact(coordDir, async (tx) => {
    const queue = await openQueue(tx, opts.settings);
    const me = requireInstance(queue, instanceId);
    const task = heldTask(queue, me, taskId, 'fail', opts.token);
    await touchInstance(tx, instanceId, queue.now);
    await releaseClaim(queue, task, why);
    me.progress = 0;
    me.progress_message = `gave up ${task.id}`;
    saveInstances(queue);
    tx.event({ type: 'task.failed', instance: me.name, data: { task: task.id, token: task.token, reason: clip(why, 500), attempts: task.attempts, final: task.status === 'failed' } });
    return task;
  });
}

export const MAX_PROGRESS_MESSAGE = 1_000;

export async function reportProgress(coordDir: string, instanceId: number, progress: number | undefined, message: string | undefined, opts: HolderOptions = {}): Promise<void> {
  if (progress !== undefined && !(Number.isFinite(progress) && progress >= 0 && progress <= 1)) {
    throw new UsageError(`progress must be between 0 and 1 (or 0% to 100%), got ${progress}`, 'e.g. report-progress 0.7 or report-progress 70%');
  }
  if (message !== undefined && message.length > MAX_PROGRESS_MESSAGE) throw new UsageError(`the progress message is over ${MAX_PROGRESS_MESSAGE} characters`, 'one line is enough');
  await transact(coordDir, async (tx) => {
    const queue = await openQueue(tx, opts.settings);
    const me = requireInstance(queue, instanceId);
    const held = queue.doc.tasks.filter((t) => t.status === 'claimed' && t.claimed_by === me.name);
    const lost = queue.doc.lost_leases[me.name];
    if (lost && held.length === 0) {
      throw new WtError(`${lostLeaseNote(queue, me)}${lost.task} is no longer yours, so this progress was not recorded`, 'run request-task to get work again', ExitCode.notHolder);
    }
    if (opts.token !== undefined && !held.some((t) => t.token === opts.token)) {
      throw new WtError(`${lostLeaseNote(queue, me)}token ${opts.token} is not a claim ${me.name} holds${held.length ? ` (yours: ${held.map((t) => `${t.id} token ${t.token}`).join(', ')})` : ''}; nothing was recorded`, 'that claim ended; run request-task to get work again', ExitCode.notHolder);
    }
    await touchInstance(tx, instanceId, queue.now);
    if (progress !== undefined) me.progress = progress;
    if (message !== undefined) me.progress_message = message;
    saveInstances(queue);
    tx.event({ type: 'progress.reported', instance: me.name, data: { progress: me.progress, message: me.progress_message, tasks: held.map((t) => t.id) } });
  });
}

// ---------- leader: reading and fixing ----------

export async function listTasks(coordDir: string): Promise<Task[]> {
  const doc = await readDoc(coordDir, tasksDoc);
  return [...doc.tasks].sort((a, b) => taskNumber(a.id) - taskNumber(b.id));
}

export async function getTask(coordDir: string, taskId: string): Promise<Task> {
  const id = normalizeTaskId(taskId);
  const found = (await readDoc(coordDir, tasksDoc)).tasks.find((t) => t.id === id);
  if (!found) throw new WtError(`no task ${id} in the queue`, '`wt-coord task list` shows the tasks');
  return found;
}

export async function requeueTask(coordDir: string, taskId: string, settings?: QueueSettings): Promise<Task> {
  const id = normalizeTaskId(taskId);
  return transact(coordDir, async (tx) => {
    const queue = await openQueue(tx, settings);
    const task = findTask(queue, id);
    if (task.status === 'available') throw new WtError(`${task.id} is already available`, 'nothing to requeue');
    const previous = { status: task.status, holder: task.claimed_by };
    if (task.status === 'claimed') {
      endClaimByOthers(queue, task, 'requeued', 'requeued by the leader');
      dropAssignment(queue, task.claimed_by, task.id);
      await afterTaskReleased(tx, task, instanceByName(queue, task.claimed_by) ?? null);
    }
    Object.assign(task, { status: 'available', claimed_by: null, claimed_at: null, completed_at: null, attempts: 0, result: null });
    save(queue);
    tx.event({ type: 'task.requeued', instance: 'leader', data: { task: task.id, was: previous.status, holder: previous.holder } });
    return task;
  });
}

export async function cancelTask(coordDir: string, taskId: string, settings?: QueueSettings): Promise<Task> {
  const id = normalizeTaskId(taskId);
  return transact(coordDir, async (tx) => {
    const queue = await openQueue(tx, settings);
    const task = findTask(queue, id);
    if (task.status === 'done' || task.status === 'cancelled') throw new WtError(`${task.id} is already ${task.status}`, 'nothing to cancel');
    const holder = task.claimed_by;
    if (task.status === 'claimed') {
      endClaimByOthers(queue, task, 'cancelled', 'cancelled by the leader');
      dropAssignment(queue, holder, task.id);
      await afterTaskReleased(tx, task, instanceByName(queue, holder) ?? null);
    }
    Object.assign(task, { status: 'cancelled', claimed_by: null, completed_at: queue.now.toISOString() });
    save(queue);
    tx.event({ type: 'task.cancelled', instance: 'leader', data: { task: task.id, holder } });
    return task;
  });
}

/** Teardown: tasks held by removed instances go back to the queue. */
export async function releaseTasksOf(coordDir: string, names: string[], settings?: QueueSettings): Promise<string[]> {
  return transact(coordDir, async (tx) => {
    const queue = await openQueue(tx, settings, false); // released below as removed, not as expired
    const released: string[] = [];
    for (const task of queue.doc.tasks) {
      if (task.status !== 'claimed' || !names.includes(task.claimed_by ?? '')) continue;
      const holder = task.claimed_by;
      recordAttempt(task, instanceByName(queue, holder) ?? null, 'released', 'its instance was torn down', queue.now);
      dropAssignment(queue, holder, task.id);
      await afterTaskReleased(tx, task, instanceByName(queue, holder) ?? null);
      Object.assign(task, { status: 'available', claimed_by: null });
      tx.event({ type: 'task.released', instance: holder ?? undefined, data: { task: task.id, why: 'instance removed' } });
      released.push(task.id);
    }
    for (const name of names) delete queue.doc.lost_leases[name];
    save(queue);
    await expireLeases(queue);
    return released;
  });
}

export interface QueueSummary {
  total: number;
  available: number;
  ready: number;
  waiting: number;
  claimed: number;
  done: number;
  failed: number;
  cancelled: number;
}

export function summarize(tasks: Task[]): QueueSummary {
  const byId = new Map(tasks.map((t) => [t.id, t]));
  const count = (s: Task['status']) => tasks.filter((t) => t.status === s).length;
  const ready = tasks.filter((t) => isReady(t, byId)).length;
  return { total: tasks.length, available: count('available'), ready, waiting: count('available') - ready, claimed: count('claimed'), done: count('done'), failed: count('failed'), cancelled: count('cancelled') };
}

export async function queueSummary(coordDir: string): Promise<QueueSummary> {
  return summarize(await listTasks(coordDir));
}

