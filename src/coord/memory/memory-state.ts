// memory-merged.json: the merged knowledge (the knowledge-cache index). The source of truth for
// what the memory bank's generated parts say, and the ledger of which queued discovery ids are
// merged: the merger commits it first and renders systemPatterns.md, decision-log.md and
// knowledge-cache/ from it, so a merge killed at any point is finished by the next one.
import { z } from 'zod';
import { defineDoc } from '../../store/store.js';

export const contributorSchema = z.object({
  /** The queued discovery's id: the ledger entry that makes a re-run skip it. */
  id: z.string(),
  instance: z.string(),
  task: z.string().nullable(),
  time: z.string(),
  files: z.array(z.string()),
});

export const memoryEntrySchema = z.object({
  /** category + the text's normalized form: two discoveries with one key are one entry. */
  key: z.string(),
  category: z.string(),
  /** The first contributor's wording. */
  text: z.string(),
  contributors: z.array(contributorSchema).min(1),
  /** Merge generation that added the entry, and the last one that credited a contributor. */
  added: z.number().int().nonnegative(),
  updated: z.number().int().nonnegative(),
});
export type MemoryEntry = z.infer<typeof memoryEntrySchema>;

export const memoryStateSchema = z.object({
  version: z.literal(1),
  /** Bumped by every merge that changes something; `coordinate.sh memory` compares against it. */
  generation: z.number().int().nonnegative(),
  entries: z.array(memoryEntrySchema),
});
export type MemoryState = z.infer<typeof memoryStateSchema>;

export const memoryStateDoc = defineDoc('memory-merged.json', memoryStateSchema, () => ({ version: 1 as const, generation: 0, entries: [] }));

/** Case, whitespace and punctuation do not make a different discovery. */
export function normalizeText(text: string): string {
  const words = text.normalize('NFKC').toLowerCase().replace(/[^\p{L}\p{N}]+/gu, ' ').trim();
  return words || text.trim(); // a discovery of punctuation alone is compared as written
}

export function discoveryKey(category: string, text: string): string {
  return `${category}:${normalizeText(text)}`;
}
