// Coordination folders for store tests: a plain folder (the file store) or one that selects a
// PostgreSQL database (store.json, as `wt-coord init --store` writes it), each with its own project.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PgConnection, migrate } from '../../src/store/postgres/index.js';
import type { PgServer } from './pg-server.js';

let projects = 0;

export async function migrateDatabase(url: string): Promise<void> {
  const connection = new PgConnection(url, 1, async () => undefined);
  try {
    await connection.run((client) => migrate(client));
  } finally {
    await connection.end();
  }
}

/** A coordination folder whose store is `server`'s database, as project `project` (fresh by default). */
export async function pgCoordDir(server: PgServer, project = `test-${process.pid}-${++projects}`, machine = 'a'): Promise<string> {
  await migrateDatabase(server.url);
  const dir = mkdtempSync(path.join(tmpdir(), 'wtc-pgdir-'));
  writeFileSync(path.join(dir, 'store.json'), JSON.stringify({ version: 1, backend: 'postgres', url: server.url, project, machine }), { mode: 0o600 });
  return dir;
}

export function fileCoordDir(): string {
  return mkdtempSync(path.join(tmpdir(), 'wtc-filedir-'));
}
