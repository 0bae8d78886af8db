// "What changed in the memory bank" for SessionStart, through the memory module's own bookkeeping
// (src/coord/memory-changes.ts, the same that `coordinate.sh memory` uses): telling the agent
// counts as looking, so the next `coordinate.sh memory` starts from here.
import { collectMemoryChanges, markMemorySeen, type MemoryChanges } from '../../../coord/memory/index.js';
import type { InstanceContext } from '../../../instance/context.js';

const SHOWN_ENTRIES = 8;

export function describeMemoryChanges(changes: MemoryChanges): string {
  if (changes.first_look) {
    const files = changes.changed_files.length ? changes.changed_files.join(', ') : 'its files';
    return `Shared memory bank (memory-bank-shared/, read-only): read ${files} before you start.`;
  }
  const lines: string[] = [];
  if (changes.new_entries.length) {
    lines.push(`Memory bank: ${changes.new_entries.length} new discover${changes.new_entries.length === 1 ? 'y' : 'ies'} since your last look:`);
    for (const entry of changes.new_entries.slice(0, SHOWN_ENTRIES)) {
      const who = [...new Set(entry.contributors.map((c) => c.instance))].join(', ');
      lines.push(`- [${entry.category}] ${entry.text.split('\n')[0]!.slice(0, 200)} (${who})`);
    }
    if (changes.new_entries.length > SHOWN_ENTRIES) lines.push(`- … ${changes.new_entries.length - SHOWN_ENTRIES} more: \`coordinate.sh memory\``);
  }
  const files = [...changes.changed_files.map((f) => `${f} (changed)`), ...changes.removed_files.map((f) => `${f} (removed)`)];
  if (files.length) lines.push(`Memory bank files changed by people since your last look: ${files.join(', ')}.`);
  return lines.length ? lines.join('\n') : 'Memory bank: nothing changed since your last look.';
}

export async function takeMemoryNews(ctx: InstanceContext): Promise<string> {
  const { changes, seen } = await collectMemoryChanges(ctx.coordDir, ctx.memoryBankDir, ctx.kitDir);
  await markMemorySeen(ctx.kitDir, seen);
  return describeMemoryChanges(changes);
}
