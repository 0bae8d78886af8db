// coordinate.sh inbox [--all] [--json] [--peek]: the messages since this instance last read.
// Reading moves the instance's read position in the same locked step, so a message is shown as new
// exactly once; --peek looks without moving it.
import { formatInbox, formatSkipped } from '../../coord/messages/index.js';
import { readInboxReport } from '../../coord/messages/index.js';
import { readConfig } from '../../config/cached.js';
import type { VerbHandler } from '../verbs.js';
import { parseVerbArgs } from './args.js';
import { terminalText } from '../../lib/terminal-text.js';

export const run: VerbHandler = async (ctx, args) => {
  const parsed = parseVerbArgs('inbox', args, ['--all', '--json', '--peek']);
  const peek = parsed.flags.has('--peek');
  const report = await readInboxReport(ctx.coordDir, ctx.name, {
    all: parsed.flags.has('--all'),
    peek,
    retentionMs: (await readConfig(ctx.mainRepo, ctx.coordDir)).message_retention_hours * 3_600_000,
    heartbeatId: peek ? undefined : ctx.id,
  });
  const warning = formatSkipped(report.skipped);
  if (warning) process.stderr.write(`${terminalText(warning)}\n`);
  if (parsed.flags.has('--json')) return { output: JSON.stringify(report.messages, null, 2) };
  return { output: formatInbox(report.messages, ctx.name, { replyCommand: 'coordinate.sh answer' }) };
};
