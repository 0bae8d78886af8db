// coordinate.sh send | broadcast | alert | ask | answer | join | leave | channels: the message bus
// from an instance. One module for the family (each verb entry picks its function); every verb
// is one store transaction that also renews the instance's lease.
import { UsageError, WtError } from '../../lib/errors.js';
import { DEFAULT_CHANNELS, channelsDoc, joinChannel, leaveChannel } from '../../coord/messages/index.js';
import { audienceOf, findMessage, parseMessageId, parsePriority, sendMessage, type Message, type SendInput } from '../../coord/messages/index.js';
import { readDoc } from '../../coord/transact.js';
import type { InstanceContext } from '../context.js';
import type { VerbHandler, VerbResult } from '../verbs.js';
import { parseVerbArgs } from './args.js';
import { messageText } from '../message-input.js';

const SEND_FLAGS = ['--json', '--requires-response'];
const SEND_OPTIONS = ['--type', '--priority', '--paths'];

function pathsOf(value: string | undefined): string[] | undefined {
  return value === undefined ? undefined : value.split(',').map((p) => p.trim()).filter(Boolean);
}

async function deliver(ctx: InstanceContext, input: Omit<SendInput, 'from'>, json: boolean, say: (m: Message) => string): Promise<VerbResult> {
  const message = await sendMessage(ctx.coordDir, { ...input, from: ctx.name }, { heartbeatId: ctx.id });
  return { output: json ? JSON.stringify(message, null, 2) : say(message) };
}

export const send: VerbHandler = async (ctx, args) => {
  const parsed = parseVerbArgs('send', args, SEND_FLAGS, SEND_OPTIONS);
  const [to, ...words] = parsed.positionals;
  if (!to) throw new UsageError('send needs a recipient and a text', 'coordinate.sh send instance-2 "auth lives in src/auth/"');
  const body = await messageText(words, 'send', `send ${to} "<text>"`);
  return deliver(
    ctx,
    { to, body, type: parsed.options.get('--type') ?? 'message', priority: parsePriority(parsed.options.get('--priority')), paths: pathsOf(parsed.options.get('--paths')), requires_response: parsed.flags.has('--requires-response') },
    parsed.flags.has('--json'),
    (m) => `sent ${m.id} to ${audienceOf(m.to)}`,
  );
};

export const broadcast: VerbHandler = async (ctx, args) => {
  const parsed = parseVerbArgs('broadcast', args, ['--json'], SEND_OPTIONS);
  const body = await messageText(parsed.positionals, 'broadcast', 'broadcast "<text>"');
  return deliver(
    ctx,
    { to: 'broadcast', body, type: parsed.options.get('--type') ?? 'discovery', priority: parsePriority(parsed.options.get('--priority')), paths: pathsOf(parsed.options.get('--paths')) },
    parsed.flags.has('--json'),
    (m) => `sent ${m.id} to everyone`,
  );
};

export const alert: VerbHandler = async (ctx, args) => {
  const parsed = parseVerbArgs('alert', args, ['--json'], ['--paths']);
  const body = await messageText(parsed.positionals, 'alert', 'alert "blocked: the test database is down"');
  return deliver(ctx, { to: '#alerts', body, type: 'alert', priority: 'urgent', paths: pathsOf(parsed.options.get('--paths')) }, parsed.flags.has('--json'), (m) => `alerted #alerts with ${m.id}`);
};

export const ask: VerbHandler = async (ctx, args) => {
  const parsed = parseVerbArgs('ask', args, ['--json'], ['--to', '--paths', '--priority']);
  const body = await messageText(parsed.positionals, 'ask', 'ask "where is the database config?"');
  return deliver(
    ctx,
    { to: parsed.options.get('--to') ?? 'broadcast', body, type: 'question', requires_response: true, priority: parsePriority(parsed.options.get('--priority')), paths: pathsOf(parsed.options.get('--paths')) },
    parsed.flags.has('--json'),
    (m) => `asked ${m.id} (${audienceOf(m.to)}); answers arrive in your inbox, marked "re ${m.id}"`,
  );
};

export const answer: VerbHandler = async (ctx, args) => {
  const parsed = parseVerbArgs('answer', args, ['--json'], ['--paths']);
  const [idText, ...words] = parsed.positionals;
  if (!idText) throw new UsageError('answer needs the question id and a text', 'coordinate.sh answer m12 "it is in config/database.yml"');
  const id = parseMessageId(idText);
  const body = await messageText(words, 'answer', `answer ${id} "<text>"`);
  const question = await findMessage(ctx.coordDir, id);
  if (!question) throw new WtError(`no message ${id} on the bus`, 'it may have been compacted away; `coordinate.sh inbox --all` lists the messages you can answer');
  // The answer goes to whoever asked; the correlation id ties it to the question.
  return deliver(ctx, { to: question.from, body, type: 'answer', correlation_id: question.id, paths: pathsOf(parsed.options.get('--paths')) }, parsed.flags.has('--json'), (m) => `answered ${question.id} with ${m.id} to ${m.to}`);
};

export const join: VerbHandler = async (ctx, args) => {
  const [name] = parseVerbArgs('join', args).positionals;
  if (!name) throw new UsageError('join needs a channel name', 'coordinate.sh join db-migration');
  const { channel, created } = await joinChannel(ctx.coordDir, ctx.name, name);
  return { output: created ? `created #${channel} and joined it (send to it: coordinate.sh send ${channel} "...")` : `you are in #${channel}` };
};

export const leave: VerbHandler = async (ctx, args) => {
  const [name] = parseVerbArgs('leave', args).positionals;
  if (!name) throw new UsageError('leave needs a channel name', 'coordinate.sh leave db-migration');
  await leaveChannel(ctx.coordDir, ctx.name, name);
  return { output: `left #${name.replace(/^#/, '')}` };
};

export const channels: VerbHandler = async (ctx, args) => {
  const parsed = parseVerbArgs('channels', args, ['--json']);
  const { channels: named } = await readDoc(ctx.coordDir, channelsDoc);
  const list = [
    ...DEFAULT_CHANNELS.map((name) => ({ name, members: 'everyone' as const, joined: true })),
    ...named.map((c) => ({ name: c.name, members: c.members, joined: c.members.includes(ctx.name) })),
  ];
  if (parsed.flags.has('--json')) return { output: JSON.stringify(list, null, 2) };
  return { output: list.map((c) => `#${c.name}  ${c.members === 'everyone' ? 'everyone' : c.members.join(', ') || '(empty)'}${c.joined ? '' : '  (not joined)'}`).join('\n') };
};
