// `wt-coord merge-memory`: folds queued discoveries into the memory bank. Order of work, chosen so
// a merge killed at any instant neither loses nor doubles a discovery:
//   1. under the merge lock, read the queue; move unreadable records to corrupt/ (kept);
//   2. plan: skip ids already in the ledger (memory-merged.json), fold duplicates into one entry;
//   3. commit the new state through the store (atomic): this is the point of no return;
//   4. render systemPatterns.md / decision-log.md / knowledge-cache/ from the state, writing only
//      files whose bytes differ (so a merge with nothing new changes no byte);
//   5. move the merged records from new/ to merged/.
// A kill before 3 leaves the records queued; after 3, the next run finds their ids in the ledger,
// re-renders (idempotent) and finishes moving them.
import { promises as fs, watch } from 'node:fs';
import path from 'node:path';
import { assertNotSymlink } from '../../lib/safe-path.js';
import { withLock } from '../../lib/lock.js';
import { writeFileAtomic } from '../../lib/atomic.js';
import { readDoc } from '../../store/store.js';
import { transact } from '../transact.js';
import { remoteStoreFor } from '../../store/remote.js';
import { readTextIfExists } from '../../lib/json-file.js';
import { DEFAULT_CATEGORIES, moveRecords, queuePaths, readQueue, removeStaleQueueTemps, type CorruptRecord, type DiscoveryRecord } from './memory-queue.js';
import { discoveryKey, memoryStateDoc, normalizeText, type MemoryEntry, type MemoryState } from './memory-state.js';
import { DECISION_MARKERS, DISCOVERY_MARKERS, cacheFileName, renderCacheFile, renderDecisionRegion, renderDiscoveryRegion, spliceRegion } from './memory-render.js';

export const MERGE_LOCK = 'memory-merge.lock';
/** Created by an instance that starts a background merge; removed by a merger before it reads the queue. */
export const MERGE_PENDING = 'memory-merge.pending';
/** With a store shared by machines: the merge generation this checkout's bank was last rendered from. */
export const BANK_GENERATION_FILE = 'memory-bank.generation';
export const SYSTEM_PATTERNS = 'systemPatterns.md';
export const DECISION_LOG = 'decision-log.md';
export const KNOWLEDGE_CACHE = 'knowledge-cache';

const SYSTEM_PATTERNS_HEADER = '# System patterns\n\nArchitecture, conventions and lessons learned. Write anywhere outside the generated region.\n';
const DECISION_LOG_HEADER = '# Decision log\n\nDecisions with their rationale. Instances add them with `coordinate.sh update-memory --category decision`; write your own anywhere outside the generated region.\n';

export interface MergeTarget {
  coordDir: string;
  memoryBankDir: string;
  /** Headings in this order (wt-coord.yaml memory_categories). */
  categories?: readonly string[];
  /** Runs the writes with the bank writable (it is read-only while instances exist). */
  withWritableBank?: <T>(fn: () => Promise<T>) => Promise<T>;
}

export interface MergeOptions {
  dryRun?: boolean;
}

export interface MergePlan {
  state: MemoryState;
  added: MemoryEntry[];
  /** Records folded into an existing (or just added) entry, crediting their instance. */
  duplicates: DiscoveryRecord[];
  /** Records whose id is in the ledger already: a previous merge was killed before moving them. */
  alreadyMerged: DiscoveryRecord[];
  changed: boolean;
}

export interface MergeReport {
  merged: number;
  duplicates: number;
  already_merged: number;
  skipped: CorruptRecord[];
  /** Bank files rewritten (or, with dry-run, that would be). */
  files_changed: string[];
  generation: number;
  entries: number;
  dry_run: boolean;
  /** The first ADDED_PREVIEW new entries (text cut at 200 characters). */
  added: { category: string; text: string; instance: string }[];
}

const ADDED_PREVIEW = 100;

/** Pure: the state after folding `records` (in arrival order) into `state`. */
export function planMerge(state: MemoryState, records: DiscoveryRecord[]): MergePlan {
  const merged = new Set<string>();
  for (const e of state.entries) for (const c of e.contributors) merged.add(c.id);
  const entries = [...state.entries];
  const indexByKey = new Map(entries.map((e, i) => [e.key, i]));
  const generation = state.generation + 1;
  const plan: MergePlan = { state, added: [], duplicates: [], alreadyMerged: [], changed: false };
  for (const r of records) {
    if (merged.has(r.id)) {
      plan.alreadyMerged.push(r);
      continue;
    }
    merged.add(r.id);
    const contributor = { id: r.id, instance: r.instance, task: r.task, time: r.time, files: r.files };
    const key = discoveryKey(r.category, r.text);
    const at = indexByKey.get(key);
    if (at !== undefined) {
      const entry = entries[at]!;
      entries[at] = { ...entry, contributors: [...entry.contributors, contributor], updated: generation };
      plan.duplicates.push(r);
    } else {
      const entry: MemoryEntry = { key, category: r.category, text: r.text, contributors: [contributor], added: generation, updated: generation };
      indexByKey.set(key, entries.length);
      entries.push(entry);
      plan.added.push(entry);
    }
  }
  plan.changed = plan.added.length > 0 || plan.duplicates.length > 0;
  if (plan.changed) plan.state = { version: 1, generation, entries };
  return plan;
}

/** Every generated file of the bank, as it should read for `state`. */
export async function renderBank(memoryBankDir: string, state: MemoryState, categories: readonly string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const patternsFile = path.join(memoryBankDir, SYSTEM_PATTERNS);
  const patterns = await readTextIfExists(patternsFile);
  if (state.entries.length > 0 || (patterns !== null && patterns.includes(DISCOVERY_MARKERS.begin))) {
    out.set(patternsFile, spliceRegion(patternsFile, patterns ?? SYSTEM_PATTERNS_HEADER, renderDiscoveryRegion(state.entries, categories), DISCOVERY_MARKERS));
  }
  const decisions = state.entries.filter((e) => e.category === 'decision');
  const logFile = path.join(memoryBankDir, DECISION_LOG);
  const log = await readTextIfExists(logFile);
  if (decisions.length > 0 || (log !== null && log.includes(DECISION_MARKERS.begin))) {
    out.set(logFile, spliceRegion(logFile, log ?? DECISION_LOG_HEADER, renderDecisionRegion(decisions), DECISION_MARKERS));
  }
  const byCategory = new Map<string, MemoryEntry[]>();
  for (const e of state.entries) {
    if (!byCategory.has(e.category)) byCategory.set(e.category, []);
    byCategory.get(e.category)!.push(e);
  }
  for (const [category, group] of byCategory) out.set(path.join(memoryBankDir, KNOWLEDGE_CACHE, cacheFileName(category)), renderCacheFile(category, group));
  return out;
}

async function changedFiles(rendered: Map<string, string>): Promise<[string, string][]> {
  const changed: [string, string][] = [];
  for (const [file, text] of rendered) if ((await readTextIfExists(file)) !== text) changed.push([file, text]);
  return changed;
}

export async function mergeMemory(target: MergeTarget, options: MergeOptions = {}): Promise<MergeReport> {
  const categories = target.categories ?? DEFAULT_CATEGORIES;
  await fs.mkdir(target.coordDir, { recursive: true });
  return withLock(path.join(target.coordDir, MERGE_LOCK), async () => {
    // Any record renamed into the queue before this point is seen by the read below (see memory-auto-merge.ts).
    if (!options.dryRun) await fs.rm(path.join(target.coordDir, MERGE_PENDING), { force: true });
    const queue = await readQueue(target.coordDir);
    const dirs = queuePaths(target.coordDir);
    if (!options.dryRun) {
      await moveRecords(queue.corrupt.map((c) => c.file), dirs.corrupt, target.coordDir);
      await removeStaleQueueTemps(target.coordDir);
    }
    const current = await readDoc(target.coordDir, memoryStateDoc);
    let plan = planMerge(current, queue.records);
    let toWrite = await changedFiles(await renderBank(target.memoryBankDir, plan.state, categories));
    const report: MergeReport = {
      merged: plan.added.length,
      duplicates: plan.duplicates.length,
      already_merged: plan.alreadyMerged.length,
      skipped: queue.corrupt.map((c) => ({ file: options.dryRun ? c.file : path.join(dirs.corrupt, path.basename(c.file)), problem: c.problem })),
      files_changed: toWrite.map(([file]) => file),
      generation: plan.state.generation,
      entries: plan.state.entries.length,
      dry_run: Boolean(options.dryRun),
      // A preview, not the data: the bank holds the full text.
      added: plan.added.slice(0, ADDED_PREVIEW).map((e) => ({ category: e.category, text: e.text.slice(0, 200), instance: e.contributors[0]!.instance })),
    };
    if (options.dryRun) return report;
    if (plan.changed) {
      const planned = plan;
      plan = await transact(target.coordDir, async (tx) => {
        // The merge lock is per machine: with a database store another machine may have merged since
        // we read. Fold into the state as it is now (the ledger of ids keeps every record once).
        const now = await tx.get(memoryStateDoc);
        const final = now.generation === current.generation ? planned : planMerge(now, queue.records);
        if (!final.changed) return final;
        tx.set(memoryStateDoc, final.state);
        tx.event({ type: 'memory.merged', data: { generation: final.state.generation, added: final.added.length, duplicates: final.duplicates.length } });
        return final;
      });
      if (plan !== planned) toWrite = await changedFiles(await renderBank(target.memoryBankDir, plan.state, categories));
    }
    if (toWrite.length > 0) {
      const write = async () => {
        await assertNotSymlink(target.memoryBankDir, `the memory bank ${target.memoryBankDir}`);
        await fs.mkdir(path.join(target.memoryBankDir, KNOWLEDGE_CACHE), { recursive: true });
        for (const [file, text] of toWrite) await writeFileAtomic(file, text, { keepMode: true }); // a user's modes survive the merge
      };
      await (target.withWritableBank ? target.withWritableBank(write) : write());
    }
    await moveRecords(queue.records.map((r) => r.file), dirs.merged, target.coordDir);
    if (remoteStoreFor(target.coordDir)) await writeFileAtomic(path.join(target.coordDir, BANK_GENERATION_FILE), `${plan.state.generation}\n`, { fsync: false });
    return report;
  }, { staleMs: 10 * 60_000, timeoutMs: 10 * 60_000 });
}

export interface RecallMatch {
  category: string;
  text: string;
  instances: string[];
  tasks: string[];
  files: string[];
  time: string;
  /** Queued but not merged yet. */
  pending: boolean;
  score: number;
}

export interface RecallOptions {
  category?: string;
  limit?: number;
}

/**
 * Finds merged (and still queued) discoveries by words: a discovery matches when its text, files
 * or category contain a word (case and punctuation ignored); more words matched rank higher, then newer.
 */
export async function recall(coordDir: string, words: string, options: RecallOptions = {}): Promise<RecallMatch[]> {
  const terms = [...new Set(normalizeText(words).split(' ').filter(Boolean))];
  if (terms.length === 0) return [];
  const state = await readDoc(coordDir, memoryStateDoc);
  const queue = await readQueue(coordDir);
  const ledger = new Set(state.entries.flatMap((e) => e.contributors.map((c) => c.id)));
  const candidates: Omit<RecallMatch, 'score'>[] = [
    ...state.entries.map((e) => ({
      category: e.category,
      text: e.text,
      instances: [...new Set(e.contributors.map((c) => c.instance))],
      tasks: [...new Set(e.contributors.map((c) => c.task).filter((t): t is string => t !== null))],
      files: [...new Set(e.contributors.flatMap((c) => c.files))],
      time: e.contributors[0]!.time,
      pending: false,
    })),
    ...queue.records.filter((r) => !ledger.has(r.id)).map((r) => ({ category: r.category, text: r.text, instances: [r.instance], tasks: r.task ? [r.task] : [], files: r.files, time: r.time, pending: true })),
  ];
  const matches: RecallMatch[] = [];
  for (const c of candidates) {
    if (options.category && c.category !== options.category) continue;
    const haystack = normalizeText(`${c.category} ${c.text} ${c.files.join(' ')}`);
    const score = terms.filter((t) => haystack.includes(t)).length;
    if (score > 0) matches.push({ ...c, score });
  }
  matches.sort((a, b) => b.score - a.score || (a.time < b.time ? 1 : a.time > b.time ? -1 : 0));
  return matches.slice(0, options.limit ?? 10);
}

/**
 * Calls `onArrival` whenever discoveries arrive in the queue, until SIGINT/SIGTERM. fs.watch
 * gives the speed; a one-second poll covers file systems where it misses events. Calls never overlap.
 */
export async function watchMemoryQueue(coordDir: string, onArrival: () => Promise<void>, pollMs = 1000): Promise<void> {
  const dir = queuePaths(coordDir).new;
  await fs.mkdir(dir, { recursive: true });
  let running = false;
  let again = false;
  let stopped = false;
  const hasRecords = async () => (await fs.readdir(dir).catch(() => [] as string[])).some((n) => n.endsWith('.json'));
  const kick = async () => {
    if (stopped) return;
    if (running) {
      again = true;
      return;
    }
    running = true;
    try {
      do {
        again = false;
        if (await hasRecords()) await onArrival();
      } while (again && !stopped);
    } catch (error) {
      process.stderr.write(`merge failed: ${(error as Error).message}\n`);
    } finally {
      running = false;
    }
  };
  let debounce: NodeJS.Timeout | undefined;
  const watcher = watch(dir, () => {
    clearTimeout(debounce);
    debounce = setTimeout(() => void kick(), 100); // one merge for a burst of arrivals
  });
  const poll = setInterval(() => void kick(), pollMs);
  await new Promise<void>((resolve) => {
    const stop = () => {
      stopped = true;
      resolve();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  watcher.close();
  clearInterval(poll);
  clearTimeout(debounce);
  while (running) await new Promise((r) => setTimeout(r, 20));
}
