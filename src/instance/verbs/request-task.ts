import { ExitCode, UsageError } from '../../lib/errors.js';
import { requestTask } from '../../coord/queue/index.js';
import type { VerbHandler } from '../verbs.js';
import { parseVerbArgs } from './args.js';

export const run: VerbHandler = async (ctx, args) => {
  const { positionals, flags } = parseVerbArgs('request-task', args, ['--another', '--json']);
  if (positionals.length > 1) throw new UsageError(`request-task takes at most one task id, got ${positionals.length} arguments`, 'coordinate.sh request-task [task-001] [--another]');
  const result = await requestTask(ctx.coordDir, ctx.id, { taskId: positionals[0], another: flags.has('--another') });
  const exitCode = result.kind === 'none' ? ExitCode.nothingReady : ExitCode.ok;
  if (flags.has('--json')) return { output: JSON.stringify(result, null, 2), exitCode };
  return { output: result.kind === 'none' ? result.message : result.briefing, exitCode };
};
