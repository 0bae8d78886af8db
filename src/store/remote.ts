// Which store a coordination folder uses, and what a remote (database) store offers beyond the
// documents. The folder's `store.json` (written by `wt-coord init --store`) or WT_COORD_STORE
// (which wins) select PostgreSQL; without either the folder is the store. Only node built-ins
// here: this runs on every call, and the database client is imported only when selected.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { hostname } from 'node:os';
import { WtError } from '../lib/errors.js';
import type { DocSpec, Transaction, TransactOptions } from './store.js';

export const STORE_FILE = 'store.json';
export const STORE_ENV = 'WT_COORD_STORE';
export const MACHINE_ENV = 'WT_COORD_MACHINE';

export interface StoreRecord {
  version: 1;
  backend: 'postgres';
  /** The connection URL as init was given it (a credential: the file is 0600 and never printed). */
  url: string;
  /** Shared by every clone of one remote. */
  project: string;
  machine: string;
}

/** One append-only series of records in the database (messages, the discovery queue). */
export interface LogRow {
  seq: number;
  key: string | null;
  state: string;
  body: unknown;
}

export interface RemoteStore {
  /** The URL without its password, for messages. */
  readonly where: string;
  readonly project: string;
  readonly machine: string;
  transact<T>(dir: string, fn: (tx: Transaction) => Promise<T>, options?: TransactOptions): Promise<T>;
  readDoc<S extends DocSpec>(dir: string, doc: S): Promise<unknown>;
  /** Inside `tx`: the next seq of `log`, the record `build` makes of it, stored (and announced). */
  append(tx: Transaction, log: string, build: (seq: number) => unknown, key?: string): Promise<unknown>;
  /** Outside any transaction, without the project lock (the discovery queue). A key already in the
   *  log stores nothing: answers the body stored under the key, this one or the earlier one. */
  enqueue(log: string, key: string, body: unknown): Promise<unknown>;
  read(log: string, options?: { state?: string }): Promise<{ rows: LogRow[]; lastSeq: number }>;
  setState(log: string, keys: string[], state: string, tx?: Transaction): Promise<void>;
  count(log: string, state: string): Promise<number>;
  /** Inside `tx`: removes these rows of `log` (compaction); the numbering continues. */
  remove(tx: Transaction, log: string, seqs: number[]): Promise<void>;
  /** Calls `onNotice` whenever a record is appended to one of `logs`, or (`docs`) a commit changed
   *  documents (LISTEN/NOTIFY, on one connection of its own); answers a stop function. */
  listen(logs: string[], onNotice: () => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

/** What changes to fencing tokens a commit of a document makes (checked by the database). */
export type FenceChange =
  | { kind: 'start'; key: string; token: number; holder: string }
  | { kind: 'end'; key: string; token: number; outcome: string };
/** How a document's claims map to fencing tokens (the database checks them; the file store's lock is its check). */
export type FenceRule = (before: unknown, after: unknown) => FenceChange[];

function readRecord(dir: string): StoreRecord | null {
  let text: string;
  try {
    text = readFileSync(path.join(dir, STORE_FILE), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  try {
    const raw = JSON.parse(text) as StoreRecord;
    if (raw.backend === 'postgres' && typeof raw.url === 'string' && typeof raw.project === 'string') return raw;
  } catch {
    // reported below
  }
  throw new WtError(`${path.join(dir, STORE_FILE)} is invalid`, 'run `wt-coord init --store <postgres://…>` again to rewrite it');
}

export function machineName(recorded?: string): string {
  return process.env[MACHINE_ENV]?.trim() || recorded || hostname().split('.')[0] || 'localhost';
}

export function isPostgresUrl(url: string): boolean {
  return /^postgres(ql)?:\/\//i.test(url);
}

const opened = new Map<string, Promise<RemoteStore> | null>();

/** The store record of `dir` with WT_COORD_STORE applied; null for the file store. */
export function storeSelection(dir: string): StoreRecord | null {
  const record = readRecord(dir);
  const env = process.env[STORE_ENV]?.trim();
  if (!record) {
    if (env && isPostgresUrl(env)) throw new WtError(`${STORE_ENV} selects PostgreSQL, but ${dir} has not joined it`, 'run `wt-coord init` in the repository (it creates or migrates the schema and joins the project)');
    return null;
  }
  return { ...record, url: env && isPostgresUrl(env) ? env : record.url, machine: machineName(record.machine) };
}

/** The remote store of a coordination folder, or null when the folder is the store. Cached per folder. */
export function remoteStoreFor(dir: string): Promise<RemoteStore> | null {
  const key = path.resolve(dir);
  if (!opened.has(key)) {
    const selection = storeSelection(key);
    opened.set(key, selection && import('./postgres/index.js').then((m) => m.openPgStore(selection)));
  }
  return opened.get(key)!;
}

const remoteOfTx = new WeakMap<Transaction, RemoteStore>();

export function bindRemote(tx: Transaction, remote: RemoteStore): void {
  remoteOfTx.set(tx, remote);
}

/** The remote store a transaction runs in, or null (file store). */
export function remoteOf(tx: Transaction): RemoteStore | null {
  return remoteOfTx.get(tx) ?? null;
}

/** Closes every opened database connection (long-running commands call this before exiting). */
export async function closeRemoteStores(): Promise<void> {
  const stores = [...opened.values()];
  opened.clear();
  await Promise.all(stores.map(async (s) => (s ? (await s.catch(() => null))?.close() : undefined)));
}
