// Every coordinate.sh call renews its instance's lease. How: whatever transaction a verb runs
// calls `touchInstance(tx, id)` (the queue's functions do), so the heartbeat costs no extra lock.
// A verb that runs no transaction of its own gets one from the dispatcher in src/instance.ts,
// which calls `heartbeat()` after a successful verb unless `touchInstance` already committed.
// Verbs marked `readOnly` in src/instance/verbs.ts skip it; a refused call changes nothing.
import { instancesDoc } from './instances.js';
import { type Transaction } from '../../store/store.js';
import { transact } from '../transact.js';

let renewed = false;

/** Renews `instanceId`'s heartbeat (last_seen) inside `tx`. */
export async function touchInstance(tx: Transaction, instanceId: number, now: Date = new Date()): Promise<void> {
  const doc = await tx.get(instancesDoc);
  const found = doc.instances.find((i) => i.id === instanceId);
  if (!found) return; // the registry check belongs to the caller; a heartbeat never fails a verb
  found.last_seen = now.toISOString();
  tx.set(instancesDoc, doc);
  tx.afterCommit(async () => {
    renewed = true;
  });
}

/** True once a transaction in this process committed a heartbeat. */
export function heartbeatRenewed(): boolean {
  return renewed;
}

/** A heartbeat on its own, for verbs that ran no transaction. */
export async function heartbeat(coordDir: string, instanceId: number): Promise<void> {
  await transact(coordDir, (tx) => touchInstance(tx, instanceId));
}
