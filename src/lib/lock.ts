// An exclusive lock file (O_EXCL) that records its holder. A lock whose holder died (same host) or
// that outlived `staleMs` is broken under a second "breaker" lock, and only after re-reading it
// and finding the same nonce, so two processes breaking one stale lock at once cannot both win.
import { promises as fs } from 'node:fs';
import { hostname } from 'node:os';
import { WtError } from './errors.js';
import { uniqueSuffix } from './unique.js';

export interface LockHolder {
  pid: number;
  host: string;
  started_at: string;
  nonce: string;
}

export interface LockOptions {
  /** A held lock older than this is considered abandoned. Far above any critical section. */
  staleMs?: number;
  /** Give up waiting after this long. */
  timeoutMs?: number;
}

const DEFAULT_STALE_MS = 30_000;
const DEFAULT_TIMEOUT_MS = 60_000;
const BREAKER_STALE_MS = 5_000;

/**
 * Whether the process that wrote a lock or marker (`host`, `pid`) may still be running: one on
 * another host cannot be checked from here and counts as alive. The one liveness rule for every lock,
 * marker and record wt-coord writes.
 */
export function holderMayBeAlive(holder: { host?: string; pid?: number | null }): boolean {
  if (holder.host !== undefined && holder.host !== hostname()) return true;
  return typeof holder.pid === 'number' && isProcessAlive(holder.pid);
}

export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function readHolder(file: string): Promise<{ holder: LockHolder | null; mtimeMs: number } | null> {
  try {
    const [text, stat] = await Promise.all([fs.readFile(file, 'utf8'), fs.stat(file)]);
    try {
      return { holder: JSON.parse(text) as LockHolder, mtimeMs: stat.mtimeMs };
    } catch {
      // Torn while its creator was being killed: judged by age alone.
      return { holder: null, mtimeMs: stat.mtimeMs };
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

function isStale(found: { holder: LockHolder | null; mtimeMs: number }, staleMs: number): boolean {
  const age = Date.now() - found.mtimeMs;
  if (age > staleMs) return true;
  const h = found.holder;
  if (!h) return age > 1_000; // a holder that never finished writing its record died creating it
  return !holderMayBeAlive(h);
}

async function tryCreate(file: string, holder: LockHolder): Promise<boolean> {
  let handle;
  try {
    handle = await fs.open(file, 'wx');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
  try {
    await handle.writeFile(JSON.stringify(holder));
  } finally {
    await handle.close();
  }
  return true;
}

/** Removes `file` only if it still is the stale lock we judged (same nonce), under the breaker lock. */
async function breakStaleLock(file: string, judged: { holder: LockHolder | null; mtimeMs: number }, me: LockHolder, staleMs: number): Promise<void> {
  const breaker = `${file}.breaker`;
  if (!(await tryCreate(breaker, me))) {
    const other = await readHolder(breaker);
    if (other && isStale(other, BREAKER_STALE_MS)) await fs.rm(breaker, { force: true });
    return;
  }
  try {
    const now = await readHolder(file);
    const same = now && now.mtimeMs === judged.mtimeMs && (now.holder?.nonce ?? null) === (judged.holder?.nonce ?? null);
    if (same && isStale(now, staleMs)) await fs.rm(file, { force: true });
  } finally {
    await fs.rm(breaker, { force: true });
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class FileLock {
  private constructor(readonly file: string, readonly holder: LockHolder) {}

  static async acquire(file: string, options: LockOptions = {}): Promise<FileLock> {
    const staleMs = options.staleMs ?? DEFAULT_STALE_MS;
    const deadline = Date.now() + (options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
    const me: LockHolder = { pid: process.pid, host: hostname(), started_at: new Date().toISOString(), nonce: uniqueSuffix() };
    let wait = 2;
    for (;;) {
      if (await tryCreate(file, me)) return new FileLock(file, me);
      const found = await readHolder(file);
      if (found && isStale(found, staleMs)) {
        await breakStaleLock(file, found, me, staleMs);
        continue;
      }
      if (Date.now() > deadline) {
        const who = found?.holder ? `pid ${found.holder.pid} on ${found.holder.host}` : 'an unknown process';
        throw new WtError(`timed out waiting for the lock ${file}, held by ${who}`, 'if that process is gone, the lock is broken automatically once it is stale; otherwise retry');
      }
      await sleep(wait + Math.random() * wait);
      wait = Math.min(wait * 2, 25);
    }
  }

  /** Releases only our own lock: if it was broken as stale and retaken, the new holder keeps it. */
  async release(): Promise<void> {
    const found = await readHolder(this.file);
    if (found?.holder?.nonce === this.holder.nonce) await fs.rm(this.file, { force: true });
  }
}

export async function withLock<T>(file: string, fn: () => Promise<T>, options?: LockOptions): Promise<T> {
  const lock = await FileLock.acquire(file, options);
  try {
    return await fn();
  } finally {
    await lock.release();
  }
}
