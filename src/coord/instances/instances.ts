// The instance registry (instances.json): the source of truth for every instance's identity,
// progress, assigned tasks and lease. info.json in each worktree is a view of one entry.
import { z } from 'zod';
import { UsageError } from '../../lib/errors.js';
import { defineDoc } from '../../store/store.js';

export const instanceSchema = z.object({
  id: z.number().int().positive(),
  name: z.string(),
  branch: z.string(),
  worktree: z.string(),
  main_repo: z.string(),
  memory_bank: z.string(),
  coordination: z.string(),
  /** The commit the branch started from, and the ref the user named for it. */
  base_commit: z.string(),
  base_ref: z.string(),
  created_at: z.string(),
  agent: z.string().nullable().default(null),
  status: z.enum(['creating', 'active']).default('active'),
  progress: z.number().min(0).max(1).default(0),
  progress_message: z.string().nullable().default(null),
  assigned_tasks: z.array(z.string()).default([]),
  /** Heartbeat: every coordinate.sh call renews it; leases count from here. */
  last_seen: z.string().nullable().default(null),
  /** The machine it runs on, in a store shared by several machines (null: the file store). */
  machine: z.string().nullable().default(null),
  /** Its own port (WT_COORD_PORT), checked free at spawn; null for instances spawned before ports existed. */
  port: z.number().int().min(1).max(65535).nullable().default(null),
});
export type Instance = z.infer<typeof instanceSchema>;

export const instancesDoc = defineDoc(
  'instances.json',
  z.object({ version: z.literal(1), instances: z.array(instanceSchema) }),
  () => ({ version: 1 as const, instances: [] }),
);

export function instanceName(id: number): string {
  return `instance-${id}`;
}

/** `a/instance-1` where instances of several machines share a store; else the plain name. */
export function qualifiedName(instance: Pick<Instance, 'name' | 'machine'>): string {
  return instance.machine ? `${instance.machine}/${instance.name}` : instance.name;
}

/** Accepts `2`, `instance-2`, or `#2`. */
export function parseInstanceRef(input: string): number {
  const match = /^(?:#|instance-)?(\d{1,4})$/.exec(input.trim());
  if (!match || Number(match[1]) < 1) {
    throw new UsageError(`"${input}" is not an instance`, 'name an instance as a number (2) or instance-2; `wt-coord status` lists them');
  }
  return Number(match[1]);
}


