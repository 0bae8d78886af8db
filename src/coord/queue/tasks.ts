// The task queue's document (tasks.json): the source of truth for every task, its holder, its
// lease token and its result. The fields follow the seed's task format, plus times, attempts and
// the fencing token of the current claim.
import { z } from 'zod';
import { UsageError, WtError } from '../../lib/errors.js';
import { defineDoc } from '../../store/store.js';

/** Limits that keep one task from bloating the queue every call reads (a clear error, not a slow queue). */
export const MAX_DESCRIPTION = 4_000;
export const MAX_HINTS = 4_000;
export const MAX_FILES = 200;
export const MAX_RESULT = 100_000;

/** One ended claim: who held the task, on which branch, how it ended and what it had said. */
export const attemptSchema = z.object({
  instance: z.string(),
  token: z.number().int().min(0),
  branch: z.string().nullable().default(null),
  /** The commit the holder's branch started from: `git log base..branch` lists its commits. */
  base: z.string().nullable().default(null),
  claimed_at: z.string().nullable().default(null),
  ended_at: z.string(),
  outcome: z.enum(['failed', 'expired', 'requeued', 'cancelled', 'handed off', 'released']),
  /** The failure reason, or why the claim ended. */
  reason: z.string().max(2_000).nullable().default(null),
  /** The holder's last progress note. */
  progress: z.string().max(1_000).nullable().default(null),
});
export type Attempt = z.infer<typeof attemptSchema>;
export const MAX_ATTEMPTS_KEPT = 20;

export const taskStatuses = ['available', 'claimed', 'done', 'failed', 'cancelled'] as const;

const TASK_ID = /^task-\d{3,}$/;

export const taskSchema = z.object({
  id: z.string().regex(TASK_ID, 'a task id looks like task-001'),
  description: z.string().min(1).max(MAX_DESCRIPTION),
  status: z.enum(taskStatuses),
  /** The instance holding the claim (claimed), or that finished it (done). */
  claimed_by: z.string().nullable().default(null),
  /** Lower number first. */
  priority: z.number().int(),
  dependencies: z.array(z.string().regex(TASK_ID)).default([]),
  context: z.object({ files: z.array(z.string()).max(MAX_FILES).default([]), hints: z.string().max(MAX_HINTS).default('') }).default({ files: [], hints: '' }),
  created_at: z.string(),
  claimed_at: z.string().nullable().default(null),
  completed_at: z.string().nullable().default(null),
  /** How many times it was claimed; at max_attempts a failure is final. */
  attempts: z.number().int().min(0).default(0),
  /** The completion summary (done) or the last failure reason. */
  result: z.string().max(MAX_RESULT).nullable().default(null),
  /** Fencing token of the current (or last) claim: every claim takes a new, larger one. */
  token: z.number().int().min(0).default(0),
  /** Earlier claims that ended without completion, oldest first: the next holder's briefing shows them. */
  history: z.array(attemptSchema).max(MAX_ATTEMPTS_KEPT).default([]),
});
export type Task = z.infer<typeof taskSchema>;

/** A lease that ran out: remembered until that instance asks for work again, so its late reports are refused. */
export const lostLeaseSchema = z.object({
  task: z.string(),
  token: z.number().int(),
  expired_at: z.string(),
  /** How the claim ended: 'expired' (no call within the lease), or e.g. 'requeued by the leader'. */
  why: z.string().default('expired'),
});

export const tasksFileSchema = z.object({
  version: z.literal(1),
  next_id: z.number().int().min(1),
  next_token: z.number().int().min(1),
  tasks: z.array(taskSchema),
  lost_leases: z.record(z.string(), lostLeaseSchema).default({}),
});
export type TasksFile = z.infer<typeof tasksFileSchema>;

/** Sealed, with one task per record (src/lib/seal.ts): a call reads the queue it wrote without validating it again. */
export const tasksDoc = defineDoc('tasks.json', tasksFileSchema, () => ({ version: 1 as const, next_id: 1, next_token: 1, tasks: [], lost_leases: {} }), { field: 'tasks', record: taskSchema, header: tasksFileSchema.omit({ tasks: true }) });

/** Appends an ended claim to the task's history (the oldest go past MAX_ATTEMPTS_KEPT). */
export function recordAttempt(task: Task, holder: { name: string; branch?: string; base_commit?: string; progress_message?: string | null } | null, outcome: Attempt['outcome'], reason: string | null, now: Date): void {
  const name = holder?.name ?? task.claimed_by;
  if (!name) return;
  const clipText = (text: string | null | undefined, max: number) => (text ? (text.length > max ? `${text.slice(0, max - 1)}…` : text) : null);
  task.history = [
    ...task.history,
    { instance: name, token: task.token, branch: holder?.branch ?? null, base: holder?.base_commit ?? null, claimed_at: task.claimed_at, ended_at: now.toISOString(), outcome, reason: clipText(reason, 2_000), progress: clipText(holder?.progress_message, 1_000) },
  ].slice(-MAX_ATTEMPTS_KEPT);
}

export function formatTaskId(n: number): string {
  return `task-${String(n).padStart(3, '0')}`;
}

export function taskNumber(id: string): number {
  return Number(id.slice('task-'.length));
}

/** The canonical id of a task that exists in `tasks`, or an error naming the id and how to find the right one. */
export function existingTaskId(input: string, tasks: readonly Pick<Task, 'id'>[]): string {
  const id = normalizeTaskId(input);
  if (!tasks.some((t) => t.id === id)) throw new WtError(`no task ${id} in the queue`, '`wt-coord task list` (or coordinate.sh status) shows the tasks; name one as 10, task-10 or task-010');
  return id;
}

/** Accepts `task-001`, `task-1`, `1` and `#1`; anything else (paths, `..`) is a usage error. */
export function normalizeTaskId(input: string): string {
  const match = /^(?:#|task-)?(\d{1,6})$/.exec(String(input).trim());
  const n = match ? Number(match[1]) : 0;
  if (!match || n < 1) {
    throw new UsageError(`"${String(input).slice(0, 60)}" is not a task id`, 'name a task as task-001, 1 or #1; `wt-coord task list` shows them');
  }
  return formatTaskId(n);
}
