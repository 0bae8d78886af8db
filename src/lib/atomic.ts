// Crash-safe file replacement: write a temp file beside the target, fsync it, rename it over the
// target, fsync the folder. A process killed at any instant leaves the old or the new file whole.
// The calls are synchronous under async signatures: each is a few microseconds of kernel work, and
// a coordinate.sh call makes dozens of them, each of which as an async call waited a turn of
// the thread pool (at 50 queued tasks that was ~10 ms of every call; docs/benchmarks.md).
import { chmodSync, closeSync, fsyncSync, linkSync, lstatSync, openSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ioError } from './io-error.js';
import { holderMayBeAlive, writerOfNonce } from './lock.js';
import { removeFile } from './remove.js';
import { uniqueSuffix } from './unique.js';

const TEMP_MARK = '.tmp-';
/** A temp file whose writer may live on another host (a shared folder) is judged by age alone. */
const ABANDONED_AFTER_MS = 60 * 60_000;

export function isTempFile(name: string): boolean {
  return name.includes(TEMP_MARK);
}

/** Makes a rename inside `dir` durable. */
export async function fsyncDir(dir: string): Promise<void> {
  fsyncDirSync(dir);
}

function fsyncDirSync(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch (error) {
    throw ioError('sync the folder', dir, error);
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

export interface AtomicWriteOptions {
  /** Keep the replaced version as `backupPath` (a hard link: no copy). */
  backupPath?: string;
  mode?: number;
  /** The replacement keeps the replaced file's mode (a user's 0600 or 0755), not a default. */
  keepMode?: boolean;
  /** false for derived files (views): still atomic against a crashed process, but no fsync wait; doctor rebuilds them. */
  fsync?: boolean;
}

/** Writes `data` to a new file (it must not exist), fsynced unless told not to. */
export async function writeNewFile(file: string, data: string | Buffer, options: { mode?: number; fsync?: boolean } = {}): Promise<void> {
  let fd: number | undefined;
  try {
    fd = openSync(file, 'wx', options.mode ?? 0o644);
    writeFileSync(fd, data);
    if (options.fsync !== false) fsyncSync(fd);
  } catch (error) {
    throw ioError('write', file, error);
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

export async function writeFileAtomic(file: string, data: string, options: AtomicWriteOptions = {}): Promise<void> {
  const dir = path.dirname(file);
  const temp = path.join(dir, `${path.basename(file)}${TEMP_MARK}${uniqueSuffix()}`);
  let kept: number | undefined;
  if (options.keepMode) {
    try {
      kept = statSync(file).mode & 0o7777;
    } catch {
      // a new file: the default mode
    }
  }
  try {
    await writeNewFile(temp, data, options);
    if (kept !== undefined) chmodSync(temp, kept); // exactly, whatever the umask
    else if (options.mode !== undefined) chmodSync(temp, options.mode);
    if (options.backupPath) linkBackup(file, options.backupPath);
    try {
      renameSync(temp, file);
    } catch (error) {
      throw ioError('replace', file, error);
    }
  } catch (error) {
    removeFile(temp);
    throw error;
  }
  if (options.fsync !== false) fsyncDirSync(dir);
}

/** The file being replaced survives as the backup: link it, then rename the link over the old backup. */
function linkBackup(file: string, backupPath: string): void {
  const staging = `${backupPath}${TEMP_MARK}${uniqueSuffix()}`;
  try {
    linkSync(file, staging);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return; // first write: nothing to keep
    throw ioError('keep a backup of', file, error);
  }
  try {
    renameSync(staging, backupPath);
  } catch (error) {
    throw ioError('keep a backup as', backupPath, error);
  }
}

/**
 * A temp file is provably abandoned when the process that made it is gone: its name carries the
 * writer's pid (uniqueSuffix). One whose writer still runs is never touched, however old, unless
 * it is older than an hour (then its pid is another process's by now, or the writer is elsewhere).
 */
export function isAbandoned(name: string, mtimeMs: number, now = Date.now()): boolean {
  if (now - mtimeMs > ABANDONED_AFTER_MS) return true;
  const writer = writerOfNonce(name.slice(name.indexOf(TEMP_MARK) + TEMP_MARK.length));
  return writer !== null && writer.pid !== process.pid && !holderMayBeAlive(writer);
}

/** Removes the temp files in `dir` left by writers that died mid-write (never a live writer's). */
export async function removeStaleTempFiles(dir: string, names?: string[]): Promise<string[]> {
  let listed = names;
  if (!listed) {
    try {
      listed = readdirSync(dir);
    } catch {
      return [];
    }
  }
  const removed: string[] = [];
  for (const name of listed.filter(isTempFile)) {
    const full = path.join(dir, name);
    try {
      const stat = lstatSync(full);
      if (stat.isFile() && isAbandoned(name, stat.mtimeMs)) {
        rmSync(full, { force: true });
        removed.push(full);
      }
    } catch {
      // already gone
    }
  }
  return removed;
}
