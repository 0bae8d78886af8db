// "What changed in the memory bank" since this instance's last session: a snapshot of the bank's
// files (size and mtime) kept in the instance kit, compared at each SessionStart.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from '../../store/atomic.js';

const SNAPSHOT_FILE = 'memory-seen.json';
const snapshotSchema = z.record(z.string(), z.string());

async function listFiles(root: string, relative = ''): Promise<string[]> {
  const entries = await fs.readdir(path.join(root, relative), { withFileTypes: true }).catch(() => []);
  const files: string[] = [];
  for (const entry of entries) {
    if (entry.name.startsWith('.')) continue;
    const rel = relative ? `${relative}/${entry.name}` : entry.name;
    if (entry.isDirectory()) files.push(...(await listFiles(root, rel)));
    else if (entry.isFile()) files.push(rel);
  }
  return files.sort();
}

async function snapshot(memoryBankDir: string): Promise<Record<string, string>> {
  const result: Record<string, string> = {};
  for (const file of await listFiles(memoryBankDir)) {
    const stat = await fs.stat(path.join(memoryBankDir, file)).catch(() => null);
    if (stat) result[file] = `${stat.size}:${stat.mtimeMs}`;
  }
  return result;
}

export interface MemoryChanges {
  firstLook: boolean;
  changed: string[];
  added: string[];
  removed: string[];
}

/** Compares the bank with what this instance saw last, and records what it sees now. */
export async function memoryChangesSinceLastLook(kitDir: string, memoryBankDir: string): Promise<MemoryChanges> {
  const file = path.join(kitDir, SNAPSHOT_FILE);
  const previousText = await fs.readFile(file, 'utf8').catch(() => null);
  const parsed = previousText === null ? null : snapshotSchema.safeParse((() => { try { return JSON.parse(previousText); } catch { return null; } })());
  const previous = parsed?.success ? parsed.data : null;
  const now = await snapshot(memoryBankDir);
  await writeFileAtomic(file, `${JSON.stringify(now, null, 2)}\n`);
  if (!previous) return { firstLook: true, changed: [], added: Object.keys(now), removed: [] };
  return {
    firstLook: false,
    changed: Object.keys(now).filter((f) => f in previous && previous[f] !== now[f]),
    added: Object.keys(now).filter((f) => !(f in previous)),
    removed: Object.keys(previous).filter((f) => !(f in now)),
  };
}

export function describeMemoryChanges(changes: MemoryChanges): string {
  if (changes.firstLook) {
    return `Shared memory bank (memory-bank-shared/, read-only): read ${changes.added.join(', ') || 'its files'} before you start.`;
  }
  const parts = [
    ...changes.changed.map((f) => `${f} (changed)`),
    ...changes.added.map((f) => `${f} (new)`),
    ...changes.removed.map((f) => `${f} (removed)`),
  ];
  return parts.length
    ? `Memory bank changes since your last session (read them in memory-bank-shared/): ${parts.join(', ')}.`
    : 'Memory bank: nothing changed since your last session.';
}
