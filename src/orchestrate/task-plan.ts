// Checking a task list before anything is spawned, and turning a planning task's result (a task
// list in a fenced ```json or ```yaml block) into tasks for the queue.
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { WtError } from '../lib/errors.js';
import { planImport, type TaskInput } from '../coord/queue/index.js';
import { formatTaskId, normalizeTaskId, taskNumber, type Task } from '../coord/queue/index.js';
import { readTaskFile } from '../coord/queue/index.js';

/**
 * The import's own checks (planImport: every field, ids, known dependencies, no cycle, a used id
 * only with the same content), without touching the queue, so `run` refuses a bad list before it
 * writes or spawns anything.
 */
export function checkTaskGraph(inputs: TaskInput[], existing: Task[], source: string): void {
  planImport(inputs, existing, source, Math.max(0, ...existing.map((t) => taskNumber(t.id))) + 1, new Date());
}

export async function readAndCheckTaskFile(file: string, existing: Task[]): Promise<TaskInput[]> {
  const inputs = await readTaskFile(file);
  checkTaskGraph(inputs, existing, path.basename(file));
  return inputs;
}

/** The task list in a planning result: the first fenced json/yaml block (or the whole text if it parses). */
export async function tasksFromPlanResult(result: string, existing: Task[]): Promise<TaskInput[]> {
  const block = /```(json|ya?ml)?[^\n]*\n([\s\S]*?)```/.exec(result);
  const body = block ? block[2]! : result;
  const kind = block?.[1]?.startsWith('y') ? 'yaml' : /^\s*[[{]/.test(body) ? 'json' : 'yaml';
  const dir = await fs.mkdtemp(path.join(tmpdir(), 'wt-coord-plan-'));
  const file = path.join(dir, `planned-tasks.${kind}`);
  try {
    await fs.writeFile(file, body);
    const inputs = await readTaskFile(file).catch((error: Error) => {
      throw new WtError(`the planning task's result holds no usable task list: ${error.message}`, 'the planner must complete with a fenced ```json block: { "tasks": [ { "id": "1", "description": "...", "dependencies": [] } ] }');
    });
    return renumber(inputs, existing);
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

/** The planner numbers its tasks from 1; the queue already holds the planning task: give them fresh ids. */
function renumber(inputs: TaskInput[], existing: Task[]): TaskInput[] {
  const start = Math.max(0, ...existing.map((t) => taskNumber(t.id))) + 1;
  const map = new Map<string, string>();
  inputs.forEach((input, index) => {
    if (input.id !== undefined) map.set(normalizeTaskId(String(input.id)), formatTaskId(start + index));
  });
  const renumbered = inputs.map((input, index) => ({
    ...input,
    id: formatTaskId(start + index),
    dependencies: (input.dependencies ?? []).map((d) => {
      const id = normalizeTaskId(String(d));
      const mapped = map.get(id);
      if (!mapped) throw new WtError(`the planned tasks[${index}] depends on ${d}, which is not in the plan`, 'the planner must only name tasks of its own list as dependencies');
      return mapped;
    }),
  }));
  checkTaskGraph(renumbered, existing, 'the planned task list');
  return renumbered;
}

export function planningTaskInput(goal: string, instanceName: string): TaskInput {
  return {
    description: `Plan the work for the goal: ${goal.length > 3_000 ? `${goal.slice(0, 3_000)}…` : goal}`,
    priority: 0,
    hints: [
      `Only ${instanceName} (the leader) plans. Read the code and memory-bank-shared/, write the approach to .claude-coordination-shared/master-plan.md if useful,`,
      'and break the goal into small tasks (5-15 minutes each, with the files each touches). Complete this task with a summary holding the list as a fenced ```json block:',
      '{ "tasks": [ { "id": "1", "description": "...", "priority": 1, "dependencies": [], "context": { "files": ["src/a.ts"], "hints": "..." } } ] }.',
      'Number the tasks from 1 and name dependencies by those numbers; wt-coord renumbers them, imports them and starts the other instances.',
    ].join(' '),
  };
}
