// One PostgreSQL pool per store, and what a failure means: a server that cannot be reached is one
// line naming host:port and the fix; a connection lost mid-run (a restart) is retried with backoff.
// A one-shot call (coordinate.sh, a hook) runs its queries one after another on one connection.
import pg from 'pg';
import { WtError } from '../../lib/errors.js';
import { hostPort, redact, redactUrl } from './url.js';

const CONNECTION_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', '57P01', '57P02', '57P03']);
/** A client that has worked once keeps retrying this long (a server restart); a first connection gives up sooner. */
const RETRY_CONNECTED_MS = 30_000;
const RETRY_FIRST_MS = 2_000;
/** The server says it is starting or stopping: it exists and will answer soon. */
const RETRY_STARTING_MS = 30_000;

type PgError = Error & { code?: string };

export function isConnectionError(error: unknown): boolean {
  const e = error as PgError;
  if (!(e instanceof Error)) return false;
  if (e.code && (CONNECTION_CODES.has(e.code) || e.code.startsWith('08'))) return true;
  return /Connection terminated|connection timeout|timeout exceeded when trying to connect|Client has encountered a connection error|not queryable/i.test(e.message);
}

/** Conflicts the server resolved by aborting us: run the transaction again. */
export function isConflict(error: unknown): boolean {
  const code = (error as PgError).code;
  return code === '40P01' || code === '40001';
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class PgConnection {
  private readonly pool: pg.Pool;
  private connectedOnce = false;
  private prepared: Promise<void> | null = null;
  readonly where: string;

  constructor(readonly url: string, max: number, private readonly prepare: (client: pg.PoolClient) => Promise<void>) {
    this.where = redactUrl(url);
    this.pool = new pg.Pool({ connectionString: url, max, connectionTimeoutMillis: 5_000, idleTimeoutMillis: 2_000, allowExitOnIdle: true, application_name: 'wt-coord' });
    this.pool.on('error', () => undefined); // an idle client whose server went away: the next use reconnects
  }

  /** The error a user sees: the password never in it, and a fix named. */
  describe(error: unknown): Error {
    if (error instanceof WtError) return error;
    const e = error as PgError;
    const text = redact(e instanceof Error ? e.message : String(e), this.url);
    if (isConnectionError(e) || e.code === 'ENOTFOUND' || e.code === 'EAI_AGAIN') {
      const why = e.code && !e.code.startsWith('5') && !e.code.startsWith('0') ? e.code : text;
      return new WtError(`cannot reach PostgreSQL at ${hostPort(this.url)} (${why})`, 'start the server, or fix WT_COORD_STORE / `store:` in wt-coord.yaml; nothing was changed');
    }
    if (e.code === '28P01' || e.code === '28000') return new WtError(`PostgreSQL at ${hostPort(this.url)} refused the login (${text})`, 'check the user and password in WT_COORD_STORE, PGPASSWORD or ~/.pgpass');
    if (e.code === '3D000') return new WtError(`PostgreSQL at ${hostPort(this.url)}: ${text}`, 'create the database (createdb) or fix its name in the store URL');
    return new WtError(`PostgreSQL at ${this.where}: ${text}`, 'see the server log; retry once the cause is fixed');
  }

  /**
   * Runs `fn` on one client. A lost connection (or a deadlock the server broke) runs it again on a
   * new one, with backoff: `fn` must be safe to repeat (see `transact` for how a commit is made so).
   */
  async run<T>(fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    const started = Date.now();
    let delay = 50;
    for (;;) {
      let client: pg.PoolClient | null = null;
      try {
        client = await this.pool.connect();
        if (!this.prepared) this.prepared = this.prepare(client);
        await this.prepared.catch((error) => {
          this.prepared = null;
          throw error;
        });
        this.connectedOnce = true;
        const result = await fn(client);
        client.release();
        return result;
      } catch (error) {
        const lost = isConnectionError(error);
        client?.release(lost ? (error as Error) : undefined);
        const code = (error as PgError).code;
        const budget = this.connectedOnce ? RETRY_CONNECTED_MS : code === '57P03' ? RETRY_STARTING_MS : RETRY_FIRST_MS;
        if ((lost || isConflict(error)) && Date.now() - started + delay < budget) {
          await sleep(delay + Math.random() * delay);
          delay = Math.min(delay * 2, 1_000);
          continue;
        }
        throw this.describe(error);
      }
    }
  }

  /** A client of its own (LISTEN holds one for as long as it listens). */
  async dedicated(): Promise<pg.Client> {
    const client = new pg.Client({ connectionString: this.url, connectionTimeoutMillis: 5_000, application_name: 'wt-coord listen' });
    client.on('error', () => undefined);
    try {
      await client.connect();
    } catch (error) {
      throw this.describe(error);
    }
    return client;
  }

  async end(): Promise<void> {
    await this.pool.end().catch(() => undefined);
  }
}
