import { UsageError } from '../../lib/errors.js';
import { parseProgressText, reportProgress } from '../../coord/queue/index.js';
import type { VerbHandler } from '../verbs.js';
import { parseToken, parseVerbArgs } from './args.js';

export const run: VerbHandler = async (ctx, args) => {
  const { positionals, options } = parseVerbArgs('report-progress', args, [], ['--token']);
  let progress: number | undefined;
  let message: string | undefined;
  if (positionals.length === 0) {
    // As the seed shows: with no argument, publish what info.json says.
    progress = ctx.info.progress;
    message = typeof ctx.info.progress_message === 'string' ? ctx.info.progress_message : undefined;
    if (progress < 0 || progress > 1) throw new UsageError(`info.json progress must be between 0 and 1, got ${progress}`, 'pass the progress instead: report-progress 70%');
  } else {
    progress = parseProgressText(positionals[0]!);
    const rest = progress === undefined ? positionals : positionals.slice(1);
    message = rest.length ? rest.join(' ') : undefined;
  }
  await reportProgress(ctx.coordDir, ctx.id, progress, message, { token: parseToken(options.get('--token')) });
  return { output: `reported ${progress === undefined ? 'a message' : `${Math.round(progress * 100)}%`}${message ? `: ${message}` : ''}` };
};
