// The instance's inbox as hook context: messages it has not been shown are taken (the read position
// moves, as with `coordinate.sh inbox`, so none is shown as new twice) and formatted for the model.
// The stamp of messages.jsonl is taken BEFORE reading: a message appended while we read changes the
// file after the stamp, so the next hook looks again instead of missing it.
import path from 'node:path';
import { formatInbox, formatSkipped } from '../../../coord/messages/index.js';
import { messagesFile, readInboxReport } from '../../../coord/messages/index.js';
import type { InstanceContext } from '../../../instance/context.js';
import { storeSelection } from '../../../coord/store-choice.js';
import { takeStamp, writeStamp } from './hook-stamp.js';

/** What a hook's cheap check watches for this instance: the message log. A database store has no
 *  local file that changes with a message: nothing to watch, so every hook asks the database. */
export function watchedPaths(ctx: InstanceContext): string[] {
  return storeSelection(ctx.coordDir) ? [] : [messagesFile(ctx.coordDir)];
}

const MAX_SHOWN = 20;
const MAX_CHARS = 8_000;

export async function takeInboxNews(ctx: InstanceContext, mode: 'session' | 'new'): Promise<string | null> {
  const stamp = takeStamp(watchedPaths(ctx));
  const report = await readInboxReport(ctx.coordDir, ctx.name);
  writeStamp(ctx.kitDir, stamp);
  const skipped = formatSkipped(report.skipped);
  if (skipped) process.stderr.write(`wt-coord hook: ${skipped}\n`);
  if (report.messages.length === 0) return null;
  const coordinate = path.join(ctx.kitDir, 'coordinate.sh');
  const shown = report.messages.slice(-MAX_SHOWN);
  let body = formatInbox(shown, ctx.name, { replyCommand: `${coordinate} answer` });
  if (body.length > MAX_CHARS) body = `${body.slice(0, MAX_CHARS)}\n…`;
  const count = report.messages.length;
  const title = mode === 'session' ? `Unread messages for ${ctx.name} (${count}):` : `New message${count === 1 ? '' : 's'} for ${ctx.name} from other wt-coord instances (${count}):`;
  const more = count > shown.length ? `\n(${count - shown.length} older ones not shown: \`${coordinate} inbox --all\`)` : '';
  return `${title}\n${body}${more}`;
}
