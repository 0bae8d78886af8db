// Channels: general, alerts and handoffs exist from the start and reach everyone (seed 002); more
// are made by name with `join`, and reach their members. channels.json holds only the named ones.
import { z } from 'zod';
import { UsageError, WtError, ExitCode } from '../../lib/errors.js';
import { defineDoc, type Transaction } from '../../store/store.js';
import { transact } from '../transact.js';

export const DEFAULT_CHANNELS = ['general', 'alerts', 'handoffs'] as const;
export const LEADER = 'leader';
export const BROADCAST = 'broadcast';

const channelNameSchema = z.string().regex(/^[a-z][a-z0-9_-]{0,31}$/);

export const channelSchema = z.object({
  name: channelNameSchema,
  created_by: z.string(),
  created_at: z.string(),
  members: z.array(z.string()),
});
export type Channel = z.infer<typeof channelSchema>;

export const channelsDoc = defineDoc(
  'channels.json',
  z.object({ version: z.literal(1), channels: z.array(channelSchema) }),
  () => ({ version: 1 as const, channels: [] as Channel[] }),
);

export function isDefaultChannel(name: string): boolean {
  return (DEFAULT_CHANNELS as readonly string[]).includes(name);
}

/** `#general` and `general` are the same channel. */
export function channelNameOf(input: string): string {
  return input.trim().replace(/^#/, '').toLowerCase();
}

export function validateNewChannelName(input: string): string {
  const name = channelNameOf(input);
  if (!channelNameSchema.safeParse(name).success) {
    throw new UsageError(`"${input}" is not a channel name`, 'use lowercase letters, digits, - and _ (up to 32), starting with a letter, e.g. db-migration');
  }
  if (name === LEADER || name === BROADCAST || /^instance-\d+$/.test(name)) {
    throw new UsageError(`"${name}" is reserved for ${name === BROADCAST ? 'messages to everyone' : 'an instance'}`, 'pick another channel name');
  }
  return name;
}

/** Who a channel reaches: everyone for the default channels, its members for named ones. */
export function channelReaches(channels: Channel[], channel: string, who: string): boolean {
  if (isDefaultChannel(channel)) return true;
  return channels.find((c) => c.name === channel)?.members.includes(who) ?? false;
}

export async function joinChannel(coordDir: string, who: string, input: string): Promise<{ channel: string; created: boolean }> {
  const name = validateNewChannelName(input);
  if (isDefaultChannel(name)) return { channel: name, created: false };
  return transact(coordDir, async (tx) => joinInTx(tx, who, name));
}

async function joinInTx(tx: Transaction, who: string, name: string): Promise<{ channel: string; created: boolean }> {
  const doc = await tx.get(channelsDoc);
  const found = doc.channels.find((c) => c.name === name);
  if (found?.members.includes(who)) return { channel: name, created: false };
  if (found) found.members.push(who);
  else doc.channels.push({ name, created_by: who, created_at: new Date().toISOString(), members: [who] });
  tx.set(channelsDoc, doc);
  tx.event({ type: found ? 'channel.joined' : 'channel.created', instance: who, data: { channel: name } });
  return { channel: name, created: !found };
}

export async function leaveChannel(coordDir: string, who: string, input: string): Promise<void> {
  const name = channelNameOf(input);
  if (isDefaultChannel(name)) throw new UsageError(`#${name} reaches everyone and cannot be left`, 'named channels (made with join) can be left');
  await transact(coordDir, async (tx) => {
    const doc = await tx.get(channelsDoc);
    const found = doc.channels.find((c) => c.name === name);
    if (!found?.members.includes(who)) throw new WtError(`${who} is not a member of #${name}`, '`coordinate.sh channels` lists your channels', ExitCode.notHolder);
    found.members = found.members.filter((m) => m !== who);
    tx.set(channelsDoc, doc);
    tx.event({ type: 'channel.left', instance: who, data: { channel: name } });
  });
}
