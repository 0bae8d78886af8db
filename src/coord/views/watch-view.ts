// What `wt-coord watch` shows (seed 004's panel): instances with task and progress, path claims,
// recent messages. collectWatchSnapshot reads, renderWatchScreen and describeChanges are pure.
import { readDoc } from '../../store/store.js';
import { listClaims, type ClaimOptions, type ListedClaim } from '../claims/claims.js';
import { instancesDoc } from '../instances/instances.js';
import { clockTime, formatMessageLine, terminalText } from '../messages/message-format.js';
import { readMessageLog, type Message } from '../messages/messages.js';
import { tasksDoc } from '../queue/tasks.js';

export interface WatchInstance {
  name: string;
  tasks: string[];
  progress: number;
  progress_message: string | null;
  last_seen: string | null;
  /** Its agent's state as the agents layer describes it ("working", "waiting for permission (Bash: x): wt-coord attach instance-2"); filled in by the command. */
  agent?: string | null;
}

export interface WatchSnapshot {
  time: string;
  instances: WatchInstance[];
  tasks: { total: number; available: number; claimed: number; done: number; failed: number };
  claims: ListedClaim[];
  messages: Message[];
  /** Unreadable lines of the message log (reported, skipped). */
  unreadable: number;
}

export async function collectWatchSnapshot(coordDir: string, options: ClaimOptions & { messages?: number } = {}): Promise<WatchSnapshot> {
  const [{ instances }, { tasks }, claims, log] = await Promise.all([readDoc(coordDir, instancesDoc), readDoc(coordDir, tasksDoc), listClaims(coordDir, options), readMessageLog(coordDir)]);
  const count = (status: string) => tasks.filter((t) => t.status === status).length;
  return {
    time: new Date().toISOString(),
    instances: instances.map((i) => ({ name: i.name, tasks: i.assigned_tasks, progress: i.progress, progress_message: i.progress_message, last_seen: i.last_seen })),
    tasks: { total: tasks.length, available: count('available'), claimed: count('claimed'), done: count('done'), failed: count('failed') },
    claims,
    messages: log.messages.slice(-(options.messages ?? 50)),
    unreadable: log.skipped.length,
  };
}

function ago(iso: string | null, now: number): string {
  if (!iso) return 'never seen';
  const s = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  return s < 60 ? `seen ${s}s ago` : s < 3600 ? `seen ${Math.round(s / 60)}m ago` : `seen ${Math.round(s / 3600)}h ago`;
}

function instanceLine(i: WatchInstance, now: number): string {
  const task = i.tasks.length ? i.tasks.join(',') : 'no task';
  const bar = `${String(Math.round(i.progress * 100)).padStart(3)}%`;
  const agent = i.agent ? `  [agent: ${terminalText(i.agent, { oneLine: true })}]` : '';
  return `${i.name.padEnd(12)} ${task.padEnd(10)} ${bar} ${ago(i.last_seen, now).padEnd(14)} ${terminalText(i.progress_message ?? '', { oneLine: true })}${agent}`;
}

function claimLine(c: ListedClaim): string {
  return `${terminalText(c.pattern, { oneLine: true }).padEnd(24)} ${c.instance.padEnd(12)} ${c.task_id ?? ''}${c.reason ? ` "${terminalText(c.reason, { oneLine: true })}"` : ''}${c.expired ? ' (expired)' : ''}`;
}

/** The full-screen view, fitted to `rows` x `columns`. */
export function renderWatchScreen(snap: WatchSnapshot, title: string, rows: number, columns: number): string[] {
  const now = Date.parse(snap.time);
  const t = snap.tasks;
  const head = [
    `wt-coord watch  ${title}  ${clockTime(snap.time)}   (q to quit)`,
    `tasks: ${t.total} total, ${t.available} available, ${t.claimed} claimed, ${t.done} done, ${t.failed} failed`,
    '',
    `INSTANCES (${snap.instances.length})`,
    ...(snap.instances.length ? snap.instances.map((i) => `  ${instanceLine(i, now)}`) : ['  none (wt-coord spawn <n>)']),
    '',
    `PATH CLAIMS (${snap.claims.length})`,
    ...(snap.claims.length ? snap.claims.map((c) => `  ${claimLine(c)}`) : ['  none']),
    '',
    `MESSAGES${snap.unreadable ? ` (${snap.unreadable} unreadable line(s) skipped)` : ''}`,
  ];
  const room = Math.max(1, rows - head.length);
  const messages = snap.messages.length ? snap.messages.slice(-room).map((m) => `  ${formatMessageLine(m, undefined, { oneLine: true })}`) : ['  none yet'];
  return [...head, ...messages].slice(0, rows).map((line) => (line.length > columns ? `${line.slice(0, Math.max(0, columns - 1))}…` : line));
}

/** Plain lines for a pipe: everything on the first call, then only what changed since `before`. */
export function describeChanges(before: WatchSnapshot | null, after: WatchSnapshot): string[] {
  const now = Date.parse(after.time);
  if (!before) {
    return [
      ...after.instances.map((i) => `instance ${instanceLine(i, now)}`),
      ...after.claims.map((c) => `claim ${claimLine(c)}`),
      ...after.messages.map((m) => `message ${formatMessageLine(m, undefined, { oneLine: true })}`),
    ];
  }
  const lines: string[] = [];
  const prior = new Map(before.instances.map((i) => [i.name, i]));
  for (const i of after.instances) {
    const was = prior.get(i.name);
    if (!was || was.progress !== i.progress || was.progress_message !== i.progress_message || was.tasks.join() !== i.tasks.join() || (was.agent ?? null) !== (i.agent ?? null)) lines.push(`instance ${instanceLine(i, now)}`);
  }
  for (const name of prior.keys()) if (!after.instances.some((i) => i.name === name)) lines.push(`instance ${name} removed`);
  const key = (c: ListedClaim) => `${c.instance}\0${c.pattern}`;
  const oldClaims = new Set(before.claims.map(key));
  const newClaims = new Set(after.claims.map(key));
  for (const c of after.claims) if (!oldClaims.has(key(c))) lines.push(`claim ${claimLine(c)}`);
  for (const c of before.claims) if (!newClaims.has(key(c))) lines.push(`release ${c.pattern} ${c.instance}`);
  const lastSeq = before.messages.at(-1)?.seq ?? 0;
  for (const m of after.messages) if (m.seq > lastSeq) lines.push(`message ${formatMessageLine(m, undefined, { oneLine: true })}`);
  return lines;
}
