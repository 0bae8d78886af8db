// One merge of the discovery queue into the memory bank, by the leader (it may make the read-only
// bank writable for the moment of the write). `wt-coord merge-memory` runs it, and so do `run`'s
// supervisor and `start`, for discoveries queued where no merger could write the bank: an agent's
// sandbox (Codex's), where update-memory only queues (coord/memory/memory-auto-merge.ts).
import { countQueue, mergeMemory, type MergeReport } from '../coord/memory/index.js';
import { restoreMemoryBankMode, withMemoryBankWritable } from './memory-bank-guard.js';
import type { RepoContext } from './repo.js';

export async function mergeMemoryBank(repo: RepoContext, options: { dryRun?: boolean } = {}): Promise<MergeReport> {
  if (!options.dryRun) await restoreMemoryBankMode(repo);
  return mergeMemory(
    { coordDir: repo.coordDir, memoryBankDir: repo.memoryBankDir, categories: repo.config.memory_categories, withWritableBank: (fn) => withMemoryBankWritable(repo, fn) },
    { dryRun: options.dryRun },
  );
}

/** Merges only when something is queued (one readdir when nothing is): cheap enough for a poll loop. */
export async function mergeQueuedMemory(repo: RepoContext): Promise<MergeReport | null> {
  const { pending } = await countQueue(repo.coordDir);
  return pending > 0 ? mergeMemoryBank(repo) : null;
}
