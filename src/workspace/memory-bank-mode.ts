// The memory bank is read-only to instances by mode bits (files 0444 in a 0555 folder) while
// instances exist; the merger and `wt-coord memory edit` lift that briefly and restore it.
import { promises as fs } from 'node:fs';
import path from 'node:path';

export async function setMemoryBankReadOnly(dir: string, readOnly: boolean): Promise<void> {
  const entries = await fs.readdir(dir, { withFileTypes: true }).catch(() => null);
  if (!entries) return;
  if (!readOnly) await fs.chmod(dir, 0o755);
  for (const entry of entries) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) await setMemoryBankReadOnly(full, readOnly);
    else if (entry.isFile()) await fs.chmod(full, readOnly ? 0o444 : 0o644);
  }
  if (readOnly) await fs.chmod(dir, 0o555);
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
