// A real PostgreSQL server for tests: initdb + pg_ctl on a free port in a temp folder, stopped when
// the test process exits. Debian keeps the server binaries out of PATH (/usr/lib/postgresql/<v>/bin),
// and initdb refuses to run as root, so as root the cluster belongs to an unprivileged user
// (`postgres` when the package made it, else a system user made here once).
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

const PG_ROOT = '/usr/lib/postgresql';
const FALLBACK_USER = 'wtcoord-pg';

/** The folder holding initdb, pg_ctl and psql: initdb's own folder when it is on PATH (through any
 *  symlink: /usr/local/bin may link initdb alone), else Debian's newest versioned bin folder. */
export function findPgBin(): string {
  const onPath = spawnSync('sh', ['-c', 'command -v initdb'], { encoding: 'utf8' }).stdout.trim();
  if (onPath) {
    const dir = path.dirname(realpathSync(onPath));
    if (['pg_ctl', 'psql'].every((tool) => existsSync(path.join(dir, tool)))) return dir;
  }
  const versions = existsSync(PG_ROOT)
    ? readdirSync(PG_ROOT).filter((v) => /^\d+$/.test(v) && existsSync(path.join(PG_ROOT, v, 'bin', 'initdb'))).sort((a, b) => Number(b) - Number(a))
    : [];
  if (versions.length === 0) throw new Error('PostgreSQL server binaries not found (no initdb on PATH or in /usr/lib/postgresql/<version>/bin): apt-get install -y postgresql');
  return path.join(PG_ROOT, versions[0]!, 'bin');
}

/** The unprivileged user that owns the cluster when we run as root (null: run as ourselves). */
function serverUser(): { name: string; uid: number; gid: number } | null {
  if (process.getuid?.() !== 0) return null;
  for (const name of ['postgres', FALLBACK_USER]) {
    const found = spawnSync('id', ['-u', name], { encoding: 'utf8' });
    if (found.status === 0) {
      const gid = Number(execFileSync('id', ['-g', name], { encoding: 'utf8' }).trim());
      return { name, uid: Number(found.stdout.trim()), gid };
    }
  }
  execFileSync('useradd', ['--system', '--no-create-home', '--shell', '/usr/sbin/nologin', FALLBACK_USER]);
  return serverUser();
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export interface PgServer {
  host: string;
  port: number;
  user: string;
  password: string;
  database: string;
  /** postgres://user:password@127.0.0.1:port/database */
  url: string;
  /** A URL for another database on the same server (made by `createDatabase`). */
  urlFor: (database: string) => string;
  createDatabase: (name: string) => void;
  /** Runs SQL as the superuser through psql; answers its unaligned, tuples-only output. */
  psql: (sql: string, database?: string) => string;
  /** `fast` ends sessions cleanly; `immediate` is a crash (no checkpoint), as after a power cut. */
  restart: (mode?: 'fast' | 'immediate') => void;
  stop: (mode?: 'fast' | 'immediate') => void;
  start: () => void;
  isRunning: () => boolean;
  /** Stops the server and removes its folder (also done when the process exits). */
  destroy: () => void;
}

export interface PgServerOptions {
  maxConnections?: number;
}

/** Starts a fresh cluster; resolves once it accepts connections. */
export async function startPgServer(options: PgServerOptions = {}): Promise<PgServer> {
  const bin = findPgBin();
  const owner = serverUser();
  const root = mkdtempSync(path.join(tmpdir(), 'wtc-pg-'));
  const data = path.join(root, 'data');
  const log = path.join(root, 'server.log');
  const pwfile = path.join(root, 'pwfile');
  const user = 'wtcoord';
  const password = `pw-${Math.random().toString(36).slice(2, 12)}`;
  writeFileSync(pwfile, `${password}\n`, { mode: 0o600 });
  if (owner) {
    chownSync(root, owner.uid, owner.gid);
    chownSync(pwfile, owner.uid, owner.gid);
  }
  chmodSync(root, 0o755); // the server user must reach its data folder; tests (root) read the log
  const run = (cmd: string, args: string[], input?: string) => {
    const argv = owner ? ['runuser', '-u', owner.name, '--', path.join(bin, cmd), ...args] : [path.join(bin, cmd), ...args];
    const result = spawnSync(argv[0]!, argv.slice(1), { encoding: 'utf8', input, cwd: root });
    if (result.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${result.status}): ${result.stderr || result.stdout}`);
    return result.stdout;
  };
  run('initdb', ['-D', data, '-U', user, `--pwfile=${pwfile}`, '--auth-local=trust', '--auth-host=scram-sha-256', '-E', 'UTF8', '--no-locale', '--no-sync']);
  rmSync(pwfile, { force: true });
  const port = await freePort();
  // fsync off keeps 2 busy cores usable and survives what the tests do (a server process killed,
  // not the machine): the OS keeps what was written. synchronous_commit stays on, so a COMMIT the
  // client saw is in the WAL before an `immediate` restart. The socket lives in our folder:
  // /var/run/postgresql may not exist or be writable.
  const settings = [
    `listen_addresses = '127.0.0.1'`,
    `port = ${port}`,
    `unix_socket_directories = '${root}'`,
    `max_connections = ${options.maxConnections ?? 200}`,
    `shared_buffers = 16MB`,
    `fsync = off`,
    `full_page_writes = off`,
    `log_min_messages = warning`,
  ];
  writeFileSync(path.join(data, 'postgresql.auto.conf'), `${settings.join('\n')}\n`);
  if (owner) chownSync(path.join(data, 'postgresql.auto.conf'), owner.uid, owner.gid);
  let running = false;
  const start = () => {
    run('pg_ctl', ['-D', data, '-l', log, '-w', '-t', '60', 'start']);
    running = true;
  };
  const stop = (mode: 'fast' | 'immediate' = 'fast') => {
    if (!running) return;
    run('pg_ctl', ['-D', data, '-m', mode, '-w', '-t', '60', 'stop']);
    running = false;
  };
  const psql = (sql: string, database = 'postgres') =>
    run('psql', ['-X', '-q', '-A', '-t', '-v', 'ON_ERROR_STOP=1', '-h', root, '-p', String(port), '-U', user, '-d', database], sql).trim();
  const urlFor = (database: string) => `postgres://${user}:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`;
  let destroyed = false;
  const destroy = () => {
    if (destroyed) return;
    destroyed = true;
    try {
      stop('immediate');
    } catch {
      // already gone
    }
    rmSync(root, { recursive: true, force: true });
  };
  process.once('exit', destroy);
  start();
  const database = 'wtcoord';
  psql(`CREATE DATABASE ${database}`);
  return {
    host: '127.0.0.1',
    port,
    user,
    password,
    database,
    url: urlFor(database),
    urlFor,
    createDatabase: (name) => void psql(`CREATE DATABASE "${name.replace(/"/g, '""')}"`),
    psql,
    restart: (mode = 'fast') => {
      stop(mode);
      start();
    },
    stop,
    start,
    isRunning: () => running,
    destroy,
  };
}
