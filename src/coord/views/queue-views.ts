// The queue's views, in the seed's spirit: files anyone can `cat` from
// .claude-coordination-shared/. Derived from tasks.json and instances.json and rewritten under the
// same lock whenever either changes; never edited on their own.
//   task-assignments.json  task -> instance, the free (ready) tasks, the waiting ones
//   progress-reports.json  every instance's latest progress, task and message
import path from 'node:path';
import { readTextIfExists, toJsonText } from '../../lib/json-file.js';
import { type Transaction } from '../../store/store.js';
import { instancesDoc, type Instance } from '../instances/instances.js';
import { DEFAULT_QUEUE_SETTINGS, readQueueSettings, type QueueSettings } from '../queue/queue-settings.js';
import { tasksDoc, type Task } from '../queue/tasks.js';
import { leaseExpiry } from '../queue/queue-core.js';

export const TASK_ASSIGNMENTS_VIEW = 'task-assignments.json';
export const PROGRESS_REPORTS_VIEW = 'progress-reports.json';
export const QUEUE_VIEWS = [TASK_ASSIGNMENTS_VIEW, PROGRESS_REPORTS_VIEW];


export function taskAssignmentsView(tasks: Task[], instances: Instance[], settings: QueueSettings) {
  const byId = new Map(tasks.map((t) => [t.id, t]));
  const byName = new Map(instances.map((i) => [i.name, i]));
  const ready = (t: Task) => t.status === 'available' && t.dependencies.every((d) => byId.get(d)?.status === 'done');
  const ids = (status: Task['status']) => tasks.filter((t) => t.status === status).map((t) => t.id);
  return {
    assignments: Object.fromEntries(
      tasks.filter((t) => t.status === 'claimed').map((t) => [t.id, { instance: t.claimed_by, description: t.description, claimed_at: t.claimed_at, lease_expires_at: leaseExpiry(t, byName.get(t.claimed_by ?? ''), settings).toISOString(), token: t.token }]),
    ),
    by_instance: Object.fromEntries(instances.map((i) => [i.name, tasks.filter((t) => t.status === 'claimed' && t.claimed_by === i.name).map((t) => t.id)])),
    available: tasks.filter(ready).map((t) => ({ id: t.id, priority: t.priority, description: t.description })),
    waiting: tasks.filter((t) => t.status === 'available' && !ready(t)).map((t) => ({ id: t.id, waiting_on: t.dependencies.filter((d) => byId.get(d)?.status !== 'done') })),
    done: ids('done'),
    failed: ids('failed'),
    cancelled: ids('cancelled'),
  };
}

export function progressReportsView(tasks: Task[], instances: Instance[]) {
  return {
    instances: Object.fromEntries(
      instances.map((i) => {
        const held = tasks.filter((t) => t.status === 'claimed' && t.claimed_by === i.name);
        return [i.name, { task: held[0]?.id ?? null, task_description: held[0]?.description ?? null, progress: i.progress, message: i.progress_message, last_seen: i.last_seen }];
      }),
    ),
  };
}

/**
 * Views are derived: a view that is not a JSON object (truncated, hand-edited, emptied) is never an
 * obstacle. It is rebuilt from the documents like any other, and said so once on stderr (the next
 * call finds it valid and says nothing).
 */
async function stageView(tx: Transaction, file: string, text: string): Promise<void> {
  const current = await readTextIfExists(file);
  if (current === text) return; // unchanged: spare the fsync
  if (current !== null && !isJsonObject(current)) {
    process.stderr.write(`warning: ${file} was not a valid view (truncated or edited by hand); rebuilt it from tasks.json and instances.json\n`);
    tx.event({ type: 'view.rebuilt', instance: 'leader', data: { file: path.basename(file) } });
  }
  tx.writeView(file, text);
}

function isJsonObject(text: string): boolean {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value);
  } catch {
    return false;
  }
}

/** Writes both views from the transaction's documents (also used by `doctor --fix`). */
export async function writeQueueViews(tx: Transaction): Promise<void> {
  const { tasks } = await tx.get(tasksDoc);
  const { instances } = await tx.get(instancesDoc);
  const settings = instances[0] ? await readQueueSettings(instances[0].main_repo, tx.dir) : DEFAULT_QUEUE_SETTINGS;
  await stageView(tx, path.join(tx.dir, TASK_ASSIGNMENTS_VIEW), toJsonText(taskAssignmentsView(tasks, instances, settings)));
  await stageView(tx, path.join(tx.dir, PROGRESS_REPORTS_VIEW), toJsonText(progressReportsView(tasks, instances)));
}

