// Work other modules run inside the same transaction when a task completes (or is released), e.g.
// "completing a task releases the path claims taken for it". Registration only: no imports, so a
// module can register without importing the queue. For the hook to run in coordinate.sh too, add a
// side-effect import of the registering module to src/coord/task-plugins.ts.
import type { Transaction } from '../store/store.js';
import type { Instance } from './instances.js';
import type { Task } from './tasks.js';

export type TaskHook = (tx: Transaction, task: Task, instance: Instance | null) => Promise<void>;

const completedHooks: TaskHook[] = [];
const releasedHooks: TaskHook[] = [];

/** Runs inside the completing transaction, after the task is marked done. */
export function onTaskCompleted(hook: TaskHook): void {
  completedHooks.push(hook);
}

/** Runs when a claim ends without completion: fail, lease expiry, requeue, cancel, teardown. */
export function onTaskReleased(hook: TaskHook): void {
  releasedHooks.push(hook);
}

export async function runTaskCompleted(tx: Transaction, task: Task, instance: Instance | null): Promise<void> {
  for (const hook of completedHooks) await hook(tx, task, instance);
}

export async function runTaskReleased(tx: Transaction, task: Task, instance: Instance | null): Promise<void> {
  for (const hook of releasedHooks) await hook(tx, task, instance);
}
