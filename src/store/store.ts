// The coordination store: the only code that changes coordination files. A change runs inside
// `transact`: take the folder's lock, complete any commit a previous holder decided but did not
// finish, read and validate what it touches, change it, then commit everything at once through the
// journal (journal.ts): every changed document and file replaced (keeping the previous version of
// each document as a backup), the appends made, the derived views rewritten, the lock released.
// A holder that lost its lock (paused past the stale time) cannot commit: see lib/lock.ts.
import { readdirSync } from 'node:fs';
import path from 'node:path';
import type { z } from 'zod';
import { removeStaleTempFiles, writeFileAtomic } from '../lib/atomic.js';
import { fingerprint } from '../lib/fingerprint.js';
import { parseJsonText, readBytesIfExists, readTextIfExists, recordLinesOf, toRecordsText } from '../lib/json-file.js';
import { FileLock, type LockOptions } from '../lib/lock.js';
import { removeFile } from '../lib/remove.js';
import { digestOf, intactChecksum, parseIntact, seal } from '../lib/seal.js';
import { EVENTS_FILE, eventLines, type EventInput } from './events.js';
import { CommitIncompleteError, appendText, applyJournal, decide, replayAbandoned, stageFile, type Journal } from './journal.js';
import { remoteStoreFor, type FenceRule } from './remote.js';

export interface DocSpec<S extends z.ZodType = z.ZodType> {
  /** File name inside the coordination folder. */
  file: string;
  schema: S;
  empty: () => z.infer<S>;
  records?: RecordsSpec;
}

/**
 * A document that holds many records in one list (tasks.json): it is sealed (seal.ts), so a
 * transaction reads what this build wrote without validating it again, and writes it validating
 * only the records that changed. `record` is the schema of one item of the list `field`, `header`
 * the document's schema without that list (zod's omit): the document's schema must take the list
 * as a plain z.array(record), with no rule across its items. (Neither big schema is compiled on
 * that path: zod-lite's compiling one costs a call a few milliseconds.)
 */
export interface RecordsSpec {
  field: string;
  record: z.ZodType;
  header: z.ZodType;
}

/** Declares a source-of-truth document. The list `doctor` and checkpoints walk is src/coord/documents.ts. */
export function defineDoc<S extends z.ZodType>(file: string, schema: S, empty: () => z.infer<S>, records?: RecordsSpec): DocSpec<S> {
  return { file, schema, empty, ...(records ? { records } : {}) };
}

/**
 * A stored document's value: validated, unless it is a sealed document this build wrote and nobody
 * changed since (`checksum`, its seal's, or computed here when not given; null: validated), every
 * record of which was validated when it was written.
 */
function parseStored<S extends z.ZodType>(label: string, text: string, doc: DocSpec<S>, checksum = doc.records ? intactChecksum(text) : null): { value: z.infer<S>; checksum: string | null } {
  const intact = parseIntact(text, checksum);
  return intact ? { value: intact.value as z.infer<S>, checksum: intact.checksum } : { value: parseJsonText(label, text, doc.schema), checksum: null };
}

export const LOCK_FILE = '.lock';
export const BACKUP_DIR = '.backup';

/** Set by the test suite: every commit checks that setRecords() named each record that changed. */
const CHECK_RECORDS = process.env.WT_COORD_CHECK_RECORDS === '1';

export function backupPathOf(dir: string, file: string): string {
  return path.join(dir, BACKUP_DIR, file);
}

export type ViewWriter = (tx: Transaction) => Promise<void>;

/** Everything one transaction changes, validated: documents, other files of the folder, appends, events. */
export interface Change {
  docs: (readonly [string, string])[];
  /** Other files of the coordination folder, by path relative to it. */
  files: [string, string][];
  appends: { target: string; text: string; seq?: number }[];
  events: EventInput[];
}

/** Where a transaction's documents and events live: this folder, or a database (remote.ts). */
export interface DocSource {
  /** How a document is named in errors. */
  label(file: string): string;
  readText(file: string): Promise<string | null>;
  /** The same as UTF-8 bytes, where the source has them: a sealed document's checksum is checked on them, not on the text encoded again. */
  readBytes?(file: string): Promise<Buffer | null>;
  /** Every changed document, validated; views are written after them, events last. */
  writeDocs(texts: (readonly [string, string])[]): Promise<void>;
  writeEvents(events: EventInput[]): Promise<void>;
  /**
   * A source that commits a whole change at once (the folder, through its journal) does it here
   * instead; it answers whether the views may be written (false: fenced after deciding).
   */
  commitAll?(change: Change): Promise<boolean>;
}

/** The folder store: every commit staged in the lock's folder and decided there (journal.ts). */
function folderSource(dir: string, lock: FileLock): DocSource {
  const commitAll = async ({ docs, files, appends, events }: Change): Promise<boolean> => {
    const journal: Journal = { version: 1, replace: [], append: [...appends] };
    if (events.length > 0) journal.append.push({ target: EVENTS_FILE, text: eventLines(events) });
    const replacing = [...docs.map(([file, text]) => ({ file, text, backup: path.join(BACKUP_DIR, file) })), ...files.map(([file, text]) => ({ file, text, backup: undefined }))];
    if (replacing.length === 0 && journal.append.length === 0) return true;
    const staging = lock.stagingDir;
    for (const [i, { file, text, backup }] of replacing.entries()) {
      const staged = `f${i}`;
      await stageFile(dir, staging, staged, text, true, file);
      journal.replace.push({ staged, target: file, ...(backup ? { backup } : {}) });
    }
    await decide(dir, staging, journal, replacing.length > 1); // one rename is atomic by itself; several need the decision on disk first
    let whole: boolean;
    try {
      whole = await applyJournal(dir, staging, journal, false);
    } catch (error) {
      throw new CommitIncompleteError(error as Error);
    }
    if (!whole) return false; // fenced part way: decided, so the next holder completes it, views included
    removeFile(path.join(staging, 'commit.json'));
    return lock.isHeld();
  };
  return {
    label: (file) => path.join(dir, file),
    readText: (file) => readTextIfExists(path.join(dir, file)),
    readBytes: (file) => readBytesIfExists(path.join(dir, file)),
    writeDocs: (texts) => commitAll({ docs: texts, files: [], appends: [], events: [] }).then(() => undefined),
    writeEvents: (events) => commitAll({ docs: [], files: [], appends: [], events }).then(() => undefined),
    commitAll,
  };
}

export class Transaction {
  private readonly cache = new Map<string, unknown>();
  /** The spec of every document this transaction touched: a dirty one is validated by it before writing. */
  private readonly specs = new Map<string, DocSpec>();
  /** Each document's text as this transaction first read it (null: absent). */
  private readonly readTexts = new Map<string, string | null>();
  /** The checksum each sealed document had intact when read from bytes (null: not intact); absent: not checked yet. */
  private readonly readSeals = new Map<string, string | null>();
  private readonly dirty = new Set<string>();
  private readonly events: EventInput[] = [];
  private readonly views = new Map<string, string>();
  /** Other files of the coordination folder replaced in this commit, by path relative to it. */
  private readonly files = new Map<string, string>();
  private readonly appends: Change['appends'] = [];
  private readonly afterCommitHooks: (() => Promise<void>)[] = [];
  /** The checksum of each sealed document read as this build wrote it: its records need no validation unless changed. */
  private readonly trusted = new Map<string, string>();
  /** A trusted records document's records as read, in order, by identity. */
  private readonly recordsRead = new Map<string, readonly unknown[]>();
  /** The records setRecords named as changed, by document; 'all' once set() was called. */
  private readonly changedRecords = new Map<string, Set<unknown> | 'all'>();
  /** The text of each changed document, validated, from the start of the commit on. */
  private readonly newTexts = new Map<string, string>();
  /** The checksum of each changed sealed document's new text, likewise. */
  private readonly newChecksums = new Map<string, string>();

  constructor(readonly dir: string, private readonly source: DocSource) {}

  async get<S extends z.ZodType>(doc: DocSpec<S>): Promise<z.infer<S>> {
    this.specs.set(doc.file, doc);
    if (!this.cache.has(doc.file)) {
      const text = await this.storedText(doc);
      if (text === null) this.cache.set(doc.file, doc.empty());
      else {
        const { value, checksum } = parseStored(this.source.label(doc.file), text, doc, this.readSeals.get(doc.file));
        this.cache.set(doc.file, value);
        if (checksum !== null) {
          this.trusted.set(doc.file, checksum);
          this.recordsRead.set(doc.file, [...((value as Record<string, unknown[]>)[doc.records!.field] ?? [])]);
        }
      }
    }
    return this.cache.get(doc.file) as z.infer<S>;
  }

  /** A document's text as stored when this transaction first read it, unparsed (null: absent). */
  private async storedText(doc: DocSpec): Promise<string | null> {
    if (!this.readTexts.has(doc.file)) {
      const bytes = doc.records && this.source.readBytes ? await this.source.readBytes(doc.file) : undefined;
      if (bytes) this.readSeals.set(doc.file, intactChecksum(bytes));
      this.readTexts.set(doc.file, bytes === undefined ? await this.source.readText(doc.file) : (bytes?.toString('utf8') ?? null));
    }
    return this.readTexts.get(doc.file)!;
  }

  /**
   * What identifies the text a document has once this transaction commits (seal.ts's digestOf:
   * a view records what it was derived from with it), without parsing or validating it. A changed
   * document's digest is known only while the views are rendered.
   */
  async finalDigest(doc: DocSpec): Promise<string> {
    if (!this.dirty.has(doc.file)) {
      const text = (await this.storedText(doc)) ?? '';
      const seal = this.trusted.get(doc.file) ?? this.readSeals.get(doc.file);
      return seal ?? (seal === null ? fingerprint(text) : digestOf(text)); // null: checked on reading, not intact
    }
    const text = this.newTexts.get(doc.file);
    if (text === undefined) throw new Error(`finalDigest(${doc.file}) of a changed document is known only while the views are rendered`);
    return this.newChecksums.get(doc.file) ?? digestOf(text);
  }

  /**
   * The document as it stood before this transaction changed it (it was validated when read), or
   * null when it did not exist. For views that must know what changed; call after `get`.
   */
  committed<S extends z.ZodType>(doc: DocSpec<S>): z.infer<S> | null {
    const text = this.readTexts.get(doc.file);
    return text == null ? null : (JSON.parse(text) as z.infer<S>);
  }

  /** Marks a document changed; it is validated against its schema again before it is written. */
  set<S extends z.ZodType>(doc: DocSpec<S>, value: z.infer<S>): void {
    this.specs.set(doc.file, doc);
    this.cache.set(doc.file, value);
    this.dirty.add(doc.file);
    this.changedRecords.set(doc.file, 'all');
  }

  /**
   * set() for a records document whose change touched only the records in `changed` (new ones and
   * the fields outside the list may change too): every other record is written back as it was read,
   * neither serialized nor validated again, which at 5,000 tasks is most of a commit's work. A
   * record changed but not named here is not written: call set() when unsure. The test suite sets
   * WT_COORD_CHECK_RECORDS=1, under which the commit serializes the others anyway and refuses a
   * change left unnamed.
   */
  setRecords<S extends z.ZodType>(doc: DocSpec<S>, value: z.infer<S>, changed: readonly object[]): void {
    const before = this.changedRecords.get(doc.file);
    this.set(doc, value);
    if (before === 'all') return; // set() was called: anything may have changed
    const named = before ?? new Set<unknown>();
    for (const record of changed) named.add(record);
    this.changedRecords.set(doc.file, named);
  }

  isDirty(doc: DocSpec): boolean {
    return this.dirty.has(doc.file);
  }

  event(event: EventInput): void {
    this.events.push(event);
  }

  /** A derived file (absolute path) rewritten atomically under this lock. */
  writeView(file: string, text: string): void {
    this.views.set(file, text);
  }

  /** Replaces a file of the coordination folder (absolute path inside it) together with the documents. */
  writeFile(file: string, text: string): void {
    this.files.set(this.relative(file), text);
  }

  /** Appends whole lines to a log of the coordination folder once the commit is decided; `seq`: the first message number in them. */
  appendLines(file: string, text: string, seq?: number): void {
    this.appends.push({ target: this.relative(file), text, seq });
  }

  afterCommit(hook: () => Promise<void>): void {
    this.afterCommitHooks.push(hook);
  }

  private relative(file: string): string {
    const rel = path.relative(this.dir, file);
    if (!rel || rel.startsWith('..') || path.isAbsolute(rel)) throw new Error(`${file} is not inside the coordination folder ${this.dir}`);
    return rel;
  }

  async commit(render?: ViewWriter): Promise<void> {
    // Validate every document and render every view before writing anything: a value that fails
    // its schema, or a view file someone corrupted, refuses the whole change with nothing written.
    const texts = [...this.dirty].map((file) => {
      const spec = this.specs.get(file)!;
      const text = spec.records ? this.recordsText(spec, spec.records) : plainText(spec, this.cache.get(file));
      this.newTexts.set(file, text);
      return [file, text] as const;
    });
    if (this.dirty.size > 0 && render) await render(this);
    const change: Change = { docs: texts, files: [...this.files], appends: this.appends, events: this.events };
    if (this.source.commitAll) {
      if (await this.source.commitAll(change)) await this.writeViews();
    } else {
      await this.source.writeDocs(texts);
      for (const [file, text] of change.files) await writeFileAtomic(path.join(this.dir, file), text);
      for (const append of change.appends) await appendText(path.join(this.dir, append.target), append.text);
      await this.writeViews();
      await this.source.writeEvents(this.events);
    }
    for (const hook of this.afterCommitHooks) await hook();
  }

  /**
   * A records document's new text, sealed. Never written unvalidated: a record whose line is the
   * one this build wrote there (read back trusted) was validated then; every other is validated now.
   */
  private recordsText(spec: DocSpec, records: RecordsSpec): string {
    const { field, record } = records;
    const value = this.cache.get(spec.file) as Record<string, unknown> | null;
    const items = value?.[field];
    if (!Array.isArray(items)) return plainText(spec, value); // not a list: the document's schema refuses it
    const header = records.header.parse(value) as Record<string, unknown>;
    // The fields in the order they were read (the schema's, when it was written), the list in its place.
    const layout = Object.fromEntries(Object.keys({ ...value, ...header }).filter((key) => key === field || key in header).map((key) => [key, key === field ? [] : header[key]]));
    const read = this.recordsRead.get(spec.file) ?? [];
    const storedLines = this.trusted.has(spec.file) ? recordLinesOf(this.readTexts.get(spec.file)!, field) : null;
    const stored = storedLines?.length === read.length ? storedLines : null;
    const changed = this.changedRecords.get(spec.file);
    // The records setRecords named, when only they changed; null: compare every record with its stored line.
    const changedOnly = stored !== null && changed instanceof Set ? changed : null;
    const lines: string[] = new Array(items.length);
    // A loop, not map(): a fresh process runs a callback 5,000 times in the interpreter, a loop gets compiled.
    for (let i = 0; i < items.length; i++) {
      const item: unknown = items[i];
      if (changedOnly !== null && item === read[i] && !changedOnly.has(item)) {
        if (CHECK_RECORDS && JSON.stringify(item) !== stored![i]) throw new Error(`${spec.file}: record ${i} changed but setRecords() did not name it (it would not have been written)`);
        lines[i] = stored![i]!;
        continue;
      }
      const line = JSON.stringify(item);
      if (stored !== null && line === stored[i]) {
        lines[i] = line;
        continue;
      }
      const checked = record.safeParse(item);
      if (!checked.success) {
        spec.schema.parse(value); // throws the document's own error, which names the record's place in it
        throw checked.error;
      }
      lines[i] = JSON.stringify(checked.data);
    }
    const { text, checksum } = seal(toRecordsText(layout, { field, lines }));
    this.newChecksums.set(spec.file, checksum);
    return text;
  }

  private async writeViews(): Promise<void> {
    for (const [file, text] of this.views) await writeFileAtomic(file, text, { fsync: false }); // views are derived: rebuilt by doctor
  }
}

export interface TransactOptions extends LockOptions {
  /**
   * Renders the derived views from the transaction's documents, after its changes and before
   * anything is written (the store knows no view: the coordination layer passes its renderer).
   */
  render?: ViewWriter;
  /** Fencing rules by document file: a database store checks the tokens they name (remote.ts). */
  fences?: Record<string, FenceRule>;
}

export async function transact<T>(dir: string, fn: (tx: Transaction) => Promise<T>, options?: TransactOptions): Promise<T> {
  const remote = remoteStoreFor(dir);
  if (remote) return (await remote).transact(dir, fn, options);
  const lock = await FileLock.acquire(path.join(dir, LOCK_FILE), options);
  let incomplete = false;
  try {
    const tx = new Transaction(dir, folderSource(dir, lock));
    await recover(tx);
    const result = await fn(tx);
    await tx.commit(options?.render);
    return result;
  } catch (error) {
    incomplete = error instanceof CommitIncompleteError;
    throw error;
  } finally {
    if (incomplete) await lock.releaseToTrash();
    else await lock.release();
  }
}

/** Under the lock, first: complete what an earlier holder decided, and clear what dead writers left. */
async function recover(tx: Transaction): Promise<void> {
  let names: string[];
  try {
    names = readdirSync(tx.dir); // synchronous, as every file call of a commit (lib/atomic.ts says why)
  } catch {
    names = [];
  }
  const completed = await replayAbandoned(tx.dir, names);
  if (completed.length > 0) tx.event({ type: 'store.commit_completed', data: { from: completed } });
  await removeStaleTempFiles(tx.dir, names);
}

/** A document validated whole, then laid out one record per line (every document but a records one). */
function plainText(spec: DocSpec, value: unknown): string {
  return toRecordsText(spec.schema.parse(value)); // never write what we could not read back
}

/** A consistent read without the lock: every document is replaced atomically, so any read is whole. */
export async function readDoc<S extends z.ZodType>(dir: string, doc: DocSpec<S>): Promise<z.infer<S>> {
  const remote = remoteStoreFor(dir);
  if (remote) return (await remote).readDoc(dir, doc) as Promise<z.infer<S>>;
  const file = path.join(dir, doc.file);
  const bytes = await readBytesIfExists(file);
  return bytes === null ? doc.empty() : parseStored(file, bytes.toString('utf8'), doc, doc.records ? intactChecksum(bytes) : null).value;
}
