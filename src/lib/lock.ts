// An exclusive lock file that records its holder, with fencing. A lock whose holder died (same
// host) or that outlived `staleMs` without being refreshed is broken under a second "breaker" lock,
// and only after re-reading it and finding the same nonce, so two processes breaking one stale lock
// at once cannot both win.
//
// Fencing: breaking a lock does not stop its holder, which may only be paused (SIGSTOP, a laptop
// suspend, a long GC) and resume to write over newer state. So every holder gets a private staging
// folder, `.txn-<nonce>`, made before its lock exists; a writer that must prove it still holds the
// lock stages its files there and renames them into place. The breaker first renames that folder to
// `.trash-<nonce>`: from then on every write of the old holder fails (its paths no longer resolve),
// and what it had already decided to commit is found in the trash and completed (store.ts).
// While held, the lock is refreshed (its mtime) so a long critical section is not taken for dead.
// File calls are synchronous under async signatures, as in atomic.ts (and for the same reason);
// the refresh alone stays asynchronous (a timer's work).
import { closeSync, promises as fs, linkSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import { WtError } from './errors.js';
import { ioError } from './io-error.js';
import { PID_NAMESPACE, pidNamespaceOf } from './pid-namespace.js';
import { removeFlatDir } from './remove.js';
import { uniqueSuffix } from './unique.js';

export interface LockHolder {
  pid: number;
  host: string;
  /** The holder's pid namespace ("pid:[4026531836]"); absent in records of older versions and off Linux. */
  pidns?: string;
  started_at: string;
  nonce: string;
}

function newHolder(): LockHolder {
  return { pid: process.pid, host: hostname(), ...(PID_NAMESPACE ? { pidns: PID_NAMESPACE } : {}), started_at: new Date().toISOString(), nonce: uniqueSuffix() };
}

export interface LockOptions {
  /** A held lock not refreshed for this long is considered abandoned. Far above any critical section. */
  staleMs?: number;
  /** Give up waiting after this long. */
  timeoutMs?: number;
}

/** WT_COORD_LOCK_STALE_MS shortens the default (the torture suite pauses holders past it). */
function defaultStaleMs(): number {
  const fromEnv = Number(process.env.WT_COORD_LOCK_STALE_MS);
  return Number.isInteger(fromEnv) && fromEnv >= 100 ? fromEnv : 30_000;
}
const DEFAULT_TIMEOUT_MS = 60_000;
const BREAKER_STALE_MS = 5_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export const STAGING_PREFIX = '.txn-';
export const TRASH_PREFIX = '.trash-';

export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Whether the process that wrote a lock or marker (`host`, `pid`, `pidns`) may still be running: one
 * on another host or in another pid namespace (an agent's sandbox) cannot be checked from here and
 * counts as alive (its lock goes stale by age alone). The one liveness rule for every lock, marker
 * and record wt-coord writes.
 */
export function holderMayBeAlive(holder: { host?: string; pid?: number | null; pidns?: string }): boolean {
  if (holder.host !== undefined && holder.host !== hostname()) return true;
  if (typeof holder.pidns === 'string' && holder.pidns !== PID_NAMESPACE) return true;
  return typeof holder.pid === 'number' && isProcessAlive(holder.pid);
}

/** The writer a nonce (or a temp-file suffix) names: uniqueSuffix() puts its pid and pid namespace first. */
export function writerOfNonce(nonce: string): { pid: number; pidns?: string } | null {
  const match = /^(\d+)(?:p(\d+))?-/.exec(nonce);
  if (!match) return null;
  return match[2] ? { pid: Number(match[1]), pidns: pidNamespaceOf(match[2]) } : { pid: Number(match[1]) };
}

export function stagingDirOf(lockFile: string, nonce: string): string {
  return path.join(path.dirname(lockFile), `${STAGING_PREFIX}${nonce}`);
}

interface Found {
  holder: LockHolder | null;
  mtimeMs: number;
}

async function readHolder(file: string): Promise<Found | null> {
  try {
    const text = readFileSync(file, 'utf8');
    const stat = statSync(file);
    try {
      return { holder: JSON.parse(text) as LockHolder, mtimeMs: stat.mtimeMs };
    } catch {
      // Torn (a breaker killed creating it; locks themselves are linked into place whole): judged by age alone.
      return { holder: null, mtimeMs: stat.mtimeMs };
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw ioError('read the lock', file, error);
  }
}

/**
 * Nonces of the locks this process holds now. One of them is never stale to a waiter in this same
 * process, however old its mtime: that waiter running proves the holder is not paused, only that
 * the event loop was busy (a long synchronous step) and the refresh timer had no turn. Breaking it
 * would fence a live holder of our own (a 16-instance spawn on a loaded CI machine lost its
 * register step that way with a 1 s stale time). Another process still judges it by age.
 */
const heldHere = new Set<string>();

function isStale(found: Found, staleMs: number): boolean {
  if (found.holder?.nonce && heldHere.has(found.holder.nonce)) return false;
  const age = Date.now() - found.mtimeMs;
  if (age > staleMs) return true;
  const h = found.holder;
  if (!h) return age > 1_000; // a holder that never finished writing its record died creating it
  return !holderMayBeAlive(h);
}

/** The breaker lock: a plain O_EXCL file, held for a few milliseconds. */
async function tryCreateBreaker(file: string, holder: LockHolder): Promise<boolean> {
  let fd: number;
  try {
    fd = openSync(file, 'wx');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw ioError('create the lock', file, error);
  }
  try {
    writeSync(fd, JSON.stringify(holder));
  } catch (error) {
    rmSync(file, { force: true });
    throw ioError('write the lock', file, error);
  } finally {
    closeSync(fd);
  }
  return true;
}

/** Makes the judged holder's writes fail from now on: its staging folder moves to the trash. */
async function fence(lockFile: string, holder: LockHolder | null): Promise<void> {
  if (!holder?.nonce) return;
  const dir = path.dirname(lockFile);
  try {
    renameSync(stagingDirOf(lockFile, holder.nonce), path.join(dir, `${TRASH_PREFIX}${holder.nonce}`));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT' && code !== 'ENOTEMPTY' && code !== 'EEXIST') throw ioError('fence the stale lock holder in', dir, error);
  }
}

/** The lock file still records the holder with this nonce. */
async function isHeldBy(file: string, nonce: string): Promise<boolean> {
  return (await readHolder(file))?.holder?.nonce === nonce;
}

/**
 * Removes `file` only if it is still the stale lock we judged, under the breaker lock. The judged
 * holder is fenced first; only then is the lock file read again: once fenced, the holder can no
 * longer release (its rename into its folder fails), so if the lock still names it, no one else
 * can have taken it and it is ours to remove. Without that second look, a holder releasing just
 * after we judged it, and a third process taking the lock at once, lost that fresh lock to our
 * removal: two holders at once (the torture suite saw tasks claimed twice).
 */
export async function breakStaleLock(file: string, judged: Found, me: LockHolder, staleMs: number): Promise<boolean> {
  const breaker = `${file}.breaker`;
  if (!(await tryCreateBreaker(breaker, me))) {
    const other = await readHolder(breaker);
    if (other && isStale(other, BREAKER_STALE_MS)) rmSync(breaker, { force: true });
    return false;
  }
  try {
    const now = await readHolder(file);
    const same = now && now.mtimeMs === judged.mtimeMs && (now.holder?.nonce ?? null) === (judged.holder?.nonce ?? null);
    if (!same || !isStale(now, staleMs)) return false;
    const nonce = now.holder?.nonce;
    await fence(file, now.holder);
    // A lock with no nonce (torn, or an older format) has no folder to fence and no release to race: by age alone.
    if (nonce && !(await isHeldBy(file, nonce))) return false;
    rmSync(file, { force: true });
    return true;
  } finally {
    rmSync(breaker, { force: true });
  }
}

/** Runs `fn` under the breaker lock of `file`, waiting (briefly: it is held for milliseconds) for it. */
async function underBreaker<T>(file: string, me: LockHolder, fn: () => Promise<T>): Promise<T> {
  const breaker = `${file}.breaker`;
  const deadline = Date.now() + DEFAULT_TIMEOUT_MS;
  while (!(await tryCreateBreaker(breaker, me))) {
    const other = await readHolder(breaker);
    if (other && isStale(other, BREAKER_STALE_MS)) rmSync(breaker, { force: true });
    if (Date.now() > deadline) throw new WtError(`timed out waiting for ${breaker}`, 'if no wt-coord process is running, remove it by hand');
    await sleep(2 + Math.random() * 5);
  }
  try {
    return await fn();
  } finally {
    rmSync(breaker, { force: true });
  }
}

/** Breaks `file` if it is stale now (doctor): fenced exactly as a contender would. */
export async function breakIfStale(file: string, staleMs = defaultStaleMs()): Promise<boolean> {
  const found = await readHolder(file);
  if (!found || !isStale(found, staleMs)) return false;
  const me = newHolder();
  return breakStaleLock(file, found, me, staleMs);
}

export async function readLockHolder(file: string): Promise<(Found & { stale: boolean }) | null> {
  const found = await readHolder(file);
  return found && { ...found, stale: isStale(found, defaultStaleMs()) };
}

export class FileLock {
  private refresher: NodeJS.Timeout | undefined;

  private constructor(readonly file: string, readonly holder: LockHolder, readonly stagingDir: string, staleMs: number) {
    const record = path.join(stagingDir, 'lock');
    // The lock file is a hard link to this record: touching it keeps the lock fresh. Once fenced the
    // path is gone and the refresh stops by itself (it can never freshen someone else's lock).
    this.refresher = setInterval(() => {
      const now = new Date();
      fs.utimes(record, now, now).catch(() => this.stopRefreshing());
    }, Math.max(50, Math.floor(staleMs / 4)));
    this.refresher.unref();
    heldHere.add(holder.nonce);
  }

  static async acquire(file: string, options: LockOptions = {}): Promise<FileLock> {
    const staleMs = options.staleMs ?? defaultStaleMs();
    const deadline = Date.now() + (options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
    const me = newHolder();
    // The staging folder exists before the lock does, so a breaker always finds something to fence.
    const staging = stagingDirOf(file, me.nonce);
    const record = path.join(staging, 'lock');
    try {
      mkdirSync(staging);
      writeFileSync(record, JSON.stringify(me));
    } catch (error) {
      rmSync(staging, { recursive: true, force: true });
      throw ioError('prepare the lock', staging, error);
    }
    let wait = 2;
    try {
      for (;;) {
        try {
          linkSync(record, file); // atomic and exclusive: the lock appears whole or not at all
          return new FileLock(file, me, staging, staleMs);
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw ioError('create the lock', file, error);
        }
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
    } catch (error) {
      rmSync(staging, { recursive: true, force: true });
      throw error;
    }
  }

  private stopRefreshing(): void {
    if (this.refresher) clearInterval(this.refresher);
    this.refresher = undefined;
    heldHere.delete(this.holder.nonce);
  }

  /** Still ours: our staging folder was not fenced (a cheap check; the proof is a write through it). */
  async isHeld(): Promise<boolean> {
    try {
      statSync(path.join(this.stagingDir, 'lock'));
      return true;
    } catch {
      return false;
    }
  }

  /**
   * Releases only our own lock: if it was broken as stale and retaken, the new holder keeps it.
   * The lock moves into our staging folder, which resolves only while we were not fenced; nobody
   * takes the lock over without fencing us first, so what moves is ours.
   */
  async release(): Promise<void> {
    this.stopRefreshing();
    try {
      renameSync(this.file, path.join(this.stagingDir, 'released'));
    } catch {
      // fenced (our folder is in the trash) or already gone: not ours to remove
    }
    removeFlatDir(this.stagingDir);
  }

  /**
   * Leaves the staging folder for the next holder to complete (a commit decided but not fully
   * written), then releases. The folder moves first (from then on we are fenced, and the next holder
   * completes it before reading anything); the lock is then removed only if it is still ours, under
   * the breaker lock, exactly as a breaker removes one.
   */
  async releaseToTrash(): Promise<void> {
    this.stopRefreshing();
    const trash = path.join(path.dirname(this.file), `${TRASH_PREFIX}${this.holder.nonce}`);
    try {
      renameSync(this.stagingDir, trash);
    } catch {
      return; // already fenced: the breaker moved it there and removes the lock
    }
    await underBreaker(this.file, this.holder, async () => {
      if (await isHeldBy(this.file, this.holder.nonce)) rmSync(this.file, { force: true });
    });
  }
}

export async function withLock<T>(file: string, fn: (lock: FileLock) => Promise<T>, options?: LockOptions): Promise<T> {
  const lock = await FileLock.acquire(file, options);
  try {
    return await fn(lock);
  } finally {
    await lock.release();
  }
}
