// coordinate.sh update-memory "<discovery>" [--category c] [--files a,b] [--task id] [--json]
// Queues one discovery (no lock: write + rename), then, with memory_auto_merge, makes sure a
// background merge will fold it into the memory bank within seconds.
import path from 'node:path';
import { UsageError } from '../../lib/errors.js';
import { triggerAutoMerge } from '../../coord/memory/index.js';
import { MAX_DISCOVERY_BYTES, queueDiscovery } from '../../coord/memory/index.js';
import { readConfig } from '../../config/cached.js';
import type { VerbHandler } from '../verbs.js';
import { parseVerbArgs } from './args.js';
import { readStdin } from '../../lib/stdin.js';

/** The discovery piped in. More than a few times the limit is not kept: it is refused anyway. */
async function readDiscoveryFromStdin(): Promise<string> {
  if (process.stdin.isTTY) throw new UsageError('no discovery given', 'pass it as an argument: coordinate.sh update-memory "what you found", or pipe it on stdin');
  return (await readStdin({ keepBytes: MAX_DISCOVERY_BYTES * 4 })).text;
}

export const run: VerbHandler = async (ctx, args) => {
  const parsed = parseVerbArgs('update-memory', args, ['--json'], ['--category', '--files', '--task']);
  const config = await readConfig(ctx.mainRepo, ctx.coordDir);
  const text = parsed.positionals.length ? parsed.positionals.join(' ') : await readDiscoveryFromStdin();
  // Attribute to the task the instance holds when it holds exactly one, unless told otherwise.
  const given = parsed.options.get('--task');
  const task = given ?? (ctx.info.assigned_tasks.length === 1 ? ctx.info.assigned_tasks[0]! : null);
  const queued = await queueDiscovery(
    ctx.coordDir,
    {
      instance: ctx.name,
      task,
      category: parsed.options.get('--category') ?? config.memory_categories[0]!,
      text,
      files: (parsed.options.get('--files') ?? '').split(',').map((f) => f.trim()).filter(Boolean),
    },
    { categories: config.memory_categories, taskGiven: given !== undefined },
  );
  // Queued: from here on nothing may turn this into an error, or the agent would send it again.
  const merge = !config.memory_auto_merge ? 'off' : await triggerAutoMerge(ctx.coordDir, ctx.mainRepo, path.join(path.dirname(process.argv[1] ?? ''), 'cli.js'), ctx.memoryBankDir).catch((error: Error) => {
    process.stderr.write(`warning: ${queued.id} is queued, but the background merge did not start (${error.message}); the leader's wt-coord merge-memory will merge it\n`);
    return 'unavailable' as const;
  });
  if (parsed.flags.has('--json')) return { output: JSON.stringify({ id: queued.id, category: queued.category, duplicate: queued.duplicate, control_characters_removed: queued.removed, auto_merge: merge }) };
  if (queued.duplicate) return { output: `${queued.id} already queued (${queued.category}): the same discovery was sent before, nothing new was queued` };
  const cleaned = queued.removed ? ` (${queued.removed} control characters removed)` : '';
  const when =
    merge === 'started' || merge === 'pending'
      ? 'merging into memory-bank-shared/systemPatterns.md now'
      : merge === 'leader'
        ? 'the memory bank is read-only in this sandbox: the leader merges it into memory-bank-shared/systemPatterns.md (wt-coord run/start, or merge-memory)'
        : 'in memory-bank-shared/systemPatterns.md after the leader runs wt-coord merge-memory';
  return { output: `${queued.id} queued (${queued.category})${cleaned}; ${when}` };
};
