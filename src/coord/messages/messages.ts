// The message bus: one append-only log, messages.jsonl, in the coordination folder.
//
// Why one log with sequence numbers, not a file per message: appends happen under the store lock,
// so the lock hands out the numbers and file order is send order. A reader's position is then one
// number (the last seq it was shown): everything above it is new. "Never missed, shown as new once"
// is advancing that number in the same locked step that reads, after the reader has printed them
// (a reader killed in between sees them again: at least once), and "in order per sender" holds
// because one sender's sends are ordered by the lock. Per-message files would need a
// directory listing per read, a naming scheme that sorts, and a set of seen ids per reader.
// The lock is held for a tail read and one append (well under a millisecond of work).
//
// Every message is also an event in events.jsonl (with a preview of the body). Messages older than
// the retention limit are compacted away; a marker line keeps the numbering going.
import path from 'node:path';
import { z } from 'zod';
import { UsageError, WtError, describeZodError } from '../../lib/errors.js';
import { parseJsonLines, readTextIfExists } from '../../lib/json-file.js';
import { MAX_LINE_BYTES, lastSeqInTail } from '../../lib/jsonl-tail.js';
import { defineDoc, readDoc, type Transaction } from '../../store/store.js';
import { remoteOf, remoteStoreFor, type RemoteStore } from '../../store/remote.js';
import { transact } from '../transact.js';
import { touchInstance } from '../instances/heartbeat.js';
import { instancesDoc, type Instance } from '../instances/instances.js';
import { BROADCAST, LEADER, channelNameOf, channelReaches, channelsDoc, isDefaultChannel, DEFAULT_CHANNELS, type Channel } from './channels.js';

export const MESSAGES_FILE = 'messages.jsonl';
/** The log's name in a database store. */
const MESSAGES_LOG = 'messages';
/** The largest body a message may carry; details belong in a file in the repository. */
export const MAX_BODY_BYTES = 64 * 1024;
export const MAX_PATHS = 100;
export const messagePriorities = ['urgent', 'normal', 'low'] as const;
export type MessagePriority = (typeof messagePriorities)[number];
/** The usual types (seed 004); any lowercase word is accepted. */
export const messageTypes = ['message', 'discovery', 'claim', 'release', 'question', 'answer', 'handoff', 'alert', 'status'] as const;
const typePattern = /^[a-z][a-z0-9_-]{0,31}$/;

export const messageSchema = z.object({
  seq: z.number().int().positive(),
  id: z.string(),
  from: z.string(),
  /** An instance name, `leader`, `broadcast`, or `#<channel>`. */
  to: z.string(),
  type: z.string(),
  priority: z.enum(messagePriorities),
  time: z.string(),
  body: z.string(),
  paths: z.array(z.string()).default([]),
  /** An answer points at its question. */
  correlation_id: z.string().nullable().default(null),
  requires_response: z.boolean().default(false),
});
export type Message = z.infer<typeof messageSchema>;

/** First line after compaction: the numbering continues above `seq`. */
const compactionMarkerSchema = z.object({ kind: z.literal('compacted'), seq: z.number().int().nonnegative(), time: z.string(), removed: z.number().int() }).strict();
export const logLineSchema = z.union([compactionMarkerSchema, messageSchema]);

/** Each reader's position: the highest seq it has been shown. */
export const inboxPositionsDoc = defineDoc(
  'inbox-positions.json',
  z.object({ version: z.literal(1), positions: z.record(z.string(), z.number().int().nonnegative()) }),
  () => ({ version: 1 as const, positions: {} as Record<string, number> }),
);

export interface SendInput {
  from: string;
  to: string;
  type: string;
  body: string;
  priority?: MessagePriority;
  paths?: string[];
  correlation_id?: string;
  requires_response?: boolean;
}

export function messageId(seq: number): string {
  return `m${seq}`;
}

/** Accepts `m42` or `42`. */
export function parseMessageId(input: string): string {
  const match = /^m?(\d{1,12})$/i.exec(input.trim());
  if (!match) throw new UsageError(`"${input}" is not a message id`, 'message ids look like m42; `coordinate.sh inbox --all` shows them');
  return messageId(Number(match[1]));
}

export function messagesFile(coordDir: string): string {
  return path.join(coordDir, MESSAGES_FILE);
}

// ---- validation (pure) ----

export function validateBody(body: string): string {
  if (!body.trim()) throw new UsageError('the message is empty', 'write the text to send, e.g. coordinate.sh send instance-2 "auth lives in src/auth/"');
  const bytes = Buffer.byteLength(body, 'utf8');
  if (bytes > MAX_BODY_BYTES) throw bodyTooLarge(bytes);
  return body;
}

export function bodyTooLarge(bytes: number): UsageError {
  return new UsageError(`the message is ${bytes} bytes, over the limit of ${MAX_BODY_BYTES} bytes (64 KiB)`, 'send a short summary and put the details in a file in the repository, named with --paths');
}

export function validateType(type: string): string {
  if (!typePattern.test(type)) throw new UsageError(`"${type}" is not a message type`, `use a lowercase word such as ${messageTypes.join(', ')}`);
  return type;
}

function validatePaths(paths: string[]): string[] {
  if (paths.length > MAX_PATHS) throw new UsageError(`${paths.length} paths is over the limit of ${MAX_PATHS}`, 'name the folders instead of every file');
  const bad = paths.find((p) => !p.trim() || p.length > 4096);
  if (bad !== undefined) throw new UsageError(`--path "${bad.slice(0, 40)}" is not a path`, 'name a file or folder of the repository');
  return paths.map((p) => p.trim());
}

/** The canonical recipient: an instance name, `leader`, `broadcast` or `#channel`. */
export function resolveRecipient(input: string, instances: Pick<Instance, 'name'>[], channels: Channel[]): string {
  const raw = input.trim();
  const lower = raw.toLowerCase();
  if (lower === LEADER || lower === BROADCAST) return lower;
  const numbered = /^(?:instance-)?(\d{1,4})$/.exec(lower);
  if (numbered) {
    const name = `instance-${Number(numbered[1])}`;
    if (instances.some((i) => i.name === name)) return name;
  } else {
    const channel = channelNameOf(raw);
    if (isDefaultChannel(channel) || channels.some((c) => c.name === channel)) return `#${channel}`;
  }
  const known = [...instances.map((i) => i.name), LEADER, BROADCAST, ...DEFAULT_CHANNELS, ...channels.map((c) => c.name)];
  throw new UsageError(`unknown recipient "${raw}"`, `send to one of: ${known.join(', ')} (make a channel with \`coordinate.sh join <name>\`)`);
}

export function validateParticipant(who: string, instances: Pick<Instance, 'name'>[]): string {
  if (who === LEADER || instances.some((i) => i.name === who)) return who;
  throw new WtError(`${who} is not a registered instance`, '`wt-coord status` lists the instances');
}

/** Is this message for `who`? Your own broadcasts and channel posts are not news to you. */
export function isAddressedTo(message: Message, who: string, channels: Channel[]): boolean {
  if (message.to === who) return true;
  if (message.from === who) return false;
  if (message.to === BROADCAST) return true;
  return message.to.startsWith('#') && channelReaches(channels, message.to.slice(1), who);
}

// ---- the log ----

export interface LogRead {
  messages: Message[];
  /** Lines that did not parse or validate, by line number. */
  skipped: { line: number; problem: string }[];
  /** Highest seq in the log (messages and compaction marker). */
  lastSeq: number;
}

/**
 * Reads the whole log. Text after the last newline is an append in progress (or, under the lock, a
 * torn append of a killed sender): it is never a message, and is reported only when `locked`.
 */
export async function readMessageLog(coordDir: string, { locked = false } = {}): Promise<LogRead> {
  const remote = remoteStoreFor(coordDir);
  if (remote) return readRemoteLog(await remote);
  const text = await readTextIfExists(messagesFile(coordDir));
  if (text === null) return { messages: [], skipped: [], lastSeq: 0 };
  const end = text.lastIndexOf('\n') + 1;
  const { records, skipped } = parseJsonLines(text.slice(0, end), logLineSchema, MAX_LINE_BYTES);
  if (locked && end < text.length) skipped.push({ line: text.slice(0, end).split('\n').length, problem: 'torn last line (a sender was killed mid-write)' });
  let lastSeq = 0;
  const messages: Message[] = [];
  const seen = new Set<number>();
  for (const record of records) {
    lastSeq = Math.max(lastSeq, record.seq);
    // A seq seen before is a late copy of that message (a sender fenced after deciding, see
    // store/journal.ts): the first is the message, a copy is not news.
    if ('kind' in record || seen.has(record.seq)) continue;
    seen.add(record.seq);
    messages.push(record);
  }
  messages.sort((a, b) => a.seq - b.seq);
  return { messages, skipped, lastSeq };
}

/** The log in a database store: one row per message, numbered by the database. */
async function readRemoteLog(remote: RemoteStore): Promise<LogRead> {
  const { rows, lastSeq } = await remote.read(MESSAGES_LOG);
  const messages: Message[] = [];
  const skipped: LogRead['skipped'] = [];
  for (const row of rows) {
    const parsed = messageSchema.safeParse(row.body);
    if (parsed.success) messages.push(parsed.data);
    else skipped.push({ line: row.seq, problem: describeZodError(parsed.error) });
  }
  return { messages, skipped, lastSeq };
}

const nextSeqByTx = new WeakMap<Transaction, number>();

/** A priority as typed (`--priority urgent`); undefined stays undefined (the default, normal). */
export function parsePriority(value: string | undefined): MessagePriority | undefined {
  if (value === undefined) return undefined;
  if (!(messagePriorities as readonly string[]).includes(value)) throw new UsageError(`--priority must be one of ${messagePriorities.join(', ')}, got "${value}"`, 'e.g. --priority urgent');
  return value as MessagePriority;
}

/** How a recipient reads in a confirmation: `sent m4 to everyone`. */
export function audienceOf(to: string): string {
  return to === 'broadcast' ? 'everyone' : to;
}

/** Appends one message inside a transaction (the caller holds the store lock). */
export async function postMessage(tx: Transaction, input: SendInput): Promise<Message> {
  const body = validateBody(input.body);
  const type = validateType(input.type);
  const priority = parsePriority(input.priority) ?? 'normal';
  const paths = validatePaths(input.paths ?? []);
  const [{ instances }, { channels }] = await Promise.all([tx.get(instancesDoc), tx.get(channelsDoc)]);
  const from = validateParticipant(input.from, instances);
  const to = resolveRecipient(input.to, instances, channels);
  const build = (seq: number): Message => ({
    seq,
    id: messageId(seq),
    from,
    to,
    type,
    priority,
    time: new Date().toISOString(),
    body,
    paths,
    correlation_id: input.correlation_id ?? null,
    requires_response: input.requires_response ?? false,
  });
  const announce = (message: Message) => tx.event({ type: 'message', instance: from, data: { id: message.id, to, type, priority, correlation_id: message.correlation_id, body: preview(body) } });
  const remote = remoteOf(tx);
  if (remote) {
    const message = (await remote.append(tx, MESSAGES_LOG, build)) as Message;
    announce(message);
    return message;
  }
  let seq = nextSeqByTx.get(tx);
  // Under the lock the log's tail holds the highest seq given: the journal replays any decided
  // append before this transaction runs, and nothing else appends until it commits.
  if (seq === undefined) seq = (await lastSeqInTail(messagesFile(tx.dir))) + 1;
  nextSeqByTx.set(tx, seq + 1);
  const message = build(seq);
  const line = `${JSON.stringify(message)}\n`;
  if (Buffer.byteLength(line) > MAX_LINE_BYTES) throw new UsageError(`the message is ${Buffer.byteLength(line)} bytes as stored, over the limit of ${MAX_LINE_BYTES}`, 'send a short summary and fewer --paths; put the details in a file in the repository');
  // Whole lines, appended once the commit is decided: a reader sees a message complete or not at all.
  tx.appendLines(messagesFile(tx.dir), line, seq);
  announce(message);
  return message;
}

function preview(body: string): string {
  const oneLine = body.replace(/\s+/g, ' ').trim();
  return oneLine.length > 200 ? `${oneLine.slice(0, 199)}…` : oneLine;
}

export interface CallerOptions {
  /** The calling instance's id: its lease is renewed in the same transaction (no second lock). */
  heartbeatId?: number;
}

/**
 * Leases run in minutes, so a message verb renews one only when it is older than this: a renewal
 * rewrites instances.json and its views (several fsyncs), which would otherwise double the cost of
 * every send. (The message verbs are marked readOnly in verbs.ts so the dispatcher does not renew
 * it a second time.)
 */
export const MESSAGE_HEARTBEAT_EVERY_MS = 15_000;

async function renewLeaseIfDue(tx: Transaction, instanceId: number): Promise<void> {
  const { instances } = await tx.get(instancesDoc);
  const me = instances.find((i) => i.id === instanceId);
  const seen = me?.last_seen ? Date.parse(me.last_seen) : 0;
  if (me && !(Date.now() - seen < MESSAGE_HEARTBEAT_EVERY_MS)) await touchInstance(tx, instanceId);
}

export async function sendMessage(coordDir: string, input: SendInput, options: CallerOptions = {}): Promise<Message> {
  // Fail on bad input before waiting for the lock.
  validateBody(input.body);
  validateType(input.type);
  return transact(coordDir, async (tx) => {
    const message = await postMessage(tx, input);
    if (options.heartbeatId !== undefined) await renewLeaseIfDue(tx, options.heartbeatId);
    return message;
  });
}

// ---- inboxes ----

export interface InboxOptions extends CallerOptions {
  /** Every retained message for this reader, not only the new ones. */
  all?: boolean;
  /** Look without moving the read position (cheap checks from hooks). */
  peek?: boolean;
  /** Compact messages older than this while holding the lock (only when the oldest is well past it). */
  retentionMs?: number;
  /**
   * Shows the messages to the reader before the read position is committed. A reader killed after
   * the commit but before printing would otherwise never see them; this way a reader killed after
   * printing sees them again (at-least-once: shown twice at worst, never lost).
   */
  deliver?: (report: InboxReport) => void | Promise<void>;
}

export interface InboxReport {
  messages: Message[];
  /** Unreadable lines of messages.jsonl, reported and skipped. */
  skipped: { line: number; problem: string }[];
  /** The reader's position after this read. */
  position: number;
}

function selectFor(who: string, log: LogRead, channels: Channel[], position: number, all: boolean): Message[] {
  return log.messages.filter((m) => (all || m.seq > position) && isAddressedTo(m, who, channels));
}

export async function readInboxReport(coordDir: string, who: string, options: InboxOptions = {}): Promise<InboxReport> {
  if (options.peek) {
    const [{ instances }, { channels }, { positions }, log] = await Promise.all([
      readDoc(coordDir, instancesDoc),
      readDoc(coordDir, channelsDoc),
      readDoc(coordDir, inboxPositionsDoc),
      readMessageLog(coordDir),
    ]);
    validateParticipant(who, instances);
    const position = positions[who] ?? 0;
    const report = { messages: selectFor(who, log, channels, position, Boolean(options.all)), skipped: log.skipped, position };
    await options.deliver?.(report);
    return report;
  }
  return transact(coordDir, async (tx) => {
    const [{ instances }, { channels }, positionsDoc] = await Promise.all([tx.get(instancesDoc), tx.get(channelsDoc), tx.get(inboxPositionsDoc)]);
    validateParticipant(who, instances);
    let log = await readMessageLog(coordDir, { locked: true });
    const before = positionsDoc.positions[who] ?? 0;
    const messages = selectFor(who, log, channels, before, Boolean(options.all));
    // Past everything in the log, not only past what was for us: the next read starts there.
    const position = Math.max(before, log.lastSeq);
    if (position !== before) tx.set(inboxPositionsDoc, { ...positionsDoc, positions: { ...positionsDoc.positions, [who]: position } });
    if (options.heartbeatId !== undefined) await renewLeaseIfDue(tx, options.heartbeatId);
    const report = { messages, skipped: log.skipped, position };
    if (options.retentionMs !== undefined && isDueForCompaction(log, options.retentionMs, Date.now())) {
      log = await compactLocked(tx, log, options.retentionMs, Date.now());
    }
    await options.deliver?.(report);
    return report;
  });
}



export async function findMessage(coordDir: string, id: string): Promise<Message | undefined> {
  const { messages } = await readMessageLog(coordDir);
  return messages.find((m) => m.id === id);
}


// ---- compaction ----

/** Compacting when the oldest message is 1.5x past the limit keeps rewrites rare: at most one per half limit. */
function isDueForCompaction(log: LogRead, retentionMs: number, now: number): boolean {
  const oldest = log.messages[0];
  return oldest !== undefined && now - Date.parse(oldest.time) > retentionMs * 1.5;
}

async function compactLocked(tx: Transaction, log: LogRead, retentionMs: number, now: number): Promise<LogRead> {
  const cutoff = now - retentionMs;
  const kept = log.messages.filter((m) => Date.parse(m.time) >= cutoff);
  const removed = log.messages.length - kept.length;
  if (removed === 0 && log.skipped.length === 0) return log;
  const remote = remoteOf(tx);
  if (remote) {
    // The database keeps the numbering (wtc_log_seq); unreadable rows go too.
    await remote.remove(tx, MESSAGES_LOG, [...log.messages.filter((m) => !kept.includes(m)).map((m) => m.seq), ...log.skipped.map((s) => s.line)]);
  } else {
    const marker = { kind: 'compacted' as const, seq: log.lastSeq, time: new Date(now).toISOString(), removed };
    // The marker carries the highest seq ever given, so numbering continues even if nothing is kept.
    const text = [marker, ...kept].map((r) => JSON.stringify(r)).join('\n') + '\n';
    tx.writeFile(messagesFile(tx.dir), text); // with the commit: a compactor that lost the lock rewrites nothing
  }
  tx.event({ type: 'messages.compacted', data: { removed, kept: kept.length, unreadable_dropped: log.skipped.length, retention_hours: retentionMs / 3_600_000 } });
  return { messages: kept, skipped: [], lastSeq: log.lastSeq };
}

export interface CompactionResult {
  removed: number;
  kept: number;
  unreadable_dropped: number;
}

/** Drops messages older than `retentionMs` (and unreadable lines) now. */
export async function compactMessages(coordDir: string, retentionMs: number, now = Date.now()): Promise<CompactionResult> {
  return transact(coordDir, async (tx) => {
    const log = await readMessageLog(coordDir, { locked: true });
    const after = await compactLocked(tx, log, retentionMs, now);
    return { removed: log.messages.length - after.messages.length, kept: after.messages.length, unreadable_dropped: after === log ? 0 : log.skipped.length };
  });
}
