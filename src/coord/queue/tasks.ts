// The task queue's document (tasks.json): the source of truth for every task, its holder, its
// lease token and its result. The fields follow the seed's task format, plus times, attempts and
// the fencing token of the current claim.
import { z } from 'zod';
import { UsageError } from '../../lib/errors.js';
import { defineDoc } from '../../store/store.js';

/** Limits that keep one task from bloating the queue every call reads (a clear error, not a slow queue). */
export const MAX_DESCRIPTION = 4_000;
export const MAX_HINTS = 4_000;
export const MAX_FILES = 200;
export const MAX_RESULT = 100_000;

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
});
export type Task = z.infer<typeof taskSchema>;

/** A lease that ran out: remembered until that instance asks for work again, so its late reports are refused. */
export const lostLeaseSchema = z.object({ task: z.string(), token: z.number().int(), expired_at: z.string() });

export const tasksFileSchema = z.object({
  version: z.literal(1),
  next_id: z.number().int().min(1),
  next_token: z.number().int().min(1),
  tasks: z.array(taskSchema),
  lost_leases: z.record(z.string(), lostLeaseSchema).default({}),
});
export type TasksFile = z.infer<typeof tasksFileSchema>;

export const tasksDoc = defineDoc('tasks.json', tasksFileSchema, () => ({ version: 1 as const, next_id: 1, next_token: 1, tasks: [], lost_leases: {} }));

export function formatTaskId(n: number): string {
  return `task-${String(n).padStart(3, '0')}`;
}

export function taskNumber(id: string): number {
  return Number(id.slice('task-'.length));
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
