// The coordination store: the only code that changes coordination files. A change runs inside
// `transact`: take the folder's lock, read and validate what it touches, change it, write every
// changed document atomically (keeping the previous version as a backup), rewrite the derived
// views, append the events, release the lock.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { z } from 'zod';
import { writeFileAtomic, removeStaleTempFiles } from '../lib/atomic.js';
import { parseJsonText, readJsonFile, readTextIfExists, toJsonText } from '../lib/json-file.js';
import { withLock, type LockOptions } from '../lib/lock.js';
import { appendEvents, type EventInput } from './events.js';
import { remoteStoreFor, type FenceRule } from './remote.js';

export interface DocSpec<S extends z.ZodType = z.ZodType> {
  /** File name inside the coordination folder. */
  file: string;
  schema: S;
  empty: () => z.infer<S>;
}

/** Declares a source-of-truth document. The list `doctor` and checkpoints walk is src/coord/documents.ts. */
export function defineDoc<S extends z.ZodType>(file: string, schema: S, empty: () => z.infer<S>): DocSpec<S> {
  return { file, schema, empty };
}

export const LOCK_FILE = '.lock';
export const BACKUP_DIR = '.backup';

export function backupPathOf(dir: string, file: string): string {
  return path.join(dir, BACKUP_DIR, file);
}

export type ViewWriter = (tx: Transaction) => Promise<void>;

/** Where a transaction's documents and events live: this folder, or a database (remote.ts). */
export interface DocSource {
  /** How a document is named in errors. */
  label(file: string): string;
  readText(file: string): Promise<string | null>;
  /** Every changed document, validated; views are written after them, events last. */
  writeDocs(texts: (readonly [string, string])[]): Promise<void>;
  writeEvents(events: EventInput[]): Promise<void>;
}

function folderSource(dir: string): DocSource {
  return {
    label: (file) => path.join(dir, file),
    readText: (file) => readTextIfExists(path.join(dir, file)),
    writeDocs: async (texts) => {
      if (texts.length > 0) await fs.mkdir(path.join(dir, BACKUP_DIR), { recursive: true });
      for (const [file, text] of texts) await writeFileAtomic(path.join(dir, file), text, { backupPath: backupPathOf(dir, file) });
    },
    writeEvents: (events) => appendEvents(dir, events),
  };
}

export class Transaction {
  private readonly cache = new Map<string, unknown>();
  /** The spec of every document this transaction touched: a dirty one is validated by it before writing. */
  private readonly specs = new Map<string, DocSpec>();
  /** Each document's text as this transaction first read it (null: absent). */
  private readonly readTexts = new Map<string, string | null>();
  private readonly dirty = new Set<string>();
  private readonly events: EventInput[] = [];
  private readonly views = new Map<string, string>();
  private readonly afterCommitHooks: (() => Promise<void>)[] = [];

  constructor(readonly dir: string, private readonly source: DocSource = folderSource(dir)) {}

  async get<S extends z.ZodType>(doc: DocSpec<S>): Promise<z.infer<S>> {
    this.specs.set(doc.file, doc);
    if (!this.cache.has(doc.file)) {
      const text = await this.source.readText(doc.file);
      this.readTexts.set(doc.file, text);
      this.cache.set(doc.file, text === null ? doc.empty() : parseJsonText(this.source.label(doc.file), text, doc.schema));
    }
    return this.cache.get(doc.file) as z.infer<S>;
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

  afterCommit(hook: () => Promise<void>): void {
    this.afterCommitHooks.push(hook);
  }

  async commit(render?: ViewWriter): Promise<void> {
    // Validate every document and render every view before writing anything: a value that fails
    // its schema, or a view file someone corrupted, refuses the whole change with nothing written.
    const texts = [...this.dirty].map((file) => {
      const spec = this.specs.get(file)!;
      return [file, toJsonText(spec.schema.parse(this.cache.get(file)))] as const; // never write what we could not read back
    });
    if (this.dirty.size > 0 && render) await render(this);
    await this.source.writeDocs(texts);
    for (const [file, text] of this.views) await writeFileAtomic(file, text, { fsync: false }); // views are derived: rebuilt by doctor
    await this.source.writeEvents(this.events);
    for (const hook of this.afterCommitHooks) await hook();
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
  return withLock(path.join(dir, LOCK_FILE), async () => {
    // Under the lock, any temp file here (or a backup being linked into .backup/) belongs to a writer that died mid-write.
    await removeStaleTempFiles(dir, 0);
    await removeStaleTempFiles(path.join(dir, BACKUP_DIR), 0);
    const tx = new Transaction(dir);
    const result = await fn(tx);
    await tx.commit(options?.render);
    return result;
  }, options);
}

/** A consistent read without the lock: every document is replaced atomically, so any read is whole. */
export async function readDoc<S extends z.ZodType>(dir: string, doc: DocSpec<S>): Promise<z.infer<S>> {
  const remote = remoteStoreFor(dir);
  if (remote) return (await remote).readDoc(dir, doc) as Promise<z.infer<S>>;
  return readJsonFile(path.join(dir, doc.file), doc.schema, doc.empty);
}
