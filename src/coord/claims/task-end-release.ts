// The claims a task held end with it (called by src/coord/queue/task-end.ts).
// The claims and messages modules load only when a task actually ends: the queue
// verbs that do not end one (request-task, report-progress) run on every agent call and skip them.
import { WtError } from '../../lib/errors.js';
import type { Transaction } from '../../store/store.js';
import type { Instance } from '../instances/instances.js';
import type { Task } from '../queue/tasks.js';

export async function releaseClaimsOfTask(tx: Transaction, task: Task, instance: Instance | null, how: string): Promise<void> {
  const [{ releaseClaimsInTx }, { postMessage }] = await Promise.all([import('./claims.js'), import('../messages/messages.js')]);
  const released = await releaseClaimsInTx(tx, (c) => c.task_id === task.id && (instance === null || c.instance_id === instance.id), `task ${task.id} ${how}`);
  if (released.length === 0 || !instance) return;
  const patterns = released.map((c) => c.pattern);
  try {
    await postMessage(tx, { from: instance.name, to: '#general', type: 'release', body: `released ${patterns.join(', ')} (task ${task.id} ${how})`, paths: patterns });
  } catch (error) {
    // The announcement is a courtesy: an instance already unregistered (teardown) posts nothing,
    // and the queue operation it rides on must not fail for it.
    if (!(error instanceof WtError)) throw error;
  }
}
