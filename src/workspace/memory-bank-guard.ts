// The merger's and the leader's way into the read-only memory bank. withWritableMemoryBank restores
// read-only only if the bank was read-only when it started; a merger killed inside that window
// leaves the bank writable, so first put the bank back to read-only while instances exist.
//
// `wt-coord memory edit` keeps the bank writable for as long as a person edits (minutes), while
// merges go on: it leaves a marker (memory-edit.json, its pid) so no merger "repairs" the bank to
// read-only under the open editor, whose save would then fail. A marker whose process is gone is ignored.
import { promises as fs } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { instancesDoc } from '../coord/instances/index.js';
import { MERGE_LOCK } from '../coord/memory/index.js';
import { writeFileAtomic } from '../lib/atomic.js';
import { holderMayBeAlive, withLock } from '../lib/lock.js';
import { parseJsonText, readTextIfExists, toJsonText } from '../lib/json-file.js';
import { readDoc } from '../coord/transact.js';
import type { RepoContext } from './repo.js';
import { setMemoryBankReadOnly, withWritableMemoryBank } from './memory-bank-mode.js';

export const EDIT_MARKER = 'memory-edit.json';
const editMarkerSchema = z.object({ pid: z.number().int(), host: z.string() });

async function editInProgress(repo: RepoContext): Promise<boolean> {
  const file = path.join(repo.coordDir, EDIT_MARKER);
  const text = await readTextIfExists(file);
  if (text === null) return false;
  try {
    const marker = parseJsonText(file, text, editMarkerSchema);
    return holderMayBeAlive(marker);
  } catch {
    return false; // torn by a kill: no live editor wrote it
  }
}

async function isWritable(dir: string): Promise<boolean> {
  return fs.stat(dir).then((s) => (s.mode & 0o222) !== 0, () => false);
}

export async function restoreMemoryBankMode(repo: RepoContext): Promise<void> {
  const { instances } = await readDoc(repo.coordDir, instancesDoc);
  if (instances.length === 0) return;
  if ((await isWritable(repo.memoryBankDir)) && !(await editInProgress(repo))) await setMemoryBankReadOnly(repo.memoryBankDir, true);
}

/** Runs `fn` with the bank writable; read-only again afterwards while instances exist. */
export async function withMemoryBankWritable<T>(repo: RepoContext, fn: () => Promise<T>): Promise<T> {
  await restoreMemoryBankMode(repo);
  return withWritableMemoryBank(repo.memoryBankDir, fn);
}

/**
 * Runs `fn` (a person editing) with the bank writable and the edit marker in place. The marker is
 * set and cleared under the merge lock, so a merge never sits between "was it read-only" and its write.
 */
export async function withMemoryBankEditable<T>(repo: RepoContext, fn: () => Promise<T>): Promise<T> {
  const lock = path.join(repo.coordDir, MERGE_LOCK);
  const marker = path.join(repo.coordDir, EDIT_MARKER);
  const options = { staleMs: 10 * 60_000 }; // as the merger takes it
  await withLock(lock, async () => {
    await writeFileAtomic(marker, toJsonText({ pid: process.pid, host: hostname() }));
    if (!(await isWritable(repo.memoryBankDir))) await setMemoryBankReadOnly(repo.memoryBankDir, false);
  }, options);
  try {
    return await fn();
  } finally {
    await withLock(lock, async () => {
      await fs.rm(marker, { force: true });
      await restoreMemoryBankMode(repo);
    }, options);
  }
}
