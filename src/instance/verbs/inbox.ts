// coordinate.sh inbox [--all] [--json] [--peek]: the messages since this instance last read.
// The messages are printed inside the locked step, before the read position moves: a call killed
// after printing shows them again next time, one killed before printing loses nothing (at least
// once, never lost). --peek looks without moving it.
import { formatInbox, formatSkipped } from '../../coord/messages/index.js';
import { readInboxReport } from '../../coord/messages/index.js';
import { readConfig } from '../../config/cached.js';
import type { VerbHandler } from '../verbs.js';
import { parseVerbArgs } from './args.js';
import { terminalSafe, terminalText } from '../../lib/terminal-text.js';
import { printToFd } from '../../lib/print-fd.js';
import { ExitCode } from '../../lib/errors.js';

export const run: VerbHandler = async (ctx, args) => {
  const parsed = parseVerbArgs('inbox', args, ['--all', '--json', '--peek']);
  const peek = parsed.flags.has('--peek');
  const json = parsed.flags.has('--json');
  await readInboxReport(ctx.coordDir, ctx.name, {
    all: parsed.flags.has('--all'),
    peek,
    retentionMs: (await readConfig(ctx.mainRepo, ctx.coordDir)).message_retention_hours * 3_600_000,
    heartbeatId: peek ? undefined : ctx.id,
    deliver: (report) => {
      const warning = formatSkipped(report.skipped);
      if (warning) printToFd(2, terminalText(warning), ExitCode.ok);
      const text = json ? JSON.stringify(report.messages, null, 2) : formatInbox(report.messages, ctx.name, { replyCommand: 'coordinate.sh answer' });
      if (text) printToFd(1, terminalSafe(text), ExitCode.ok);
    },
  });
  return {};
};
