// What ends with a task, inside the transaction that ends it: the path claims taken for it are
// released (and the release announced). The queue calls these directly, so the leader's commands
// and coordinate.sh behave the same. A task that ends otherwise than done (failed, requeued, lease
// expired, cancelled) lets its claims go too: whoever takes it next claims what it needs.
import type { Transaction } from '../../store/store.js';
import { releaseClaimsOfTask } from '../claims/task-end-release.js';
import type { Instance } from '../instances/instances.js';
import type { Task } from './tasks.js';

/** Runs inside the completing transaction, after the task is marked done. */
export function afterTaskCompleted(tx: Transaction, task: Task, instance: Instance | null): Promise<void> {
  return releaseClaimsOfTask(tx, task, instance, 'done');
}

/** Runs when a claim ends without completion: fail, lease expiry, requeue, cancel, teardown. */
export function afterTaskReleased(tx: Transaction, task: Task, instance: Instance | null): Promise<void> {
  return releaseClaimsOfTask(tx, task, instance, task.status === 'failed' ? 'failed' : 'given back');
}
