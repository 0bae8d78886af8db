// Which store the coordination folder uses, for the layers above (they never reach the store
// itself): the file store by default, or PostgreSQL once `wt-coord init --store` joined it.
// Joining creates or migrates the schema and registers the machine first, and only then records
// the choice (store.json): a server that cannot be reached leaves nothing local changed.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from '../lib/atomic.js';
import { STORE_FILE, machineName, remoteStoreFor, type StoreRecord } from '../store/remote.js';
import { fenceChanges } from './queue/task-fences.js';
import { tasksDoc } from './queue/tasks.js';

export { STORE_ENV, isPostgresUrl, machineName, storeSelection } from '../store/remote.js';

/** The fencing rules a database store checks at every commit (the file store's lock is its own check). */
export const COORDINATION_FENCES = { [tasksDoc.file]: (before: unknown, after: unknown) => fenceChanges(before as never, after as never) };

export interface JoinRequest {
  coordDir: string;
  mainWorktree: string;
  url: string;
  /** Shared by every clone of one remote. */
  project: string;
  /** Recorded machine name (WT_COORD_MACHINE still wins at run time). */
  machine?: string;
}

export interface JoinResult {
  /** The URL without its password. */
  where: string;
  project: string;
  machine: string;
  schema: { from: number; to: number };
}

export async function joinStore(request: JoinRequest): Promise<JoinResult> {
  const pg = await import('../store/postgres/index.js');
  const record: StoreRecord = { version: 1, backend: 'postgres', url: request.url, project: request.project, machine: machineName(request.machine) };
  const connection = new pg.PgConnection(request.url, 1, async () => undefined);
  let schema: JoinResult['schema'];
  try {
    schema = await connection.run((client) => pg.migrate(client));
  } finally {
    await connection.end();
  }
  const store = pg.openPgStore(record);
  try {
    await store.registerMachine(request.mainWorktree);
  } finally {
    await store.close();
  }
  await fs.mkdir(request.coordDir, { recursive: true });
  // A credential file, like ~/.pgpass: only this user reads it, and nothing prints it.
  await writeFileAtomic(path.join(request.coordDir, STORE_FILE), `${JSON.stringify(record, null, 2)}\n`, { mode: 0o600 });
  return { where: pg.redactUrl(request.url), project: record.project, machine: record.machine, schema };
}

/**
 * In a database store, calls `onChange` whenever any machine commits a change or sends a message
 * (LISTEN/NOTIFY: no polling); answers how to stop. Null for the file store (watch the folder).
 */
export async function listenForChanges(coordDir: string, onChange: () => void): Promise<(() => Promise<void>) | null> {
  const remote = remoteStoreFor(coordDir);
  if (!remote) return null;
  return (await remote).listen(['docs', 'messages'], onChange);
}
