// What each agent is doing, from three sources, whatever its kind:
//   the launcher   is the process alive? its exit code (exited, stopped)
//   its hooks      the state record they keep (state-file.ts): working, idle, waiting for permission, ...
//   its pane       what the screen shows (the driver's readPane), for what no hook reports: a
//                  dialog before the first hook runs, a prompt answered in the pane, a retry loop
// What the pane shows is recorded like a hook's report, so `since` holds across looks.
import { z } from 'zod';
import { agentProgram } from '../agent-kind.js';
import { driverFor } from '../drivers/index.js';
import type { PaneReading } from '../kind/index.js';
import { combine } from './combine.js';
import type { ObservedAgent } from './describe.js';

import type { AgentStatus } from '../launcher.js';
import { tmux } from '../tmux.js';
import { AGENT_STATES, WAITING_FOR_PERSON, readStateRaw, readSessionsRaw, recordState, type AgentStateRecord } from '../state/index.js';

const stateRecordSchema = z.object({
  state: z.enum(AGENT_STATES),
  since: z.string(),
  at: z.string(),
  source: z.string(),
  tool: z.string().nullish(),
  dialog: z.string().nullish(),
  detail: z.string().nullish(),
});


function validRecord(coordDir: string, name: string, startedAt: string): AgentStateRecord | null {
  const parsed = stateRecordSchema.safeParse(readStateRaw(coordDir, name));
  if (!parsed.success) return null;
  // A record from before this launch says nothing about this run of the agent.
  return Date.parse(parsed.data.at) >= Date.parse(startedAt) - 1_000 ? (parsed.data as AgentStateRecord) : null;
}

export async function capturePane(session: string): Promise<string | null> {
  return tmux(['capture-pane', '-p', '-t', `=${session}:`]).catch(() => null);
}

export interface ObserveOptions {
  /** Look at tmux panes too (default true). */
  pane?: boolean;
}

export async function observeAgent(coordDir: string, status: AgentStatus, options: ObserveOptions = {}): Promise<ObservedAgent> {
  const record = status.record;
  const kind = record ? driverFor(agentProgram(record.command) ?? record.command) : null;
  const sessions = readSessionsRaw(coordDir, status.name);
  const base: ObservedAgent = {
    instance: status.instance,
    name: status.name,
    kind: kind?.name ?? 'none',
    state: 'not-started',
    since: null,
    tool: null,
    dialog: null,
    detail: null,
    exit_code: status.exit_code,
    waiting_for_person: false,
    action: null,
    session_id: sessions.current?.id ?? null,
  };
  if (!record || status.state === 'never-started') return { ...base, action: `wt-coord start ${status.instance}` };
  if (status.state === 'stopped') return { ...base, state: 'stopped', since: record.stopped_at, action: `wt-coord start ${status.instance}` };
  if (status.state === 'exited' || status.state === 'gone') {
    return { ...base, state: 'exited', detail: status.state === 'gone' ? 'killed before it could record an exit code' : null, action: `wt-coord logs ${status.instance}` };
  }
  const hook = validRecord(coordDir, status.name, record.started_at);
  let pane: PaneReading | null = null;
  if (options.pane !== false && record.mode === 'tmux' && record.session && kind?.readPane) {
    const text = await capturePane(record.session);
    if (text !== null) pane = kind.readPane(text);
  }
  const now = Date.now();
  const seen = combine(hook, pane, now);
  let since = hook?.since ?? record.started_at;
  if (seen.fromPane && (seen.state !== hook?.state || seen.tool !== (hook?.tool ?? null) || seen.dialog !== (hook?.dialog ?? null))) {
    recordState(coordDir, status.name, { state: seen.state, source: 'pane', tool: seen.tool, dialog: seen.dialog, detail: seen.detail });
    since = readStateRaw(coordDir, status.name)?.since ?? new Date(now).toISOString();
  }
  const waiting = WAITING_FOR_PERSON.has(seen.state);
  return { ...base, state: seen.state, since, tool: seen.tool, dialog: seen.dialog, detail: seen.detail, exit_code: null, waiting_for_person: waiting, action: waiting ? `wt-coord attach ${status.name}` : null };
}

export async function observeAgents(coordDir: string, statuses: AgentStatus[], options: ObserveOptions = {}): Promise<ObservedAgent[]> {
  return Promise.all(statuses.map((s) => observeAgent(coordDir, s, options)));
}

