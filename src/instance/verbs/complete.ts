import { promises as fs } from 'node:fs';
import path from 'node:path';
import { UsageError, WtError } from '../../lib/errors.js';
import { completeTask } from '../../coord/queue/index.js';
import { MAX_RESULT } from '../../coord/queue/index.js';
import type { VerbHandler } from '../verbs.js';
import { looksLikeTaskId, parseToken, parseVerbArgs } from './args.js';

async function readResultFile(file: string): Promise<string> {
  const full = path.resolve(file);
  const stat = await fs.stat(full).catch(() => null);
  if (!stat?.isFile()) throw new WtError(`--result-file ${file} does not exist`, 'write the summary to a file first, or pass it as an argument');
  if (stat.size > MAX_RESULT) throw new UsageError(`--result-file ${file} is ${stat.size} bytes, over the limit of ${MAX_RESULT}`, 'summarize; keep long output in your branch');
  return fs.readFile(full, 'utf8');
}

export const run: VerbHandler = async (ctx, args) => {
  const { positionals, flags, options } = parseVerbArgs('complete', args, ['--json'], ['--result-file', '--token']);
  if (positionals.length > 2) throw new UsageError('complete takes a task id and one summary (quote it)', 'coordinate.sh complete task-001 "what was done"');
  const id = positionals.length === 2 || (positionals[0] !== undefined && looksLikeTaskId(positionals[0])) ? positionals[0] : undefined;
  const inline = positionals.length === 2 ? positionals[1] : id === undefined ? positionals[0] : undefined;
  if (inline !== undefined && options.has('--result-file')) throw new UsageError('give the summary as an argument or with --result-file, not both', 'coordinate.sh complete task-001 --result-file summary.md');
  const summary = options.has('--result-file') ? await readResultFile(options.get('--result-file')!) : (inline ?? '');
  const { task, unblocked } = await completeTask(ctx.coordDir, ctx.id, id, summary, { token: parseToken(options.get('--token')) });
  if (flags.has('--json')) return { output: JSON.stringify({ task, unblocked }, null, 2) };
  return {
    output: [
      `completed ${task.id}; result in .claude-coordination-shared/results/${task.id}.md`,
      unblocked.length ? `unblocked: ${unblocked.map((t) => `${t.id} (${t.description})`).join(', ')}` : 'unblocked: none',
      'next: coordinate.sh request-task',
    ].join('\n'),
  };
};
