// With a store shared by several machines, the memory bank is merged on whichever machine ran
// merge-memory; every other machine renders its own from the shared merged state. After each
// coordinate.sh call, one query says whether a newer merge exists than this checkout rendered; if
// so, the same background merger update-memory starts renders it here (and merges anything queued).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { BANK_GENERATION_FILE, memoryStateDoc, triggerAutoMerge } from '../coord/memory/index.js';
import { readDoc } from '../coord/transact.js';
import type { InstanceContext } from './context.js';

function renderedGeneration(coordDir: string): number | null {
  try {
    return Number(readFileSync(path.join(coordDir, BANK_GENERATION_FILE), 'utf8').trim());
  } catch {
    return null;
  }
}

export async function syncSharedMemory(ctx: InstanceContext): Promise<void> {
  const { generation } = await readDoc(ctx.coordDir, memoryStateDoc);
  if (generation === 0 || generation === renderedGeneration(ctx.coordDir)) return;
  await triggerAutoMerge(ctx.coordDir, ctx.mainRepo, path.join(path.dirname(process.argv[1] ?? ''), 'cli.js'), ctx.memoryBankDir);
}
