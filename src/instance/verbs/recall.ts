// coordinate.sh recall <words> [--category c] [--limit n] [--json]: earlier discoveries (merged or
// still queued) that mention the words, best match first.
import { UsageError } from '../../lib/errors.js';
import { recall } from '../../coord/memory/index.js';
import type { VerbHandler } from '../verbs.js';
import { parseVerbArgs } from './args.js';

export const run: VerbHandler = async (ctx, args) => {
  const parsed = parseVerbArgs('recall', args, ['--json'], ['--category', '--limit']);
  const limitText = parsed.options.get('--limit');
  const words = parsed.positionals.join(' ');
  if (!words.trim()) throw new UsageError('recall needs words to look for', 'e.g. coordinate.sh recall session cache');
  const limit = limitText === undefined ? 10 : Number(limitText);
  if (!Number.isInteger(limit) || limit < 1) throw new UsageError(`--limit must be a whole number of at least 1, got "${limitText}"`, 'e.g. --limit 5');
  const matches = await recall(ctx.coordDir, words, { category: parsed.options.get('--category'), limit });
  if (parsed.flags.has('--json')) return { output: JSON.stringify(matches, null, 2) };
  if (matches.length === 0) return { output: `nothing in the memory bank mentions "${words}"`, exitCode: 1 };
  const lines = matches.map((m) => {
    const who = `${m.instances.join(', ')}${m.tasks.length ? ` (task ${m.tasks.join(', ')})` : ''}`;
    const body = m.text.split('\n').map((l, i) => (i === 0 ? l : `    ${l}`)).join('\n');
    return `[${m.category}] ${body}\n    — ${who}, ${m.time.slice(0, 10)}${m.files.length ? `; files: ${m.files.join(', ')}` : ''}${m.pending ? '; queued, not merged yet' : ''}`;
  });
  return { output: lines.join('\n') };
};
