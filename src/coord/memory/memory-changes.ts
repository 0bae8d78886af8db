// `coordinate.sh memory`: what changed in the memory bank since this instance last looked. The
// instance keeps what it saw (merge generation + a hash per bank file, generated regions left
// out) in its private kit folder; merged discoveries are listed by the generation that added them.
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from '../../lib/atomic.js';
import { parseJsonText, readTextIfExists, toJsonText } from '../../lib/json-file.js';
import { readDoc } from '../../store/store.js';
import { countQueue } from './memory-queue.js';
import { DECISION_MARKERS, DISCOVERY_MARKERS, humanPart } from './memory-render.js';
import { KNOWLEDGE_CACHE } from './memory-merge.js';
import { memoryStateDoc, type MemoryEntry } from './memory-state.js';

export const SEEN_FILE = 'memory-seen.json';

const seenSchema = z.object({
  version: z.literal(1),
  generation: z.number().int().nonnegative(),
  files: z.record(z.string(), z.string()),
});
type Seen = z.infer<typeof seenSchema>;

export interface MemoryChanges {
  first_look: boolean;
  generation: number;
  entries_total: number;
  new_entries: MemoryEntry[];
  /** Entries that gained a contributor (the same discovery from another instance). */
  credited_entries: MemoryEntry[];
  changed_files: string[];
  removed_files: string[];
  pending_in_queue: number;
}

/** Bank files a person writes, hashed without their generated regions. */
async function hashBank(memoryBankDir: string): Promise<Record<string, string>> {
  const hashes: Record<string, string> = {};
  const walk = async (dir: string, rel: string): Promise<void> => {
    for (const entry of await fs.readdir(dir, { withFileTypes: true }).catch(() => [])) {
      const relPath = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) {
        if (relPath !== KNOWLEDGE_CACHE) await walk(path.join(dir, entry.name), relPath);
      } else if (entry.isFile()) {
        const text = await fs.readFile(path.join(dir, entry.name), 'utf8').catch(() => null);
        if (text === null) continue;
        const human = humanPart(relPath, humanPart(relPath, text, DISCOVERY_MARKERS), DECISION_MARKERS);
        hashes[relPath] = createHash('sha1').update(human).digest('hex');
      }
    }
  };
  await walk(memoryBankDir, '');
  return hashes;
}

export async function collectMemoryChanges(coordDir: string, memoryBankDir: string, kitDir: string): Promise<{ changes: MemoryChanges; seen: Seen }> {
  const seenFile = path.join(kitDir, SEEN_FILE);
  const seenText = await readTextIfExists(seenFile);
  const previous = seenText === null ? null : parseJsonText(seenFile, seenText, seenSchema);
  const state = await readDoc(coordDir, memoryStateDoc);
  const files = await hashBank(memoryBankDir);
  const since = previous?.generation ?? 0;
  const changes: MemoryChanges = {
    first_look: previous === null,
    generation: state.generation,
    entries_total: state.entries.length,
    new_entries: state.entries.filter((e) => e.added > since),
    credited_entries: state.entries.filter((e) => e.added <= since && e.updated > since),
    changed_files: Object.keys(files).filter((f) => previous?.files[f] !== files[f]).sort(),
    removed_files: Object.keys(previous?.files ?? {}).filter((f) => !(f in files)).sort(),
    pending_in_queue: (await countQueue(coordDir)).pending,
  };
  return { changes, seen: { version: 1, generation: state.generation, files } };
}

export async function markMemorySeen(kitDir: string, seen: Seen): Promise<void> {
  await writeFileAtomic(path.join(kitDir, SEEN_FILE), toJsonText(seen));
}
