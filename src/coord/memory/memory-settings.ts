// The two memory options an instance needs (memory_categories, memory_auto_merge), read from
// wt-coord.yaml WITHOUT the yaml package: coordinate.sh must stay light. The leader's config.ts
// validates the whole file with its schema; this reader understands the forms that schema's
// README documents (`key: [a, b]`, a block list of `- a` lines, `key: true|false`) and refuses
// anything else with a clear error rather than guess.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { WtError } from '../../lib/errors.js';
import { DEFAULT_CATEGORIES, categoryNameSchema } from './memory-queue.js';

export interface MemorySettings {
  categories: string[];
  autoMerge: boolean;
}

export const DEFAULT_MEMORY_SETTINGS: MemorySettings = { categories: [...DEFAULT_CATEGORIES], autoMerge: true };

function stripComment(value: string): string {
  // A `#` starts a comment only after whitespace (YAML rule); category names never contain one.
  return value.replace(/(^|\s)#.*$/, '').trim();
}

function unquote(value: string): string {
  const v = value.trim();
  return /^(['"]).*\1$/.test(v) ? v.slice(1, -1) : v;
}

function invalid(file: string, key: string, problem: string): WtError {
  return new WtError(`${file}: ${key} ${problem}`, `write it as ${key}: [pattern, decision, solution, blocker] (see README "Configuration")`);
}

export function parseMemorySettings(file: string, text: string): MemorySettings {
  const settings: MemorySettings = { ...DEFAULT_MEMORY_SETTINGS, categories: [...DEFAULT_MEMORY_SETTINGS.categories] };
  const lines = text.split(/\r?\n/);
  lines.forEach((line, index) => {
    const auto = /^memory_auto_merge\s*:(.*)$/.exec(line);
    if (auto) {
      const value = stripComment(auto[1]!);
      if (value === 'true') settings.autoMerge = true;
      else if (value === 'false') settings.autoMerge = false;
      else throw new WtError(`${file}: memory_auto_merge must be true or false, got "${value}"`, 'write memory_auto_merge: true (or false)');
      return;
    }
    const cats = /^memory_categories\s*:(.*)$/.exec(line);
    if (!cats) return;
    const inline = stripComment(cats[1]!);
    let items: string[];
    if (inline.startsWith('[')) {
      if (!inline.endsWith(']')) throw invalid(file, 'memory_categories', 'must close its [ list ] on the same line');
      items = inline.slice(1, -1).split(',').map(unquote).filter(Boolean);
    } else if (inline === '') {
      items = [];
      for (let k = index + 1; k < lines.length; k++) {
        const next = lines[k]!;
        if (!next.trim() || /^\s*#/.test(next)) continue;
        const item = /^\s+-\s+(.*)$/.exec(next) ?? /^-\s+(.*)$/.exec(next);
        if (!item) break;
        items.push(unquote(stripComment(item[1]!)));
      }
    } else throw invalid(file, 'memory_categories', 'must be a list');
    if (items.length === 0) throw invalid(file, 'memory_categories', 'must name at least one category');
    for (const item of items) {
      if (!categoryNameSchema.safeParse(item).success) throw invalid(file, 'memory_categories', `has "${item}": use lower-case letters, digits and -`);
    }
    settings.categories = [...new Set(items)];
  });
  return settings;
}

/** Reads the memory options from the main checkout's wt-coord.yaml (defaults when it is absent). */
export async function readMemorySettings(mainWorktree: string): Promise<MemorySettings> {
  const file = path.join(mainWorktree, 'wt-coord.yaml');
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { ...DEFAULT_MEMORY_SETTINGS, categories: [...DEFAULT_MEMORY_SETTINGS.categories] };
    throw error;
  }
  return parseMemorySettings(file, text);
}
