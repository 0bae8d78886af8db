// Crash-safe file replacement: write a temp file beside the target, fsync it, rename it over the
// target, fsync the folder. A process killed at any instant leaves the old or the new file whole.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { uniqueSuffix } from './unique.js';

const TEMP_MARK = '.tmp-';

export function isTempFile(name: string): boolean {
  return name.includes(TEMP_MARK);
}

/** Makes a rename inside `dir` durable. */
export async function fsyncDir(dir: string): Promise<void> {
  const handle = await fs.open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

export interface AtomicWriteOptions {
  /** Keep the replaced version as `backupPath` (a hard link: no copy). */
  backupPath?: string;
  mode?: number;
  /** false for derived files (views): still atomic against a crashed process, but no fsync wait; doctor rebuilds them. */
  fsync?: boolean;
}

export async function writeFileAtomic(file: string, data: string, options: AtomicWriteOptions = {}): Promise<void> {
  const dir = path.dirname(file);
  const temp = path.join(dir, `${path.basename(file)}${TEMP_MARK}${uniqueSuffix()}`);
  try {
    const handle = await fs.open(temp, 'w', options.mode ?? 0o644);
    try {
      await handle.writeFile(data);
      if (options.fsync !== false) await handle.sync();
    } finally {
      await handle.close();
    }
    if (options.backupPath) await linkBackup(file, options.backupPath);
    await fs.rename(temp, file);
  } catch (error) {
    await fs.rm(temp, { force: true });
    throw error;
  }
  if (options.fsync !== false) await fsyncDir(dir);
}

/** The file being replaced survives as the backup: link it, then rename the link over the old backup. */
async function linkBackup(file: string, backupPath: string): Promise<void> {
  const staging = `${backupPath}${TEMP_MARK}${uniqueSuffix()}`;
  try {
    await fs.link(file, staging);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return; // first write: nothing to keep
    throw error;
  }
  await fs.rename(staging, backupPath);
}

/** Removes temp files left by writers that were killed mid-write (older than `minAgeMs`). */
export async function removeStaleTempFiles(dir: string, minAgeMs = 60_000): Promise<string[]> {
  let names: string[];
  try {
    names = await fs.readdir(dir);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names.filter(isTempFile)) {
    const full = path.join(dir, name);
    try {
      const stat = await fs.stat(full);
      if (Date.now() - stat.mtimeMs >= minAgeMs) {
        await fs.rm(full, { force: true });
        removed.push(full);
      }
    } catch {
      // already gone
    }
  }
  return removed;
}
