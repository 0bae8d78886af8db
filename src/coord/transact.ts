// The coordination layer's access to the store, and the only one the layers above use: the
// store's locked transaction with the derived views rendered from it before anything is written
// (so no change can leave a view behind its documents), and the store's lock-free reads.
import { transact as storeTransact, type Transaction } from '../store/store.js';
import type { LockOptions } from '../lib/lock.js';
import { renderViews } from './views/render.js';
import { COORDINATION_FENCES } from './store-choice.js';

export { readDoc, BACKUP_DIR, LOCK_FILE, type Transaction } from '../store/store.js';

export function transact<T>(dir: string, fn: (tx: Transaction) => Promise<T>, options?: LockOptions): Promise<T> {
  return storeTransact(dir, fn, { ...options, render: renderViews, fences: COORDINATION_FENCES });
}
