// What an agent last told wt-coord about itself, one small JSON file per instance in the
// coordination folder's agents/ runtime folder: `<name>.state.json` (its state) and
// `<name>.session.json` (the agent's own session ids, for --resume and token usage). Written from
// inside the agent's process by its hooks, so this module loads node built-ins only (it is bundled
// into the hook entry) and every write is whole-or-nothing (temp file + rename). The reader that
// trusts these files validates them (observe.ts).
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Every state an agent can be in, whatever its kind. */
export const AGENT_STATES = ['starting', 'working', 'idle', 'waiting-permission', 'waiting-dialog', 'rate-limited', 'exited', 'stopped'] as const;
export type AgentStateName = (typeof AGENT_STATES)[number];

/** States in which the agent does nothing until a person answers it. */
export const WAITING_FOR_PERSON: ReadonlySet<AgentStateName> = new Set(['waiting-permission', 'waiting-dialog']);

export interface AgentStateRecord {
  state: AgentStateName;
  /** When the agent entered this state (kept while the same state is reported again). */
  since: string;
  /** When it was last reported. */
  at: string;
  /** What reported it: a hook event name ("Stop", "PermissionRequest"), "pane" or "launcher". */
  source: string;
  /** waiting-permission: the tool asked for, e.g. "Bash: npm publish". */
  tool?: string | null;
  /** waiting-dialog: which one ("trust", "api-key", ...). */
  dialog?: string | null;
  /** Anything else worth a line in status (an error, the last message). */
  detail?: string | null;
}

export interface SessionEntry {
  id: string;
  transcript: string | null;
  started_at: string;
}

export interface SessionRecord {
  /** The session the agent runs now (or last ran): what a restart resumes. */
  current: SessionEntry | null;
  /** Every session this instance's agent has had, oldest first: token usage adds them up. */
  sessions: SessionEntry[];
}

/** The runtime folder the launcher makes (agents-doc.ts AGENTS_RUNTIME_DIR). */
const RUNTIME_DIR = 'agents';

export function stateFile(coordDir: string, name: string): string {
  return join(coordDir, RUNTIME_DIR, `${name}.state.json`);
}

export function sessionFile(coordDir: string, name: string): string {
  return join(coordDir, RUNTIME_DIR, `${name}.session.json`);
}

function writeWhole(file: string, value: unknown): void {
  mkdirSync(join(file, '..'), { recursive: true });
  // Hooks of one session can finish at the same moment: each writes aside and renames over.
  const temp = `${file}.${process.pid}.${Math.random().toString(36).slice(2, 8)}.tmp`;
  writeFileSync(temp, `${JSON.stringify(value)}\n`);
  renameSync(temp, file);
}

function readJson(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return null;
  }
}

/** The raw record, unvalidated (the hot path compares it; observe.ts validates what it shows). */
export function readStateRaw(coordDir: string, name: string): Partial<AgentStateRecord> | null {
  const value = readJson(stateFile(coordDir, name));
  return value && typeof value === 'object' ? (value as Partial<AgentStateRecord>) : null;
}

export type StateReport = Pick<AgentStateRecord, 'state' | 'source'> & Partial<Pick<AgentStateRecord, 'tool' | 'dialog' | 'detail'>>;

/**
 * Records a state. Reporting the state the agent is already in keeps `since` and, when nothing
 * else changed, writes nothing (PostToolUse reports "working" after every tool call).
 */
export function recordState(coordDir: string, name: string, report: StateReport, now = new Date()): void {
  const previous = readStateRaw(coordDir, name);
  const same = previous?.state === report.state && (previous.tool ?? null) === (report.tool ?? null) && (previous.dialog ?? null) === (report.dialog ?? null);
  if (same && (previous.detail ?? null) === (report.detail ?? null)) return;
  const record: AgentStateRecord = {
    state: report.state,
    since: same && typeof previous.since === 'string' ? previous.since : now.toISOString(),
    at: now.toISOString(),
    source: report.source,
    tool: report.tool ?? null,
    dialog: report.dialog ?? null,
    detail: report.detail ?? null,
  };
  writeWhole(stateFile(coordDir, name), record);
}

/** The launcher clears the record at every start: what the last run reported says nothing now. */
export function clearState(coordDir: string, name: string, now = new Date()): void {
  writeWhole(stateFile(coordDir, name), { state: 'starting', since: now.toISOString(), at: now.toISOString(), source: 'launcher', tool: null, dialog: null, detail: null } satisfies AgentStateRecord);
}

export function readSessionsRaw(coordDir: string, name: string): SessionRecord {
  const value = readJson(sessionFile(coordDir, name)) as Partial<SessionRecord> | null;
  const sessions = Array.isArray(value?.sessions) ? value.sessions.filter((s): s is SessionEntry => typeof s?.id === 'string') : [];
  const current = value?.current && typeof value.current.id === 'string' ? value.current : null;
  return { current, sessions };
}

/** Records the agent's session (from its SessionStart hook); a resumed session is not listed twice. */
export function recordSession(coordDir: string, name: string, id: string, transcript: string | null, now = new Date()): void {
  const record = readSessionsRaw(coordDir, name);
  const known = record.sessions.find((s) => s.id === id);
  const entry: SessionEntry = known ? { ...known, transcript: transcript ?? known.transcript } : { id, transcript, started_at: now.toISOString() };
  if (known && record.current?.id === id && known.transcript === entry.transcript) return;
  writeWhole(sessionFile(coordDir, name), { current: entry, sessions: [...record.sessions.filter((s) => s.id !== id), entry] } satisfies SessionRecord);
}
