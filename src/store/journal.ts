// How one transaction's changes reach the coordination folder, all or nothing, and only from the
// lock's current holder.
//
// A commit is staged in the holder's private folder (.txn-<nonce>, see lock.ts): each replaced
// file's new text, then commit.json listing every replacement and every append. Writing commit.json
// is the decision: before it, nothing visible changed; after it, the change happens even if its
// writer dies, pauses or fills the disk, because whoever holds the lock next finds the folder and
// completes it (replayed on open). Replacements are renames out of the staging folder, so a holder
// whose lock was broken (its folder moved to the trash) can no longer write anything: the rename's
// source is gone. Appends (messages.jsonl, events.jsonl) come after the replacements and are made
// idempotent where it matters: a message line already in the log is not appended again.
// File calls are synchronous under async signatures, as in lib/atomic.ts (and for the same reason).
import { closeSync, fstatSync, linkSync, lstatSync, mkdirSync, openSync, readFileSync, readSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { WtError } from '../lib/errors.js';
import { fsyncDir, writeNewFile } from '../lib/atomic.js';
import { ioError } from '../lib/io-error.js';
import { lastSeqInTail } from '../lib/jsonl-tail.js';
import { STAGING_PREFIX, TRASH_PREFIX, holderMayBeAlive, writerOfNonce } from '../lib/lock.js';

export const JOURNAL_FILE = 'commit.json';

const journalSchema = z.object({
  version: z.literal(1),
  /** Files replaced: `staged` (in the staging folder) renamed over `target`; the old one kept as `backup`. Paths relative to the coordination folder. */
  replace: z.array(z.object({ staged: z.string().regex(/^[a-z0-9-]+$/), target: z.string(), backup: z.string().optional() })),
  /** Text appended to `target` in order; `seq`: the first message seq in it (messages.jsonl), so a replay skips what is there. */
  append: z.array(z.object({ target: z.string(), text: z.string(), seq: z.number().int().optional() })),
});
export type Journal = z.infer<typeof journalSchema>;

/** The holder lost its lock before deciding: nothing it did is visible. */
export class LockLostError extends WtError {
  constructor(dir: string) {
    super(
      `lost the store lock of ${dir} before committing: this process was paused or slowed past the stale-lock time and another took the lock over; nothing was changed`,
      'run the command again',
    );
  }
}

/** Decided but not completely written (the disk filled up after the decision): the next store call completes it. */
export class CommitIncompleteError extends WtError {
  constructor(readonly underlying: Error) {
    super(`${underlying.message}; the change was committed and is completed by the next store call`, 'free the space and run any wt-coord command (wt-coord doctor shows the state)');
  }
}

async function exists(file: string): Promise<boolean> {
  try {
    lstatSync(file);
    return true;
  } catch {
    return false;
  }
}

function inside(dir: string, rel: string): string {
  const root = path.resolve(dir);
  const full = path.resolve(root, rel);
  if (!full.startsWith(`${root}${path.sep}`)) throw new WtError(`the store journal names ${rel}, outside ${dir}`, 'the journal is corrupt: run `wt-coord doctor`');
  return full;
}

/** Stages `text` (the new `target`) as a new file in the staging folder; a fenced holder gets LockLostError. */
export async function stageFile(dir: string, staging: string, name: string, text: string, fsync: boolean, target = name): Promise<void> {
  try {
    await writeNewFile(path.join(staging, name), text, { fsync });
  } catch (error) {
    if (!(await exists(staging))) throw new LockLostError(dir);
    throw ioError('write the new', target === name ? path.join(staging, name) : path.join(dir, target), (error as { cause?: unknown }).cause ?? error);
  }
}

const JOURNAL_DRAFT = 'commit-draft';

/**
 * Writes the decision. After this returns, the commit happens. The journal is written under another
 * name and renamed: a holder paused mid-write must never leave a torn commit.json that a breaker
 * takes for "nothing decided" (and removes) while the holder, resuming, believes it decided.
 */
export async function decide(dir: string, staging: string, journal: Journal, durable: boolean): Promise<void> {
  await stageFile(dir, staging, JOURNAL_DRAFT, JSON.stringify(journal), durable);
  try {
    renameSync(path.join(staging, JOURNAL_DRAFT), path.join(staging, JOURNAL_FILE));
  } catch (error) {
    if (!(await exists(staging))) throw new LockLostError(dir); // fenced before deciding
    throw ioError('decide the commit in', staging, error);
  }
  if (durable) await fsyncDir(staging);
}

/** Appends whole lines, starting on a fresh line if a killed writer left a torn one. A short write is an error, never a silent loss. */
export async function appendText(file: string, text: string): Promise<void> {
  let fd: number | undefined;
  try {
    fd = openSync(file, 'a+');
    const { size } = fstatSync(fd);
    let prefix = '';
    if (size > 0) {
      const last = Buffer.alloc(1);
      readSync(fd, last, 0, 1, size - 1);
      if (last[0] !== 0x0a) prefix = '\n';
    }
    const data = Buffer.from(prefix + text);
    const bytesWritten = writeSync(fd, data, 0, data.length);
    // The torn part is never truncated away (another writer may have appended after it): readers skip it.
    if (bytesWritten !== data.length) throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
  } catch (error) {
    throw ioError('append to', file, error);
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/**
 * Carries out a decided journal from `staging`. `replaying`: completing another holder's commit
 * (a step already done is skipped). Returns false when this holder was fenced part way: the rest is
 * then the next holder's to complete.
 */
export async function applyJournal(dir: string, staging: string, journal: Journal, replaying: boolean): Promise<boolean> {
  const synced = new Set<string>();
  for (const entry of journal.replace) {
    const source = path.join(staging, entry.staged);
    const target = inside(dir, entry.target);
    if (replaying && !(await exists(source))) continue; // renamed before its writer stopped
    if (entry.backup) {
      const backup = inside(dir, entry.backup);
      const link = path.join(staging, `${entry.staged}-backup`);
      try {
        linkSync(target, link);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'ENOENT' && !(await exists(staging))) return false;
        if (code !== 'ENOENT' && code !== 'EEXIST') throw ioError('keep a backup of', target, error);
      }
      mkdirSync(path.dirname(backup), { recursive: true });
      try {
        if (await exists(link)) renameSync(link, backup);
      } catch (error) {
        if (!(await exists(staging))) return false;
        throw ioError('keep a backup as', backup, error);
      }
    }
    try {
      renameSync(source, target);
    } catch (error) {
      if (!(await exists(staging))) return false;
      throw ioError('replace', target, error);
    }
    synced.add(path.dirname(target));
  }
  for (const folder of synced) await fsyncDir(folder);
  for (const append of journal.append) {
    const target = inside(dir, append.target);
    if (replaying) {
      if (append.seq !== undefined && (await lastSeqInTail(target)) >= append.seq) continue;
    } else if (!(await exists(path.join(staging, JOURNAL_FILE)))) return false; // fenced just now: the next holder appends it
    await appendText(target, append.text);
  }
  return true;
}

async function readJournal(staging: string): Promise<Journal | null> {
  let text: string;
  try {
    text = readFileSync(path.join(staging, JOURNAL_FILE), 'utf8');
  } catch {
    return null;
  }
  try {
    return journalSchema.parse(JSON.parse(text));
  } catch {
    return null; // unreadable (a disk fault): it cannot be carried out, so it counts as undecided
  }
}

/** A staging folder no live holder owns: fenced by a breaker (trash), or left by a process that died. */
export function isAbandonedStaging(name: string): boolean {
  if (name.startsWith(TRASH_PREFIX)) return true;
  if (!name.startsWith(STAGING_PREFIX)) return false;
  const writer = writerOfNonce(name.slice(STAGING_PREFIX.length));
  return writer !== null && writer.pid !== process.pid && !holderMayBeAlive(writer);
}

/** How long an undecided staging folder of a pid we cannot see is kept for its possible waiter. */
const UNDECIDED_STAGING_MAX_AGE_MS = 60 * 60_000;

async function olderThan(folder: string, ageMs: number): Promise<boolean> {
  try {
    return Date.now() - statSync(folder).mtimeMs > ageMs;
  } catch {
    return false; // already gone
  }
}

/**
 * Under the lock, before anything is read: completes every decided commit whose writer lost its
 * lock or died, then removes their folders. Returns the folders completed.
 */
export async function replayAbandoned(dir: string, names: string[]): Promise<string[]> {
  const completed: string[] = [];
  for (const name of names.filter(isAbandonedStaging).sort()) {
    const staging = path.join(dir, name);
    const journal = await readJournal(staging);
    if (journal) {
      await applyJournal(dir, staging, journal, true);
      completed.push(name);
    } else if (
      name.startsWith(STAGING_PREFIX) &&
      !(await olderThan(staging, UNDECIDED_STAGING_MAX_AGE_MS))
    ) {
      // Nothing decided: it may be the folder of a writer still waiting for a lock whose pid we
      // cannot see (a coordinate.sh in Codex's sandbox sees no pid outside its namespace). Removing
      // it would make that waiter fail for ever (ENOENT on its lock), so only old ones go; doctor
      // --fix removes the rest. A trash folder is never a waiter's: a breaker moved it there.
      continue;
    }
    rmSync(staging, { recursive: true, force: true });
  }
  return completed;
}
