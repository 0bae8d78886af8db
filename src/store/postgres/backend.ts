// The store in PostgreSQL: the same validated documents as the folder holds, one row each, read and
// written inside one SQL transaction per store transaction. A project-wide advisory lock, taken
// first, is the folder's lock: every coordination rule in src/coord runs unchanged, across machines.
// See docs/postgres.md for the design.
import { AsyncLocalStorage } from 'node:async_hooks';
import type pg from 'pg';
import type { z } from 'zod';
import { WtError } from '../../lib/errors.js';
import type { EventInput } from '../events.js';
import { bindRemote, type FenceChange, type FenceRule, type LogRow, type RemoteStore, type StoreRecord } from '../remote.js';
import { Transaction, type DocSource, type DocSpec, type TransactOptions } from '../store.js';
import { parseJsonText } from '../../lib/json-file.js';
import { uniqueSuffix } from '../../lib/unique.js';
import { PgConnection } from './connection.js';
import { checkSchema } from './schema.js';

/** First key of the project lock (the second is the project id): apart from any other advisory lock. */
const PROJECT_LOCK_SPACE = 0x777463; // "wtc"

interface Queryable {
  query(sql: string, params?: unknown[]): Promise<pg.QueryResult>;
}

/** One query at a time on a client: coordination code reads documents with Promise.all, and a
 *  client given a second query while busy queues it only with a deprecation warning. */
function serialized(client: pg.PoolClient): Queryable {
  let last: Promise<unknown> = Promise.resolve();
  return {
    query(sql, params) {
      const next = last.then(() => client.query(sql, params));
      last = next.catch(() => undefined);
      return next;
    },
  };
}

export class PgStore implements RemoteStore {
  readonly where: string;
  readonly project: string;
  readonly machine: string;
  private readonly conn: PgConnection;
  private projectId = 0;
  private readonly clientOf = new WeakMap<Transaction, Queryable>();
  /** The transaction this async context runs in: a readDoc inside it reads on its connection. */
  private readonly current = new AsyncLocalStorage<Queryable>();

  constructor(record: StoreRecord, poolSize: number) {
    this.project = record.project;
    this.machine = record.machine;
    this.conn = new PgConnection(record.url, poolSize, (client) => this.prepare(client));
    this.where = this.conn.where;
  }

  /** First use of the server: the schema must be one this binary knows; the project gets its id. */
  private async prepare(client: pg.PoolClient): Promise<void> {
    await checkSchema(client, this.where);
    const { rows } = await client.query('INSERT INTO wtc_projects (key) VALUES ($1) ON CONFLICT (key) DO UPDATE SET key = excluded.key RETURNING id', [this.project]);
    this.projectId = Number(rows[0].id);
  }

  private label(file: string): string {
    return `${file} (PostgreSQL ${this.where})`;
  }

  /** A query outside a transaction (or on the one this async context runs in). `params` gets the
   *  project id, known once the first connection is prepared. */
  private async query(sql: string, params: (project: number) => unknown[]): Promise<pg.QueryResult> {
    const inTx = this.current.getStore();
    if (inTx) return inTx.query(sql, params(this.projectId));
    return this.conn.run((client) => client.query(sql, params(this.projectId)));
  }

  async transact<T>(dir: string, fn: (tx: Transaction) => Promise<T>, options: TransactOptions = {}): Promise<T> {
    const commitId = uniqueSuffix();
    let sentCommit = false;
    return this.conn.run(async (poolClient) => {
      const client = serialized(poolClient);
      if (sentCommit) {
        // The connection was lost after COMMIT was sent: it may have committed. Run again only if not.
        const done = await client.query('SELECT result::text AS result FROM wtc_commits WHERE project = $1 AND id = $2', [this.projectId, commitId]);
        if (done.rowCount) return JSON.parse(done.rows[0].result) as T;
        sentCommit = false;
      }
      await client.query('BEGIN');
      try {
        await client.query(`SET LOCAL lock_timeout = ${Math.max(1, Math.round(options.timeoutMs ?? 60_000))}`);
        await client.query('SELECT pg_advisory_xact_lock($1, $2)', [PROJECT_LOCK_SPACE, this.projectId]);
        const tx = new Transaction(dir, this.source(client, options.fences ?? {}));
        bindRemote(tx, this);
        this.clientOf.set(tx, client);
        const result = await this.current.run(client, async () => {
          const value = await fn(tx);
          await tx.commit(options.render);
          return value;
        });
        await client.query('INSERT INTO wtc_commits (project, id, result) VALUES ($1, $2, $3)', [this.projectId, commitId, JSON.stringify(result ?? null)]);
        if (Math.random() < 0.02) await client.query(`DELETE FROM wtc_commits WHERE project = $1 AND at < now() - interval '1 day'`, [this.projectId]);
        sentCommit = true;
        await client.query('COMMIT');
        return result;
      } catch (error) {
        if (!sentCommit) await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      }
    });
  }

  private source(client: Queryable, fences: Record<string, FenceRule>): DocSource {
    const read = new Map<string, string | null>();
    return {
      label: (file) => this.label(file),
      readText: async (file) => {
        const { rows } = await client.query('SELECT body::text AS body FROM wtc_docs WHERE project = $1 AND name = $2 FOR UPDATE', [this.projectId, file]);
        const text = rows[0]?.body ?? null;
        read.set(file, text);
        return text;
      },
      writeDocs: async (texts) => {
        for (const [file, text] of texts) {
          const rule = fences[file];
          if (rule) {
            const before = read.get(file);
            await this.applyFences(client, rule(before == null ? null : JSON.parse(before), JSON.parse(text)));
          }
          await client.query(
            `INSERT INTO wtc_docs (project, name, body, updated_by) VALUES ($1, $2, $3, $4)
             ON CONFLICT (project, name) DO UPDATE SET body = excluded.body, version = wtc_docs.version + 1, updated_at = now(), updated_by = excluded.updated_by`,
            [this.projectId, file, text, this.machine],
          );
        }
        // Live panels (watch) redraw on this, delivered at COMMIT; a commit that changed nothing is silent.
        if (texts.length > 0) await client.query('SELECT pg_notify($1, $2)', [this.channel('docs'), this.machine]);
      },
      writeEvents: async (events: EventInput[]) => {
        if (events.length === 0) return;
        await client.query(
          `INSERT INTO wtc_events (project, machine, type, instance, data)
           SELECT $1, $2, e->>'type', e->>'instance', coalesce(e->'data', '{}'::json) FROM json_array_elements($3::json) AS e`,
          [this.projectId, this.machine, JSON.stringify(events.map((e) => ({ ...e, data: e.data ?? {} })))],
        );
      },
    };
  }

  /** The database's own check of the fencing tokens: a reused token or a second live claim aborts the commit. */
  private async applyFences(client: Queryable, changes: FenceChange[]): Promise<void> {
    for (const change of changes.filter((c) => c.kind === 'end')) {
      const ended = await client.query('UPDATE wtc_fences SET ended = $4, ended_at = now() WHERE project = $1 AND key = $2 AND token = $3 AND ended IS NULL', [this.projectId, change.key, change.token, (change as { outcome: string }).outcome]);
      if (ended.rowCount !== 1) throw new WtError(`the database refused the change: ${change.key} has no live claim with token ${change.token}; nothing was changed`, 'retry; if it repeats, the queue was changed by a different wt-coord version');
    }
    for (const change of changes) {
      if (change.kind !== 'start') continue;
      try {
        await client.query('SAVEPOINT fence');
        await client.query('INSERT INTO wtc_fences (project, key, token, holder) VALUES ($1, $2, $3, $4)', [this.projectId, change.key, change.token, change.holder]);
        await client.query('RELEASE SAVEPOINT fence');
      } catch (error) {
        if ((error as { code?: string }).code !== '23505') throw error;
        throw new WtError(`the database refused the change: token ${change.token} of ${change.key} is used already, or ${change.key} is claimed twice; nothing was changed`, 'retry; if it repeats, the queue was changed by a different wt-coord version');
      }
    }
  }

  async readDoc<S extends DocSpec>(_dir: string, doc: S): Promise<z.infer<S['schema']>> {
    const { rows } = await this.query('SELECT body::text AS body FROM wtc_docs WHERE project = $1 AND name = $2', (id) => [id, doc.file]);
    const text: string | undefined = rows[0]?.body;
    return (text === undefined ? doc.empty() : parseJsonText(this.label(doc.file), text, doc.schema)) as z.infer<S['schema']>;
  }

  private channel(log: string): string {
    return `wtc_${this.projectId}_${log}`;
  }

  private txClient(tx: Transaction): Queryable {
    const client = this.clientOf.get(tx);
    if (!client) throw new Error('not a PostgreSQL transaction');
    return client;
  }

  private static readonly NEXT_SEQ = `INSERT INTO wtc_log_seq (project, log, last_seq) VALUES ($1, $2, 1)
    ON CONFLICT (project, log) DO UPDATE SET last_seq = wtc_log_seq.last_seq + 1 RETURNING last_seq`;

  async append(tx: Transaction, log: string, build: (seq: number) => unknown, key?: string): Promise<unknown> {
    const client = this.txClient(tx);
    const { rows } = await client.query(PgStore.NEXT_SEQ, [this.projectId, log]);
    const seq = Number(rows[0].last_seq);
    const body = build(seq);
    await client.query('INSERT INTO wtc_log (project, log, seq, key, body) VALUES ($1, $2, $3, $4, $5)', [this.projectId, log, seq, key ?? null, JSON.stringify(body)]);
    await client.query('SELECT pg_notify($1, $2)', [this.channel(log), String(seq)]); // delivered at COMMIT
    return body;
  }

  async enqueue(log: string, key: string, body: unknown): Promise<unknown> {
    return this.conn.run(async (client) => {
      // One statement: the seq and the row together, so a lost connection leaves neither or both.
      const inserted = await client.query(
        `WITH s AS (${PgStore.NEXT_SEQ})
         INSERT INTO wtc_log (project, log, seq, key, body) SELECT $1, $2, last_seq, $3, $4 FROM s ON CONFLICT (project, log, key) DO NOTHING RETURNING seq`,
        [this.projectId, log, key, JSON.stringify(body)],
      );
      if (inserted.rowCount === 0) {
        // Sent before (a retry): nothing new; the earlier row answers.
        const { rows } = await client.query('SELECT body::text AS body FROM wtc_log WHERE project = $1 AND log = $2 AND key = $3', [this.projectId, log, key]);
        return rows[0] ? JSON.parse(rows[0].body) : body;
      }
      await client.query('SELECT pg_notify($1, $2)', [this.channel(log), key]).catch(() => undefined);
      return body;
    });
  }

  async read(log: string, options: { state?: string } = {}): Promise<{ rows: LogRow[]; lastSeq: number }> {
    const params = (id: number) => (options.state ? [id, log, options.state] : [id, log]);
    const { rows } = await this.query(
      `SELECT seq, key, state, body::text AS body, (SELECT last_seq FROM wtc_log_seq s WHERE s.project = $1 AND s.log = $2) AS last
       FROM (SELECT 1) AS one LEFT JOIN wtc_log l ON l.project = $1 AND l.log = $2 ${options.state ? 'AND l.state = $3' : ''}
       ORDER BY seq`,
      params,
    );
    const found = rows.filter((r) => r.seq !== null);
    return {
      rows: found.map((r) => ({ seq: Number(r.seq), key: r.key, state: r.state, body: JSON.parse(r.body) })),
      lastSeq: Number(rows[0]?.last ?? 0),
    };
  }

  async setState(log: string, keys: string[], state: string, tx?: Transaction): Promise<void> {
    if (keys.length === 0) return;
    const sql = 'UPDATE wtc_log SET state = $3 WHERE project = $1 AND log = $2 AND key = ANY($4)';
    const params = (id: number) => [id, log, state, keys];
    if (tx) await this.txClient(tx).query(sql, params(this.projectId));
    else await this.query(sql, params);
  }

  async count(log: string, state: string): Promise<number> {
    const { rows } = await this.query('SELECT count(*)::int AS n FROM wtc_log WHERE project = $1 AND log = $2 AND state = $3', (id) => [id, log, state]);
    return Number(rows[0].n);
  }

  async remove(tx: Transaction, log: string, seqs: number[]): Promise<void> {
    if (seqs.length === 0) return;
    await this.txClient(tx).query('DELETE FROM wtc_log WHERE project = $1 AND log = $2 AND seq = ANY($3)', [this.projectId, log, seqs]);
  }

  async listen(logs: string[], onNotice: () => void): Promise<() => Promise<void>> {
    await this.conn.run(async () => undefined); // the project id
    const client = await this.conn.dedicated();
    client.on('notification', () => onNotice());
    for (const log of logs) await client.query(`LISTEN ${this.channel(log)}`);
    return async () => {
      await client.end().catch(() => undefined);
    };
  }

  /** Records this machine's checkout (status lists every machine). */
  async registerMachine(mainRepo: string): Promise<void> {
    await this.query(
      `INSERT INTO wtc_machines (project, name, main_repo) VALUES ($1, $2, $3)
       ON CONFLICT (project, name) DO UPDATE SET main_repo = excluded.main_repo, last_seen = now()`,
      (id) => [id, this.machine, mainRepo],
    );
  }

  async machines(): Promise<{ name: string; main_repo: string; last_seen: string }[]> {
    const { rows } = await this.query('SELECT name, main_repo, last_seen FROM wtc_machines WHERE project = $1 ORDER BY name', (id) => [id]);
    return rows.map((r) => ({ name: r.name, main_repo: r.main_repo, last_seen: new Date(r.last_seen).toISOString() }));
  }

  async close(): Promise<void> {
    await this.conn.end();
  }
}
