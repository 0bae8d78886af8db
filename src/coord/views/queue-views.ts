// The queue's views, in the seed's spirit: files anyone can `cat` from
// .claude-coordination-shared/. Derived from tasks.json and instances.json and rewritten under the
// same lock whenever either changes; never edited on their own.
//   task-assignments.json  task -> instance, the free (ready) tasks, the waiting ones
//   progress-reports.json  every instance's latest progress, task and message
// Most calls change only instances.json (a heartbeat, a channel, a path claim), and what the views
// take from instances there is small: the lease expiries, the progress. task-assignments.json
// records the digest of the tasks.json it was rendered from (its checksum: src/lib/seal.ts); when
// tasks.json is unchanged and still has that digest, such a call updates those parts in the current
// views instead of parsing the whole queue again (at 5,000 tasks that was most of the call).
// Anything else (a digest that differs, a hand-edited tasks.json, a view that does not read back,
// an instance added or removed) renders both views from the documents.
import path from 'node:path';
import { z } from 'zod';
import { readTextIfExists, toRecordsText } from '../../lib/json-file.js';
import { type Transaction } from '../../store/store.js';
import { instancesDoc, type Instance } from '../instances/instances.js';
import { defaultQueueSettings, readQueueSettings, type QueueSettings } from '../queue/queue-settings.js';
import { tasksDoc, type Task } from '../queue/tasks.js';
import { leaseExpiry } from '../queue/queue-core.js';

export const TASK_ASSIGNMENTS_VIEW = 'task-assignments.json';
export const PROGRESS_REPORTS_VIEW = 'progress-reports.json';
export const QUEUE_VIEWS = [TASK_ASSIGNMENTS_VIEW, PROGRESS_REPORTS_VIEW];


/** One pass over the queue (at 5,000 tasks each pass is a measurable part of a call). */
export function taskAssignmentsView(tasks: Task[], instances: Instance[], settings: QueueSettings, tasksDigest: string) {
  let byId: Map<string, Task> | undefined; // only a queue with dependencies needs it
  const isDone = (id: string) => (byId ??= new Map(tasks.map((t) => [t.id, t]))).get(id)?.status === 'done';
  const byName = new Map(instances.map((i) => [i.name, i]));
  const assignments = new Map<string, unknown>();
  const byInstance = new Map(instances.map((i) => [i.name, [] as string[]]));
  const available: { id: string; priority: number; description: string }[] = [];
  const waiting: { id: string; waiting_on: string[] }[] = [];
  const ended: Record<'done' | 'failed' | 'cancelled', string[]> = { done: [], failed: [], cancelled: [] };
  for (const t of tasks) {
    if (t.status === 'claimed') {
      assignments.set(t.id, { instance: t.claimed_by, description: t.description, claimed_at: t.claimed_at, lease_expires_at: leaseExpiry(t, byName.get(t.claimed_by ?? ''), settings).toISOString(), token: t.token });
      byInstance.get(t.claimed_by ?? '')?.push(t.id);
    } else if (t.status === 'available') {
      const waitingOn = t.dependencies.length === 0 ? [] : t.dependencies.filter((d) => !isDone(d));
      if (waitingOn.length === 0) available.push({ id: t.id, priority: t.priority, description: t.description });
      else waiting.push({ id: t.id, waiting_on: waitingOn });
    } else {
      ended[t.status].push(t.id);
    }
  }
  return {
    assignments: Object.fromEntries(assignments),
    by_instance: Object.fromEntries(byInstance),
    available,
    waiting,
    done: ended.done,
    failed: ended.failed,
    cancelled: ended.cancelled,
    tasks_digest: tasksDigest,
  };
}

export function progressReportsView(tasks: Task[], instances: Instance[]) {
  return progressOf(instances, (i) => tasks.find((t) => t.status === 'claimed' && t.claimed_by === i.name));
}

/**
 * Views are derived: a view that is not a JSON object (truncated, hand-edited, emptied) is never an
 * obstacle. It is rebuilt from the documents like any other, and said so once on stderr (the next
 * call finds it valid and says nothing).
 */
function stageView(tx: Transaction, file: string, current: string | null, text: string, currentIsValid = false): void {
  if (current === text) return; // unchanged: spare the write
  if (current !== null && !currentIsValid && !looksValid(current)) {
    process.stderr.write(`warning: ${file} was not a valid view (truncated or edited by hand); rebuilt it from tasks.json and instances.json\n`);
    tx.event({ type: 'view.rebuilt', instance: 'leader', data: { file: path.basename(file) } });
  }
  tx.writeView(file, text);
}

/**
 * Whether a view being replaced was whole, for the warning only: a short one is parsed; a long one
 * (5,000 tasks make 350 KB, ~3 ms to parse) is judged by its ends, which is what truncation breaks.
 */
function looksValid(text: string): boolean {
  if (text.length < 65_536) return parseObject(text) !== null;
  return text.trimStart().startsWith('{') && text.trimEnd().endsWith('}');
}

function parseObject(text: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** What the update of task-assignments.json relies on; the rest of it is kept as it is. */
const assignmentsViewSchema = z.object({
  assignments: z.record(z.string(), z.object({ instance: z.string().nullable(), description: z.string(), claimed_at: z.string().nullable(), lease_expires_at: z.string() })),
  by_instance: z.record(z.string(), z.array(z.string())),
  tasks_digest: z.string(),
});
type AssignmentsView = z.infer<typeof assignmentsViewSchema>;

/**
 * The views with only what instances.json gives them brought up to date, or null when the current
 * task-assignments.json cannot be trusted for the rest: not what this code renders from a
 * tasks.json with digest `tasksDigest`, or for another set of instances.
 */
function updatedViews(current: Record<string, unknown> | null, tasksDigest: string, instances: Instance[], settings: QueueSettings): { assignments: Record<string, unknown>; progress: unknown } | null {
  const parsed = current && assignmentsViewSchema.safeParse(current);
  if (!parsed?.success || parsed.data.tasks_digest !== tasksDigest) return null;
  const view: AssignmentsView = parsed.data;
  const names = instances.map((i) => i.name);
  const viewNames = Object.keys(view.by_instance);
  if (viewNames.length !== names.length || viewNames.some((name, k) => name !== names[k])) return null;
  const byName = new Map(instances.map((i) => [i.name, i]));
  const raw = current as { assignments: Record<string, { lease_expires_at: string }> };
  for (const [id, a] of Object.entries(view.assignments)) {
    if (a.instance !== null && !byName.has(a.instance)) return null;
    raw.assignments[id]!.lease_expires_at = leaseExpiry({ claimed_at: a.claimed_at }, byName.get(a.instance ?? ''), settings).toISOString();
  }
  const held = (name: string) => view.by_instance[name]?.[0];
  return { assignments: current!, progress: progressOf(instances, (i) => { const id = held(i.name); return id ? { id, description: view.assignments[id]?.description ?? null } : undefined; }) };
}

function progressOf(instances: Instance[], heldTask: (i: Instance) => { id: string; description: string | null } | undefined) {
  return {
    instances: Object.fromEntries(
      instances.map((i) => {
        const held = heldTask(i);
        return [i.name, { task: held?.id ?? null, task_description: held?.description ?? null, progress: i.progress, message: i.progress_message, last_seen: i.last_seen }];
      }),
    ),
  };
}

/** Writes both views from the transaction's documents (also used by `doctor --fix`). */
export async function writeQueueViews(tx: Transaction): Promise<void> {
  const { instances } = await tx.get(instancesDoc);
  const settings = instances[0] ? await readQueueSettings(instances[0].main_repo, tx.dir) : defaultQueueSettings();
  const tasksDigest = await tx.finalDigest(tasksDoc);
  const assignmentsFile = path.join(tx.dir, TASK_ASSIGNMENTS_VIEW);
  const progressFile = path.join(tx.dir, PROGRESS_REPORTS_VIEW);
  const [currentAssignments, currentProgress] = await Promise.all([readTextIfExists(assignmentsFile), readTextIfExists(progressFile)]);
  const updated = tx.isDirty(tasksDoc) || currentAssignments === null ? null : updatedViews(parseObject(currentAssignments), tasksDigest, instances, settings);
  if (updated) {
    stageView(tx, assignmentsFile, currentAssignments, toRecordsText(updated.assignments), true);
    stageView(tx, progressFile, currentProgress, toRecordsText(updated.progress));
    return;
  }
  const { tasks } = await tx.get(tasksDoc);
  stageView(tx, assignmentsFile, currentAssignments, toRecordsText(taskAssignmentsView(tasks, instances, settings, tasksDigest)));
  stageView(tx, progressFile, currentProgress, toRecordsText(progressReportsView(tasks, instances)));
}
