// The schema, as numbered migrations. `init` applies the missing ones in one transaction under an
// advisory lock; every other connection only checks the version, and a schema newer than this
// binary knows is refused (an old binary must not write rows it does not understand).
import type { PoolClient } from 'pg';
import { WtError } from '../../lib/errors.js';

/** Takes the migration lock: two `init`s at once apply each migration once. */
const MIGRATION_LOCK = 0x77746300; // "wtc\0"

const migrations: string[] = [
  // 1: documents, events, logs (messages, discoveries), fencing tokens, commit ids.
  `CREATE TABLE wtc_projects (
     id serial PRIMARY KEY,
     key text NOT NULL UNIQUE,
     created_at timestamptz NOT NULL DEFAULT now()
   );
   CREATE TABLE wtc_machines (
     project int NOT NULL REFERENCES wtc_projects(id),
     name text NOT NULL,
     main_repo text NOT NULL,
     last_seen timestamptz NOT NULL DEFAULT now(),
     PRIMARY KEY (project, name)
   );
   CREATE TABLE wtc_docs (
     project int NOT NULL REFERENCES wtc_projects(id),
     name text NOT NULL,
     body json NOT NULL,
     version bigint NOT NULL DEFAULT 1,
     updated_at timestamptz NOT NULL DEFAULT now(),
     updated_by text,
     PRIMARY KEY (project, name)
   );
   CREATE TABLE wtc_events (
     id bigserial PRIMARY KEY,
     project int NOT NULL REFERENCES wtc_projects(id),
     time timestamptz NOT NULL DEFAULT now(),
     machine text,
     type text NOT NULL,
     instance text,
     data json NOT NULL
   );
   CREATE INDEX wtc_events_project ON wtc_events (project, id);
   CREATE TABLE wtc_log_seq (
     project int NOT NULL REFERENCES wtc_projects(id),
     log text NOT NULL,
     last_seq bigint NOT NULL,
     PRIMARY KEY (project, log)
   );
   CREATE TABLE wtc_log (
     project int NOT NULL REFERENCES wtc_projects(id),
     log text NOT NULL,
     seq bigint NOT NULL,
     key text,
     state text NOT NULL DEFAULT 'new',
     time timestamptz NOT NULL DEFAULT now(),
     body json NOT NULL,
     PRIMARY KEY (project, log, seq),
     UNIQUE (project, log, key)
   );
   CREATE INDEX wtc_log_state ON wtc_log (project, log, state, seq);
   CREATE TABLE wtc_fences (
     project int NOT NULL REFERENCES wtc_projects(id),
     key text NOT NULL,
     token bigint NOT NULL,
     holder text NOT NULL,
     started_at timestamptz NOT NULL DEFAULT now(),
     ended text,
     ended_at timestamptz,
     UNIQUE (project, token)
   );
   CREATE UNIQUE INDEX wtc_fences_live ON wtc_fences (project, key) WHERE ended IS NULL;
   CREATE TABLE wtc_commits (
     project int NOT NULL REFERENCES wtc_projects(id),
     id text NOT NULL,
     at timestamptz NOT NULL DEFAULT now(),
     result json,
     PRIMARY KEY (project, id)
   );`,
];

export const SCHEMA_VERSION = migrations.length;

async function currentVersion(client: PoolClient): Promise<number | null> {
  const exists = await client.query(`SELECT to_regclass('wtc_schema_version') AS t`);
  if (!exists.rows[0]?.t) return null;
  const { rows } = await client.query('SELECT max(version) AS v FROM wtc_schema_version');
  return Number(rows[0]?.v ?? 0);
}

function tooNew(version: number): WtError {
  return new WtError(`the database schema is version ${version}, this wt-coord knows up to version ${SCHEMA_VERSION}`, 'upgrade wt-coord on this machine (another machine migrated the database)');
}

/** Refuses a schema this binary cannot use; answers nothing when it can. */
export async function checkSchema(client: PoolClient, where: string): Promise<void> {
  const version = await currentVersion(client);
  if (version === null || version < SCHEMA_VERSION) {
    throw new WtError(`the database at ${where} has ${version === null ? 'no wt-coord schema' : `schema version ${version}, older than this wt-coord (${SCHEMA_VERSION})`}`, 'run `wt-coord init` to create or migrate it');
  }
  if (version > SCHEMA_VERSION) throw tooNew(version);
}

/** Applies the missing migrations; answers the versions it applied. */
export async function migrate(client: PoolClient): Promise<{ from: number; to: number }> {
  await client.query('BEGIN');
  try {
    await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await client.query('CREATE TABLE IF NOT EXISTS wtc_schema_version (version int PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now(), binary_version text)');
    const from = (await currentVersion(client)) ?? 0;
    if (from > SCHEMA_VERSION) throw tooNew(from);
    for (let v = from + 1; v <= SCHEMA_VERSION; v++) {
      await client.query(migrations[v - 1]!);
      await client.query('INSERT INTO wtc_schema_version (version, binary_version) VALUES ($1, $2)', [v, 'wt-coord']);
    }
    await client.query('COMMIT');
    return { from, to: SCHEMA_VERSION };
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}
