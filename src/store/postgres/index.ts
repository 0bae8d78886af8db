// The PostgreSQL store, loaded only when a coordination folder selects it (src/store/remote.ts).
import type { StoreRecord } from '../remote.js';
import { PgStore } from './backend.js';

export { PgStore } from './backend.js';
export { migrate } from './schema.js';
export { redactUrl } from './url.js';
export { PgConnection } from './connection.js';

/** One connection for a one-shot call; long-running commands may ask for more (WT_COORD_PG_POOL). */
export function openPgStore(record: StoreRecord): PgStore {
  const size = Number(process.env.WT_COORD_PG_POOL);
  return new PgStore(record, Number.isInteger(size) && size > 0 ? size : 1);
}
