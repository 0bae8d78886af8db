// `wt-coord msg send|broadcast|ask|answer|inbox|log|compact`: the leader on the message bus, from the
// main checkout, under the name `leader`.
import type { Command } from 'commander';
import { helpDefault } from '../config/config.js';
import { wakeIdleAgents } from '../agents/wake/index.js';
import { UsageError, WtError } from '../lib/errors.js';
import { LEADER } from '../coord/messages/index.js';
import { formatInbox, formatMessageLine, formatSkipped } from '../coord/messages/index.js';
import { audienceOf, compactMessages, findMessage, messagePriorities, parseMessageId, parsePriority, readInboxReport, readMessageLog, sendMessage, type SendInput } from '../coord/messages/index.js';
import { openRepo, type RepoContext } from '../workspace/repo.js';
import { ensureInitialized } from '../workspace/init.js';
import { readBodyFromStdin } from '../instance/message-input.js';
import { note, printJson, printLines } from './output.js';


async function textOf(words: string[]): Promise<string> {
  return words.length === 1 && words[0] === '-' ? readBodyFromStdin() : words.join(' ');
}

async function repoReady(): Promise<RepoContext> {
  const repo = await openRepo();
  await ensureInitialized(repo);
  return repo;
}

interface SendFlags {
  type?: string;
  priority?: string;
  paths?: string;
  requiresResponse?: boolean;
  json?: boolean;
}

async function deliver(input: Omit<SendInput, 'from'>, flags: SendFlags): Promise<void> {
  const repo = await repoReady();
  const message = await sendMessage(repo.coordDir, { ...input, from: LEADER });
  if (flags.json) printJson(message);
  else printLines(`sent ${message.id} to ${audienceOf(message.to)}`);
  // An agent idle at its prompt reads the message only when it is given a turn.
  await wakeIdleAgents(repo).catch(() => []);
}

const pathsOf = (value?: string) => (value ? value.split(',').map((p) => p.trim()).filter(Boolean) : undefined);

export function register(program: Command): void {
  const msg = program
    .command('msg')
    .description('the leader on the message bus: send, broadcast, ask, answer, inbox, log, compact')
    .addHelpText('after', '\nRecipients: instance-<k> (or k), leader, broadcast, or a channel (general, alerts, handoffs, or one made with `coordinate.sh join`).\n\nExamples:\n  wt-coord msg send instance-2 "rebase on main before you push"\n  wt-coord msg broadcast "main is green again"\n  wt-coord msg inbox');

  msg
    .command('send')
    .description('send a message (text "-" reads stdin; up to 64 KiB)')
    .argument('<to>', 'instance-<k>, leader, broadcast or a channel')
    .argument('<text...>', 'the message')
    .option('--type <type>', 'discovery, question, alert, status, ... (default: message)')
    .option('--priority <p>', `${messagePriorities.join(', ')} (default: normal)`)
    .option('--paths <a,b>', 'paths the message is about')
    .option('--requires-response', 'ask for an answer')
    .option('--json', 'print the message as JSON')
    .action(async (to: string, words: string[], flags: SendFlags) => {
      await deliver({ to, body: await textOf(words), type: flags.type ?? 'message', priority: parsePriority(flags.priority), paths: pathsOf(flags.paths), requires_response: Boolean(flags.requiresResponse) }, flags);
    });

  msg
    .command('broadcast')
    .description('send to every instance')
    .argument('<text...>', 'the message')
    .option('--type <type>', 'message type (default: message)')
    .option('--priority <p>', `${messagePriorities.join(', ')} (default: normal)`)
    .option('--json', 'print the message as JSON')
    .action(async (words: string[], flags: SendFlags) => {
      await deliver({ to: 'broadcast', body: await textOf(words), type: flags.type ?? 'message', priority: parsePriority(flags.priority) }, flags);
    });

  msg
    .command('ask')
    .description('ask a question (answers come back to the leader inbox)')
    .argument('<text...>', 'the question')
    .option('--to <to>', 'who to ask (default: broadcast)')
    .option('--json', 'print the message as JSON')
    .action(async (words: string[], flags: SendFlags & { to?: string }) => {
      await deliver({ to: flags.to ?? 'broadcast', body: await textOf(words), type: 'question', requires_response: true }, flags);
    });

  msg
    .command('answer')
    .description('answer a question; it goes to whoever asked')
    .argument('<id>', 'the question id (m12)')
    .argument('<text...>', 'the answer')
    .option('--json', 'print the message as JSON')
    .action(async (idText: string, words: string[], flags: SendFlags) => {
      const repo = await repoReady();
      const id = parseMessageId(idText);
      const question = await findMessage(repo.coordDir, id);
      if (!question) throw new WtError(`no message ${id} on the bus`, 'it may have been compacted away; `wt-coord msg log` lists the messages');
      await deliver({ to: question.from, body: await textOf(words), type: 'answer', correlation_id: question.id }, flags);
    });

  msg
    .command('inbox')
    .description('messages to the leader since it last read (each shown as new once)')
    .option('--all', 'every retained message to the leader, not only new ones')
    .option('--peek', 'do not mark them read')
    .option('--json', 'print as JSON')
    .action(async (flags: { all?: boolean; peek?: boolean; json?: boolean }) => {
      const repo = await repoReady();
      // Printed before the read position moves (see readInboxReport's deliver): never lost, shown twice at worst.
      await readInboxReport(repo.coordDir, LEADER, {
        all: flags.all,
        peek: flags.peek,
        retentionMs: repo.config.message_retention_hours * 3_600_000,
        deliver: (report) => {
          const warning = formatSkipped(report.skipped);
          if (warning) note(warning);
          if (flags.json) printJson(report.messages);
          else printLines(formatInbox(report.messages, LEADER, { replyCommand: 'wt-coord msg answer' }));
        },
      });
    });

  msg
    .command('log')
    .description('every message on the bus, to anyone (read-only)')
    .option('--limit <n>', 'only the last n', '100')
    .option('--json', 'print as JSON')
    .action(async (flags: { limit: string; json?: boolean }) => {
      if (!/^\d+$/.test(flags.limit) || Number(flags.limit) < 1) throw new UsageError(`--limit must be a whole number of at least 1, got "${flags.limit}"`, 'e.g. wt-coord msg log --limit 20');
      const repo = await repoReady();
      const log = await readMessageLog(repo.coordDir);
      const warning = formatSkipped(log.skipped);
      if (warning) note(warning);
      const shown = log.messages.slice(-Number(flags.limit));
      if (flags.json) return printJson(shown);
      printLines(...(shown.length ? shown.map((m) => formatMessageLine(m)) : ['no messages']));
    });

  msg
    .command('compact')
    .description(`drop messages older than message_retention_hours (${helpDefault('message_retention_hours')} hours) and unreadable lines, now`)
    .option('--json', 'print what was dropped as JSON')
    .action(async (flags: { json?: boolean }) => {
      const repo = await repoReady();
      const result = await compactMessages(repo.coordDir, repo.config.message_retention_hours * 3_600_000);
      if (flags.json) return printJson(result);
      printLines(`removed ${result.removed} message(s) older than ${repo.config.message_retention_hours} h and ${result.unreadable_dropped} unreadable line(s); ${result.kept} kept`);
    });
}
