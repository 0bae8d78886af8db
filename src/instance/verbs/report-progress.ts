import { UsageError } from '../../lib/errors.js';
import { reportProgress } from '../../coord/queue/index.js';
import type { VerbHandler } from '../verbs.js';
import { parseToken, parseVerbArgs } from './args.js';

/** `0.7`, `70%`; anything that looks like a number but is outside 0..1 is an error, not a message. */
export function parseProgress(text: string): number | undefined {
  const match = /^(-?\d+(?:\.\d+)?|-?\.\d+)(%?)$/.exec(text.trim());
  if (!match) {
    // `0,5`, `0.5.5`, `50%%`: meant as a progress, so refuse rather than publish it as a message.
    if (/^[-+]?[\d.,]*\d[\d.,]*%*$/.test(text.trim())) throw new UsageError(`"${text}" is not a progress`, 'give a number from 0 to 1 or a percentage first, e.g. report-progress 0.7 "tests pass" or report-progress 70%');
    return undefined;
  }
  const value = Number(match[1]) / (match[2] ? 100 : 1);
  if (value < 0 || value > 1) throw new UsageError(`progress must be between 0 and 1 (or 0% and 100%), got ${text}`, 'e.g. report-progress 0.7 "tests pass" or report-progress 70%');
  return value;
}

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
    progress = parseProgress(positionals[0]!);
    const rest = progress === undefined ? positionals : positionals.slice(1);
    message = rest.length ? rest.join(' ') : undefined;
  }
  await reportProgress(ctx.coordDir, ctx.id, progress, message, { token: parseToken(options.get('--token')) });
  return { output: `reported ${progress === undefined ? 'a message' : `${Math.round(progress * 100)}%`}${message ? `: ${message}` : ''}` };
};
