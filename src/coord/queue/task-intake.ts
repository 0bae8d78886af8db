// Adding tasks to the queue: one at a time (`wt-coord task add`, MCP create_task) or a whole
// list at once (`task import`, `run --tasks`, a planning task's result), all or nothing.
import path from 'node:path';
import { UsageError, WtError } from '../../lib/errors.js';
import { transact } from '../transact.js';
import { openQueue, save, tasksById } from './queue-core.js';
import type { QueueSettings } from './queue-settings.js';
import { MAX_DESCRIPTION, MAX_FILES, MAX_HINTS, formatTaskId, normalizeTaskId, taskNumber, type Task } from './tasks.js';


export interface TaskInput {
  id?: string;
  description: string;
  priority?: number;
  dependencies?: string[];
  files?: string[];
  hints?: string;
}

const DEFAULT_PRIORITY = 3;

/** Checks one task's own fields; `where` names it in the message (`task 3`, `tasks.json line 4`). */
function checkTaskInput(input: TaskInput, where: string): void {
  const description = input.description?.trim() ?? '';
  if (!description) throw new UsageError(`${where}: the description is empty`, 'describe the work in a sentence');
  if (description.length > MAX_DESCRIPTION) {
    throw new UsageError(`${where}: the description is ${description.length} characters, over the limit of ${MAX_DESCRIPTION}`, 'keep the description short; put details in a file and name it with --files');
  }
  if ((input.hints ?? '').length > MAX_HINTS) throw new UsageError(`${where}: the hints are over the limit of ${MAX_HINTS} characters`, 'shorten the hints');
  if ((input.files ?? []).length > MAX_FILES) throw new UsageError(`${where}: more than ${MAX_FILES} files`, 'name the folders instead');
  if (input.priority !== undefined && (!Number.isInteger(input.priority) || Math.abs(input.priority) > 1_000_000)) {
    throw new UsageError(`${where}: priority must be a whole number, got ${input.priority}`, 'lower numbers go first, e.g. -p 1');
  }
}

function newTask(id: string, input: TaskInput, dependencies: string[], now: Date): Task {
  return {
    id,
    description: input.description.trim(),
    status: 'available',
    claimed_by: null,
    priority: input.priority ?? DEFAULT_PRIORITY,
    dependencies,
    context: { files: input.files ?? [], hints: input.hints ?? '' },
    created_at: now.toISOString(),
    claimed_at: null,
    completed_at: null,
    attempts: 0,
    result: null,
    token: 0,
    history: [],
  };
}

export async function addTask(coordDir: string, input: TaskInput, settings?: QueueSettings): Promise<Task> {
  checkTaskInput(input, 'task');
  const dependencies = [...new Set((input.dependencies ?? []).map(normalizeTaskId))];
  return transact(coordDir, async (tx) => {
    const queue = await openQueue(tx, settings);
    const byId = tasksById(queue.doc);
    const unknown = dependencies.filter((d) => !byId.has(d));
    if (unknown.length) throw new WtError(`unknown dependency ${unknown.join(', ')}: no such task in the queue`, 'add that task first, or fix the id (`wt-coord task list`)');
    const task = newTask(formatTaskId(queue.doc.next_id), input, dependencies, queue.now);
    queue.doc.next_id += 1;
    queue.doc.tasks.push(task);
    save(queue);
    tx.event({ type: 'task.added', instance: 'leader', data: { task: task.id, priority: task.priority, dependencies } });
    return task;
  });
}

/** One cycle in the graph of `tasks` (ids), or null. */
export function findCycle(edges: Map<string, string[]>): string[] | null {
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const visit = (id: string): string[] | null => {
    if (state.get(id) === 'done') return null;
    if (state.get(id) === 'visiting') return [...stack.slice(stack.indexOf(id)), id];
    state.set(id, 'visiting');
    stack.push(id);
    for (const dep of edges.get(id) ?? []) {
      const cycle = visit(dep);
      if (cycle) return cycle;
    }
    stack.pop();
    state.set(id, 'done');
    return null;
  };
  for (const id of edges.keys()) {
    const cycle = visit(id);
    if (cycle) return cycle;
  }
  return null;
}

/** What an import would do: the new tasks, and the ids already in the queue with the same content. */
export interface ImportPlan {
  added: Task[];
  /** Ids of entries that name a task already in the queue with the same content: left as they are. */
  unchanged: string[];
  ids: string[];
}

/** The fields an import sets: an entry with a used id is the same task when all of these match. */
function sameContent(task: Task, input: TaskInput, dependencies: string[]): string | null {
  const want = { description: input.description.trim(), priority: input.priority ?? DEFAULT_PRIORITY, dependencies: [...dependencies].sort(), files: input.files ?? [], hints: input.hints ?? '' };
  const have = { description: task.description, priority: task.priority, dependencies: [...task.dependencies].sort(), files: task.context.files, hints: task.context.hints };
  for (const key of Object.keys(want) as (keyof typeof want)[]) {
    if (JSON.stringify(want[key]) !== JSON.stringify(have[key])) return key;
  }
  return null;
}

/**
 * Pure: every check an import makes, and what it would add. Used by `run` before it writes anything
 * and by the import itself under the lock, so the two can never disagree.
 */
export function planImport(inputs: TaskInput[], existing: Task[], source: string, nextId: number, now: Date): ImportPlan {
  if (inputs.length === 0) throw new WtError(`${source} holds no tasks`, 'a task list is { "tasks": [ { "description": "..." } ] }');
  inputs.forEach((input, index) => checkTaskInput(input, `${source}: tasks[${index}]`));
  const byId = new Map(existing.map((t) => [t.id, t]));
  const explicit = new Set<string>();
  const given = inputs.map((input, index) => {
    if (input.id === undefined) return null;
    const id = normalizeTaskIdAt(input.id, `${source}: tasks[${index}].id`);
    if (explicit.has(id)) throw new WtError(`${source}: tasks[${index}].id ${id} appears twice`, 'give every task its own id');
    explicit.add(id);
    return id;
  });
  let next = Math.max(nextId, 1);
  const ids = given.map((id) => {
    if (id) return id;
    while (byId.has(formatTaskId(next)) || explicit.has(formatTaskId(next))) next++;
    return formatTaskId(next++);
  });
  const known = new Set([...byId.keys(), ...ids]);
  const edges = new Map<string, string[]>(existing.map((t) => [t.id, t.dependencies]));
  const added: Task[] = [];
  const unchanged: string[] = [];
  inputs.forEach((input, index) => {
    const deps = [...new Set((input.dependencies ?? []).map((d, k) => normalizeTaskIdAt(d, `${source}: tasks[${index}].dependencies[${k}]`)))];
    for (const [k, dep] of deps.entries()) {
      if (!known.has(dep)) throw new WtError(`${source}: tasks[${index}].dependencies[${k}] names ${dep}, which is neither in the file nor in the queue`, 'fix the id or add that task');
    }
    const id = ids[index]!;
    const there = byId.get(id);
    if (there) {
      const differs = sameContent(there, input, deps);
      if (differs) throw new WtError(`${source}: tasks[${index}].id ${id} is already in the queue with a different ${differs}`, 'give the new task its own id (or leave id out to number it); importing the same task again changes nothing');
      unchanged.push(id);
      return;
    }
    edges.set(id, deps);
    added.push(newTask(id, input, deps, now));
  });
  const cycle = findCycle(edges);
  if (cycle) throw new WtError(`${source}: dependency cycle ${cycle.join(' -> ')}`, 'a task cannot wait on itself, directly or through others; remove one of these dependencies');
  return { added, unchanged, ids };
}

/**
 * Adds a whole list of tasks, or none: every entry is checked, dependencies must name a task in
 * the list or in the queue, and the graph must have no cycle. An entry whose id is already in the
 * queue with the same content is left as it is (re-running a plan changes nothing; done stays
 * done); a different task under a used id is refused. Returns every task the list names.
 */
export async function addTasks(coordDir: string, inputs: TaskInput[], settings?: QueueSettings, source = 'import'): Promise<Task[]> {
  return (await importTaskList(coordDir, inputs, settings, source)).tasks;
}

export async function importTaskList(coordDir: string, inputs: TaskInput[], settings?: QueueSettings, source = 'import'): Promise<{ tasks: Task[]; added: Task[]; unchanged: string[] }> {
  return transact(coordDir, async (tx) => {
    const queue = await openQueue(tx, settings);
    const plan = planImport(inputs, queue.doc.tasks, source, queue.doc.next_id, queue.now);
    if (plan.added.length) {
      queue.doc.next_id = Math.max(queue.doc.next_id - 1, ...plan.added.map((t) => taskNumber(t.id))) + 1;
      queue.doc.tasks.push(...plan.added);
      save(queue);
      tx.event({ type: 'task.imported', instance: 'leader', data: { tasks: plan.added.map((t) => t.id), unchanged: plan.unchanged, source } });
    }
    const byId = tasksById(queue.doc);
    return { tasks: plan.ids.map((id) => byId.get(id)!), added: plan.added, unchanged: plan.unchanged };
  });
}

function normalizeTaskIdAt(input: unknown, where: string): string {
  try {
    return normalizeTaskId(String(input));
  } catch (error) {
    throw new UsageError(`${where}: ${(error as Error).message}`, (error as WtError).hint);
  }
}

/**
 * The tasks of a JSON or YAML file in the seed's format (task-import.ts). Imported on demand: it loads
 * the yaml package, which coordinate.sh, reaching this folder through index.ts, must not pay for.
 */
export async function readTaskFile(filePath: string): Promise<TaskInput[]> {
  return (await import('./task-import.js')).readTaskFile(filePath);
}

/** Imports tasks from a JSON or YAML file in the seed's format; see task-import.ts. */
export async function importTasks(coordDir: string, filePath: string, settings?: QueueSettings): Promise<Task[]> {
  const inputs = await readTaskFile(filePath);
  return addTasks(coordDir, inputs, settings, path.basename(filePath));
}
