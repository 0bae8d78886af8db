// The derived views, rendered from a transaction's documents before it writes anything: every
// coordination transaction passes this renderer to the store (src/coord/transact.ts), so a verb
// that touches an instance or a task always leaves the views equal to the documents.
import type { Transaction } from '../../store/store.js';
import { instancesDoc } from '../instances/instances.js';
import { tasksDoc } from '../queue/tasks.js';
import { writeInfoJsonViews } from './info-json.js';
import { writeQueueViews } from './queue-views.js';

export async function renderViews(tx: Transaction): Promise<void> {
  await writeInfoJsonViews(tx);
  if (tx.isDirty(tasksDoc) || tx.isDirty(instancesDoc)) await writeQueueViews(tx);
}
