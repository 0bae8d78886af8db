// coordinate.sh memory [--json] [--peek]: what changed in the memory bank since this instance last
// looked (new and newly credited discoveries, files the leader edited), then remembers it looked.
import { collectMemoryChanges, markMemorySeen, type MemoryChanges } from '../../coord/memory/index.js';
import type { MemoryEntry } from '../../coord/memory/index.js';
import type { VerbHandler } from '../verbs.js';
import { parseVerbArgs } from './args.js';

const SHOWN = 50;

function line(e: MemoryEntry): string {
  const who = [...new Set(e.contributors.map((c) => c.instance))].join(', ');
  const text = e.text.length > 300 ? `${e.text.slice(0, 300)}...` : e.text;
  return `  [${e.category}] ${text.replace(/\n/g, '\n    ')}  — ${who}`;
}

function print(c: MemoryChanges): string {
  const out: string[] = [];
  const nothing = !c.new_entries.length && !c.credited_entries.length && !c.changed_files.length && !c.removed_files.length;
  if (nothing) out.push(`nothing new in the memory bank since you last looked (merge ${c.generation}, ${c.entries_total} discoveries)`);
  else out.push(c.first_look ? `first look at the memory bank (merge ${c.generation}, ${c.entries_total} discoveries):` : `changed since you last looked (now merge ${c.generation}):`);
  if (c.new_entries.length) {
    out.push(`${c.new_entries.length} new discoveries:`);
    const newest = c.new_entries.slice(-SHOWN);
    if (c.new_entries.length > SHOWN) out.push(`  ... ${c.new_entries.length - SHOWN} older ones in memory-bank-shared/systemPatterns.md`);
    out.push(...newest.map(line));
  }
  if (c.credited_entries.length) out.push(`${c.credited_entries.length} discoveries confirmed by another instance:`, ...c.credited_entries.slice(-SHOWN).map(line));
  if (c.changed_files.length) out.push(`files ${c.first_look ? 'in' : 'edited in'} memory-bank-shared/: ${c.changed_files.join(', ')}`);
  if (c.removed_files.length) out.push(`files removed: ${c.removed_files.join(', ')}`);
  if (c.pending_in_queue) out.push(`${c.pending_in_queue} discoveries queued, not merged yet (coordinate.sh recall finds them too)`);
  return out.join('\n');
}

export const run: VerbHandler = async (ctx, args) => {
  const parsed = parseVerbArgs('memory', args, ['--json', '--peek']);
  const { changes, seen } = await collectMemoryChanges(ctx.coordDir, ctx.memoryBankDir, ctx.kitDir);
  if (!parsed.flags.has('--peek')) await markMemorySeen(ctx.kitDir, seen);
  return { output: parsed.flags.has('--json') ? JSON.stringify(changes, null, 2) : print(changes) };
};
