// How messages read in a terminal: inbox (coordinate.sh and wt-coord msg) and watch share it.
import type { Message } from './messages.js';

export function clockTime(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toTimeString().slice(0, 8);
}

import { terminalText } from '../../lib/terminal-text.js';

export { terminalText };

function recipientLabel(to: string, reader?: string): string {
  return reader !== undefined && to === reader ? 'you' : to;
}

/** `m42 12:01:33 instance-2 -> you [question, urgent] Where is the db config?` */
export function formatMessageLine(message: Message, reader?: string, { oneLine = false } = {}): string {
  const tags = [message.type, ...(message.priority === 'normal' ? [] : [message.priority])].join(', ');
  const reply = message.correlation_id ? ` (re ${message.correlation_id})` : '';
  const paths = message.paths.length ? ` [paths: ${terminalText(message.paths.join(', '), { oneLine: true })}]` : '';
  const from = terminalText(message.from, { oneLine: true });
  const to = terminalText(recipientLabel(message.to, reader), { oneLine: true });
  return `${message.id} ${clockTime(message.time)} ${from} -> ${to} [${tags}]${reply} ${terminalText(message.body, { oneLine })}${paths}`;
}

export function formatInbox(messages: Message[], reader: string, options: { replyCommand?: string } = {}): string {
  if (messages.length === 0) return 'no new messages';
  const lines: string[] = [];
  for (const m of messages) {
    lines.push(formatMessageLine(m, reader));
    if (m.requires_response && m.from !== reader && options.replyCommand) lines.push(`    reply: ${options.replyCommand} ${m.id} "<answer>"`);
  }
  return lines.join('\n');
}

export function formatSkipped(skipped: { line: number; problem: string }[]): string | null {
  if (skipped.length === 0) return null;
  const first = skipped.slice(0, 3).map((s) => `line ${s.line}: ${s.problem}`).join('; ');
  return `warning: skipped ${skipped.length} unreadable line(s) of messages.jsonl (${first}${skipped.length > 3 ? '; ...' : ''}); \`wt-coord msg compact\` drops them`;
}
