// Token usage per instance: every session its agent has had (state-file.ts's session record),
// counted by the agent kind's driver (Claude Code: the transcripts). Kinds without a usage
// source report null.
import { agentProgram } from '../agent-kind.js';
import type { AgentRecord } from '../../coord/instances/index.js';
import { driverFor } from '../drivers/index.js';
import { addUsage, NO_USAGE, type TokenUsage } from '../kind/index.js';
import { readSessionsRaw } from '../state/index.js';

export interface InstanceUsage {
  instance: number;
  name: string;
  sessions: number;
  usage: TokenUsage | null;
}

export async function instanceUsage(coordDir: string, record: AgentRecord): Promise<InstanceUsage> {
  const driver = driverFor(agentProgram(record.command) ?? record.command);
  const { sessions } = readSessionsRaw(coordDir, record.name);
  if (!driver.usage) return { instance: record.instance, name: record.name, sessions: sessions.length, usage: null };
  let total: TokenUsage | null = null;
  for (const session of sessions) {
    const usage = await driver.usage(session).catch(() => null);
    if (usage) total = addUsage(total ?? NO_USAGE, usage);
  }
  return { instance: record.instance, name: record.name, sessions: sessions.length, usage: total };
}

export function formatUsage(usage: TokenUsage | null): string {
  if (!usage) return 'no usage recorded';
  return `${usage.input_tokens + usage.cache_read_input_tokens + usage.cache_creation_input_tokens} input / ${usage.output_tokens} output tokens`;
}
