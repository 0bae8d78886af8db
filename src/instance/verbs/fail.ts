import { UsageError } from '../../lib/errors.js';
import { failTask } from '../../coord/queue/index.js';
import type { VerbHandler } from '../verbs.js';
import { looksLikeTaskId, parseToken, parseVerbArgs } from './args.js';

export const run: VerbHandler = async (ctx, args) => {
  const { positionals, flags, options } = parseVerbArgs('fail', args, ['--json'], ['--token']);
  if (positionals.length > 2) throw new UsageError('fail takes a task id and one reason (quote it)', 'coordinate.sh fail task-001 "why"');
  if (positionals.length === 0 || (positionals.length === 1 && looksLikeTaskId(positionals[0]!))) {
    throw new UsageError('fail needs a reason', 'coordinate.sh fail task-001 "why it cannot be done"');
  }
  const [id, reason] = positionals.length === 2 ? positionals : [undefined, positionals[0]!];
  const task = await failTask(ctx.coordDir, ctx.id, id, reason!, { token: parseToken(options.get('--token')) });
  if (flags.has('--json')) return { output: JSON.stringify(task, null, 2) };
  const next = task.status === 'failed' ? `it failed ${task.attempts} time(s) and stays failed until the leader requeues it` : `it is available again (attempt ${task.attempts} used)`;
  return { output: `released ${task.id}: ${next}\nnext: coordinate.sh request-task` };
};
