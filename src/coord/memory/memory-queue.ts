// The discovery queue: `coordinate.sh update-memory` drops one record per discovery, maildir-style:
// write `tmp/<id>.json`, fsync, rename into `new/`. A rename is atomic, so any number of instances
// queue at once with no lock, and a reader never sees half a record. The merger moves merged
// records to `merged/` and records it cannot read to `corrupt/` (kept for inspection).
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, promises as fs, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { categoryNameSchema, defaultConfig } from '../../config/schema.js';
import { UsageError, describeZodError } from '../../lib/errors.js';
import { fsyncDir, writeNewFile } from '../../lib/atomic.js';
import { uniqueSuffix } from '../../lib/unique.js';
import { remoteStoreFor, type RemoteStore } from '../../store/remote.js';
import { controlCharacterCount, terminalText } from '../../lib/terminal-text.js';
import { existingTaskId, tasksDoc } from '../queue/tasks.js';

export const QUEUE_DIR = 'memory-queue';
/** The queue's name in a database store, where a record's `file` is `QUEUE_LOG:<id>`. */
const QUEUE_LOG = 'discoveries';
/** memory_categories' default (the config schema holds it). */
export const DEFAULT_CATEGORIES: readonly string[] = defaultConfig().memory_categories;
/** A discovery is a paragraph, not a file: 64 KiB of UTF-8 after cleaning is the hard limit. */
export const MAX_DISCOVERY_BYTES = 64 * 1024;
/** The most files one discovery may name. */
export const MAX_DISCOVERY_FILES = 100;
const MAX_FILES = MAX_DISCOVERY_FILES;
const MAX_FIELD = 1024;

export { categoryNameSchema };

/**
 * A category as given (update-memory --category, add_discovery's category): any text; whether it is
 * one of memory_categories is decided by validateDiscovery against the configuration of the
 * moment, with one message for both doors that names the allowed ones.
 */
export const categoryInputSchema = z.string().describe('one of memory_categories in wt-coord.yaml (default: pattern, decision, solution, blocker); default: the first of them');

export const discoveryRecordSchema = z.object({
  v: z.literal(1),
  id: z.string().regex(/^d-[a-z0-9]+-[a-z0-9]+$/),
  instance: z.string().min(1).max(200),
  task: z.string().max(200).nullable(),
  category: categoryNameSchema,
  text: z.string().min(1),
  files: z.array(z.string()).max(MAX_FILES),
  time: z.string(),
});
export type DiscoveryRecord = z.infer<typeof discoveryRecordSchema>;

export interface DiscoveryInput {
  instance: string;
  task: string | null;
  category: string;
  text: string;
  files: string[];
}

export function queuePaths(coordDir: string) {
  const root = path.join(coordDir, QUEUE_DIR);
  return { root, tmp: path.join(root, 'tmp'), new: path.join(root, 'new'), merged: path.join(root, 'merged'), corrupt: path.join(root, 'corrupt'), keys: path.join(root, 'keys') };
}

/** Cleans a discovery's text: CRLF to LF, escapes and control characters removed (terminal-text.ts), tabs to spaces, trailing blanks trimmed. */
export function cleanDiscoveryText(raw: string): { text: string; removed: number } {
  const removed = controlCharacterCount(raw);
  const text = terminalText(raw.replace(/\t/g, '  '))
    .split('\n')
    .map((line) => line.replace(/\s+$/, ''))
    .join('\n')
    .replace(/^\n+|\n+$/g, '');
  return { text, removed };
}

function cleanField(value: string): string {
  return terminalText(value, { oneLine: true });
}

export interface ValidatedDiscovery extends DiscoveryInput {
  /** Control characters removed from the text. */
  removed: number;
}

/** Validates one discovery; every failure is a UsageError naming the problem and the fix. */
export function validateDiscovery(input: DiscoveryInput, categories: readonly string[] = DEFAULT_CATEGORIES): ValidatedDiscovery {
  const rawBytes = Buffer.byteLength(input.text, 'utf8');
  if (rawBytes > MAX_DISCOVERY_BYTES * 4) {
    // Refuse before cleaning a huge input: the limit applies either way.
    throw overLimit(rawBytes);
  }
  const { text, removed } = cleanDiscoveryText(input.text);
  if (!text.trim()) throw new UsageError('the discovery is empty', 'pass the text as an argument (update-memory "what you found") or pipe it on stdin');
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > MAX_DISCOVERY_BYTES) throw overLimit(bytes);
  if (!categories.includes(input.category)) {
    throw new UsageError(`unknown category "${cleanField(input.category).slice(0, 40)}"`, `use one of: ${categories.join(', ')}; memory_categories in wt-coord.yaml sets the list`);
  }
  const files = input.files.map(cleanField).filter(Boolean);
  if (files.length > MAX_FILES) throw new UsageError(`--files names ${files.length} files, over the limit of ${MAX_FILES}`, 'name the few files that matter');
  const long = files.find((f) => f.length > MAX_FIELD);
  if (long) throw new UsageError(`--files entry "${long.slice(0, 40)}..." is over ${MAX_FIELD} characters`, 'name files by their path in the repository');
  const task = input.task === null ? null : cleanField(input.task) || null;
  if (task && task.length > 200) throw new UsageError('--task is over 200 characters', 'pass the task id, e.g. --task 3');
  return { instance: cleanField(input.instance), task, category: input.category, text, files, removed };
}

function overLimit(bytes: number): UsageError {
  return new UsageError(
    `the discovery is ${bytes} bytes, over the limit of ${MAX_DISCOVERY_BYTES} bytes (64 KiB)`,
    'queue a short summary and point at the details with --files <path>',
  );
}

/** A new id: time first (base 36) so names sort by arrival, then pid, counter and random bits so no two collide. */
export function newDiscoveryId(now = Date.now()): string {
  return `d-${now.toString(36)}-${uniqueSuffix().replace(/-/g, '')}`;
}

export interface QueueOptions {
  categories?: readonly string[];
  /** The task was named by the caller (--task, task_id): it must exist, and is stored as its canonical id. */
  taskGiven?: boolean;
}

export interface QueuedDiscovery {
  id: string;
  removed: number;
  category: string;
  /** The same discovery (instance, task, category, text, files) was queued before: nothing new was. */
  duplicate: boolean;
}

/** Same instance, task, category, text and files: the same discovery, whenever it is sent again. */
function discoveryContentKey(v: ValidatedDiscovery): string {
  return createHash('sha256').update(JSON.stringify([v.instance, v.task, v.category, v.text, [...v.files].sort()])).digest('hex').slice(0, 40);
}

/** The id an earlier send of the same discovery got, if its record still exists (queued, merged or set aside). */
function earlierSend(dirs: ReturnType<typeof queuePaths>, keyFile: string): string | null {
  let id: string;
  try {
    id = readFileSync(keyFile, 'utf8').trim();
  } catch {
    return null;
  }
  if (!/^d-[a-z0-9]+-[a-z0-9]+$/.test(id)) return null;
  for (const dir of [dirs.new, dirs.merged, dirs.corrupt]) {
    if (existsSync(path.join(dir, `${id}.json`))) return id;
  }
  return null; // its writer died between the key and the rename: this send takes the key over
}

/** Validates and queues one discovery; answers with its id. No lock: write, fsync, rename. */
export async function queueDiscovery(coordDir: string, input: DiscoveryInput, options: QueueOptions = {}): Promise<QueuedDiscovery> {
  const valid = validateDiscovery(input, options.categories);
  if (options.taskGiven && valid.task !== null) {
    const { readDoc } = await import('../../store/store.js');
    valid.task = existingTaskId(valid.task, (await readDoc(coordDir, tasksDoc)).tasks);
  }
  const remote = remoteStoreFor(coordDir);
  if (remote) {
    const id = newDiscoveryId();
    const record: DiscoveryRecord = { v: 1, id, instance: valid.instance, task: valid.task, category: valid.category, text: valid.text, files: valid.files, time: new Date().toISOString() };
    // Keyed by content, as the file queue's keys/: a retry of the same discovery stores nothing.
    const stored = (await (await remote).enqueue(QUEUE_LOG, discoveryContentKey(valid), record)) as Partial<DiscoveryRecord> | null;
    const earlier = typeof stored?.id === 'string' && stored.id !== id ? stored.id : null;
    return { id: earlier ?? id, removed: valid.removed, category: valid.category, duplicate: earlier !== null };
  }
  // Synchronous file calls, as the store's (lib/atomic.ts says why): update-memory is a hot verb.
  const dirs = queuePaths(coordDir);
  for (const dir of [dirs.tmp, dirs.new, dirs.keys]) mkdirSync(dir, { recursive: true });
  // A retry of the same discovery (after a timeout, or an error printed after it was queued) is a
  // no-op: the first send of each content creates keys/<hash> (O_EXCL) naming its record.
  const keyFile = path.join(dirs.keys, discoveryContentKey(valid));
  const earlier = earlierSend(dirs, keyFile);
  if (earlier) return { id: earlier, removed: valid.removed, category: valid.category, duplicate: true };
  const id = newDiscoveryId();
  const record: DiscoveryRecord = { v: 1, id, instance: valid.instance, task: valid.task, category: valid.category, text: valid.text, files: valid.files, time: new Date().toISOString() };
  const temp = path.join(dirs.tmp, `${id}.json`);
  try {
    await writeNewFile(temp, `${JSON.stringify(record)}\n`);
    try {
      writeFileSync(keyFile, `${id}\n`, { flag: 'wx' });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      // Sent twice at once: the other send holds the key; if its record is there, this one is a no-op.
      const other = earlierSend(dirs, keyFile);
      if (other && other !== id) {
        rmSync(temp, { force: true });
        return { id: other, removed: valid.removed, category: valid.category, duplicate: true };
      }
      writeFileSync(keyFile, `${id}\n`);
    }
    renameSync(temp, path.join(dirs.new, `${id}.json`));
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
  await fsyncDir(dirs.new);
  return { id, removed: valid.removed, category: valid.category, duplicate: false };
}

export interface CorruptRecord {
  file: string;
  problem: string;
}

export interface QueueRead {
  records: (DiscoveryRecord & { file: string })[];
  corrupt: CorruptRecord[];
}

export function parseDiscoveryRecord(name: string, text: string): { record: DiscoveryRecord } | { problem: string } {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return { problem: text.trim() ? 'not valid JSON' : 'empty file' };
  }
  const parsed = discoveryRecordSchema.safeParse(raw);
  if (!parsed.success) return { problem: describeZodError(parsed.error) };
  if (`${parsed.data.id}.json` !== name) return { problem: `id ${parsed.data.id} does not match the file name` };
  return { record: parsed.data };
}

/** Reads every queued record in arrival order; records that do not parse are reported, not thrown. */
export async function readQueue(coordDir: string): Promise<QueueRead> {
  const remote = remoteStoreFor(coordDir);
  if (remote) return readRemoteQueue(await remote);
  const dirs = queuePaths(coordDir);
  const names = (await fs.readdir(dirs.new).catch(() => [] as string[])).filter((n) => !n.startsWith('.')).sort();
  const result: QueueRead = { records: [], corrupt: [] };
  // Synchronous on purpose: for thousands of small files, one blocking read each is several times
  // faster than four thread-pool round trips (open, fstat, read, close) each.
  const texts = names.map((name) => {
    try {
      return readFileSync(path.join(dirs.new, name), 'utf8');
    } catch {
      return null;
    }
  });
  names.forEach((name, index) => {
    const text = texts[index];
    if (text === null || text === undefined) return; // taken by a concurrent merger
    const file = path.join(dirs.new, name);
    const parsed = name.endsWith('.json') ? parseDiscoveryRecord(name, text) : { problem: 'not a .json record' };
    if ('record' in parsed) result.records.push({ ...parsed.record, file });
    else result.corrupt.push({ file, problem: parsed.problem });
  });
  result.records.sort((a, b) => (a.time < b.time ? -1 : a.time > b.time ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return result;
}

async function readRemoteQueue(remote: RemoteStore): Promise<QueueRead> {
  const { rows } = await remote.read(QUEUE_LOG, { state: 'new' });
  const result: QueueRead = { records: [], corrupt: [] };
  for (const row of rows) {
    const file = `${QUEUE_LOG}:${row.key}`;
    const parsed = discoveryRecordSchema.safeParse(row.body);
    if (parsed.success) result.records.push({ ...parsed.data, file });
    else result.corrupt.push({ file, problem: describeZodError(parsed.error) });
  }
  return result;
}

/** Moves a record out of `new/` (to `merged/` or `corrupt/`); already gone is fine. In a database
 *  store the records change state instead (`toDir` names the state by its last part). */
export async function moveRecords(files: string[], toDir: string, coordDir?: string): Promise<void> {
  if (files.length === 0) return;
  const remote = coordDir === undefined ? null : remoteStoreFor(coordDir);
  if (remote) {
    const keys = files.map((f) => f.slice(QUEUE_LOG.length + 1));
    await (await remote).setState(QUEUE_LOG, keys, path.basename(toDir));
    return;
  }
  await fs.mkdir(toDir, { recursive: true });
  for (const file of files) {
    try {
      renameSync(file, path.join(toDir, path.basename(file))); // see readQueue: sync is faster in bulk
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
  await fsyncDir(toDir);
}

/** Counts queued records without reading them (for `memory show` and status). */
export async function countQueue(coordDir: string): Promise<{ pending: number; corrupt: number }> {
  const remote = remoteStoreFor(coordDir);
  if (remote) {
    const store = await remote;
    return { pending: await store.count(QUEUE_LOG, 'new'), corrupt: await store.count(QUEUE_LOG, 'corrupt') };
  }
  const dirs = queuePaths(coordDir);
  const count = async (dir: string) => (await fs.readdir(dir).catch(() => [] as string[])).filter((n) => !n.startsWith('.')).length;
  return { pending: await count(dirs.new), corrupt: await count(dirs.corrupt) };
}

/** Removes temp files of writers killed before their rename (older than a minute: never a live one). */
export async function removeStaleQueueTemps(coordDir: string, minAgeMs = 60_000): Promise<number> {
  const dir = queuePaths(coordDir).tmp;
  let removed = 0;
  for (const name of await fs.readdir(dir).catch(() => [] as string[])) {
    const file = path.join(dir, name);
    const stat = await fs.stat(file).catch(() => null);
    if (stat && Date.now() - stat.mtimeMs >= minAgeMs) {
      await fs.rm(file, { force: true });
      removed++;
    }
  }
  return removed;
}
