// What every queue operation shares: the queue as one transaction sees it (tasks.json and
// instances.json together), lease expiry, ordering. Used by queue.ts (claims, completion, the
// leader's requeue and cancel) and task-intake.ts (adding tasks); nothing here opens a transaction.
import { WtError } from '../../lib/errors.js';
import type { Transaction } from '../../store/store.js';
import { instanceName, instancesDoc, type Instance } from '../instances/instances.js';
import { defaultQueueSettings, readQueueSettings, type QueueSettings } from './queue-settings.js';
import { afterTaskReleased } from './task-end.js';
import { recordAttempt, taskNumber, tasksDoc, type Attempt, type Task, type TasksFile } from './tasks.js';
// Whoever opens or saves the queue gets what ends with a task (task-end.ts: its path claims are released)
// and the queue's views (task-assignments.json, progress-reports.json) registered.

/** Plain code-unit order, right for ISO-8601 times. Not localeCompare: its first call loads ICU's
 *  collator, ~8 ms that every coordinate.sh call would pay. */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}


export interface Queue {
  tx: Transaction;
  doc: TasksFile;
  instances: Instance[];
  settings: QueueSettings;
  now: Date;
}

/** The settings of the repository this coordination folder belongs to (every instance records its main checkout). */
export async function settingsFor(tx: Transaction, explicit?: QueueSettings): Promise<QueueSettings> {
  if (explicit) return explicit;
  const { instances } = await tx.get(instancesDoc);
  const main = instances[0]?.main_repo;
  return main ? readQueueSettings(main, tx.dir) : defaultQueueSettings();
}

export async function openQueue(tx: Transaction, settings?: QueueSettings, expire = true): Promise<Queue> {
  const doc = await tx.get(tasksDoc);
  const { instances } = await tx.get(instancesDoc);
  const queue: Queue = { tx, doc, instances, settings: await settingsFor(tx, settings), now: new Date() };
  if (expire) await expireLeases(queue);
  return queue;
}

/** Saves the queue, any task of which may have changed. */
export function save(queue: Queue): void {
  queue.tx.set(tasksDoc, queue.doc);
}

/**
 * Saves the queue when of its tasks only `tasks` changed (its other fields, next_token and
 * lost_leases, may have too): the others are written back as read (Transaction.setRecords).
 */
export function saveTasks(queue: Queue, ...tasks: Task[]): void {
  queue.tx.setRecords(tasksDoc, queue.doc, tasks);
}

export function saveInstances(queue: Queue): void {
  queue.tx.set(instancesDoc, { version: 1, instances: queue.instances });
}

export function instanceByName(queue: Queue, name: string | null): Instance | undefined {
  return name ? queue.instances.find((i) => i.name === name) : undefined;
}

export function requireInstance(queue: Queue, instanceId: number): Instance {
  const found = queue.instances.find((i) => i.id === instanceId);
  if (!found) throw new WtError(`${instanceName(instanceId)} is not registered in ${queue.tx.dir}`, 'was it torn down? `wt-coord status` lists the instances');
  return found;
}

export function findTask(queue: Queue, id: string): Task {
  const task = queue.doc.tasks.find((t) => t.id === id);
  if (!task) throw new WtError(`no task ${id} in the queue`, 'list the tasks with `wt-coord task list` or `cat .claude-coordination-shared/task-assignments.json`');
  return task;
}

/** When the holder's lease ends: its last call (or the claim) plus lease_minutes. */
export function leaseExpiry(task: Pick<Task, 'claimed_at'>, holder: Pick<Instance, 'last_seen'> | undefined, settings: QueueSettings): Date {
  const times = [task.claimed_at, holder?.last_seen].filter((t): t is string => Boolean(t)).map((t) => Date.parse(t));
  return new Date(Math.max(0, ...times) + settings.leaseMinutes * 60_000);
}

export function dropAssignment(queue: Queue, name: string | null, taskId: string): void {
  const holder = instanceByName(queue, name);
  if (holder && holder.assigned_tasks.includes(taskId)) {
    holder.assigned_tasks = holder.assigned_tasks.filter((t) => t !== taskId);
    saveInstances(queue);
  }
}

/** Ends a claim without completion: back to available, or failed once the attempts are used up. */
export async function releaseClaim(queue: Queue, task: Task, why: string, outcome: Attempt['outcome'] = 'failed'): Promise<void> {
  const holderName = task.claimed_by;
  recordAttempt(task, instanceByName(queue, holderName) ?? null, outcome, why, queue.now);
  dropAssignment(queue, holderName, task.id);
  task.status = task.attempts >= queue.settings.maxAttempts ? 'failed' : 'available';
  task.claimed_by = null;
  if (task.status === 'failed') task.completed_at = queue.now.toISOString();
  task.result = why;
  saveTasks(queue, task);
  await afterTaskReleased(queue.tx, task, instanceByName(queue, holderName) ?? null);
}

export async function expireLeases(queue: Queue): Promise<void> {
  for (const task of queue.doc.tasks) {
    if (task.status !== 'claimed') continue;
    const holder = instanceByName(queue, task.claimed_by);
    const expiry = leaseExpiry(task, holder, queue.settings);
    if (holder && expiry > queue.now) continue;
    const name = task.claimed_by!;
    queue.doc.lost_leases[name] = { task: task.id, token: task.token, expired_at: expiry.toISOString(), why: 'expired' };
    await releaseClaim(queue, task, holder ? `lease of ${name} expired at ${expiry.toISOString()}` : `${name} is no longer registered`, 'expired');
    queue.tx.event({ type: 'task.lease_expired', instance: name, data: { task: task.id, token: task.token, status: task.status } });
  }
}

/**
 * The leader (or a handoff) took a claimed task from its holder: its history records the attempt,
 * and the holder is fenced: its later report-progress, claim --task, complete and fail are refused
 * and told why, until it asks for work again.
 */
export function endClaimByOthers(queue: Queue, task: Task, outcome: Attempt['outcome'], why: string): void {
  const holder = instanceByName(queue, task.claimed_by);
  recordAttempt(task, holder ?? null, outcome, why, queue.now);
  if (task.claimed_by) queue.doc.lost_leases[task.claimed_by] = { task: task.id, token: task.token, expired_at: queue.now.toISOString(), why };
}

export function isReady(task: Task, byId: TaskLookup): boolean {
  return task.status === 'available' && task.dependencies.every((d) => byId.get(d)?.status === 'done');
}

export function byPriority(a: Task, b: Task): number {
  return a.priority - b.priority || compareText(a.created_at, b.created_at) || taskNumber(a.id) - taskNumber(b.id);
}

/** The queue's tasks by id. */
export type TaskLookup = Pick<Map<string, Task>, 'get' | 'has'>;

/**
 * The queue's tasks by id, indexed on the first lookup: a queue without dependencies needs none
 * on most calls, and indexing 5,000 tasks costs a call ~1 ms.
 */
export function tasksById(doc: TasksFile): TaskLookup {
  let index: Map<string, Task> | undefined;
  const indexed = () => (index ??= new Map(doc.tasks.map((t) => [t.id, t])));
  return { get: (id) => indexed().get(id), has: (id) => indexed().has(id) };
}

export function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}…`;
}
