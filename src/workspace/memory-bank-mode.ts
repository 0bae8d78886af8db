// The memory bank is read-only to instances by mode bits (no write bit on its files and folders)
// while instances exist; the merger and `wt-coord memory edit` lift that briefly and restore it.
import { promises as fs } from 'node:fs';
import path from 'node:path';

/**
 * Only the write bits change: read-only takes every write bit away, writable gives the owner's
 * back. Whatever else the user set (0600 private notes, a 0755 script) is kept.
 */
function toggled(mode: number, readOnly: boolean): number {
  const bits = mode & 0o7777;
  return readOnly ? bits & ~0o222 : bits | 0o200;
}

export async function setMemoryBankReadOnly(dir: string, readOnly: boolean): Promise<void> {
  const entries = await fs.readdir(dir, { withFileTypes: true }).catch(() => null);
  if (!entries) return;
  const own = await fs.lstat(dir);
  if (!readOnly) await fs.chmod(dir, toggled(own.mode, false));
  for (const entry of entries) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) await setMemoryBankReadOnly(full, readOnly);
    else if (entry.isFile()) await fs.chmod(full, toggled((await fs.lstat(full)).mode, readOnly));
  }
  if (readOnly) await fs.chmod(dir, toggled(own.mode, true));
}

/** Runs `fn` with the bank writable, restoring read-only afterwards if it was read-only. */
export async function withWritableMemoryBank<T>(dir: string, fn: () => Promise<T>): Promise<T> {
  const wasReadOnly = await fs.stat(dir).then((s) => (s.mode & 0o222) === 0, () => false);
  if (wasReadOnly) await setMemoryBankReadOnly(dir, false);
  try {
    return await fn();
  } finally {
    if (wasReadOnly) await setMemoryBankReadOnly(dir, true);
  }
}
