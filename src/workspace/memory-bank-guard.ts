// The merger's and the leader's way into the read-only memory bank. withWritableMemoryBank restores
// read-only only if the bank was read-only when it started; a merger killed inside that window
// leaves the bank writable, so first put the bank back to read-only while instances exist.
import { promises as fs } from 'node:fs';
import { instancesDoc } from '../coord/instances.js';
import { readDoc } from '../store/store.js';
import type { RepoContext } from './repo.js';
import { setMemoryBankReadOnly, withWritableMemoryBank } from './memory-bank-mode.js';

export async function restoreMemoryBankMode(repo: RepoContext): Promise<void> {
  const { instances } = await readDoc(repo.coordDir, instancesDoc);
  if (instances.length === 0) return;
  const writable = await fs.stat(repo.memoryBankDir).then((s) => (s.mode & 0o222) !== 0, () => false);
  if (writable) await setMemoryBankReadOnly(repo.memoryBankDir, true);
}

/** Runs `fn` with the bank writable; read-only again afterwards while instances exist. */
export async function withMemoryBankWritable<T>(repo: RepoContext, fn: () => Promise<T>): Promise<T> {
  await restoreMemoryBankMode(repo);
  return withWritableMemoryBank(repo.memoryBankDir, fn);
}
