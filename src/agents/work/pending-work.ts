// Is there something for an agent to do right now? A task it holds and has not finished, a task
// that is ready (available, every dependency done), or a message it has not read. Asked when its
// turn ends (the Stop hook) and before typing a nudge into an idle agent's pane. Low-priority
// messages (wt-coord's own notices, such as wait alerts) never wake anyone.
import { readInboxReport } from '../../coord/messages/index.js';
import { isReady, listTasks } from '../../coord/queue/index.js';

export interface PendingWork {
  held: string[];
  ready: string[];
  unread: number;
}

export async function pendingWork(coordDir: string, name: string): Promise<PendingWork> {
  const [tasks, unread] = await Promise.all([listTasks(coordDir), readInboxReport(coordDir, name, { peek: true }).then((r) => r.messages).catch(() => [])]);
  const byId = new Map(tasks.map((t) => [t.id, t]));
  return {
    held: tasks.filter((t) => t.status === 'claimed' && t.claimed_by === name).map((t) => t.id),
    ready: tasks.filter((t) => isReady(t, byId)).map((t) => t.id),
    unread: unread.filter((m) => m.priority !== 'low').length,
  };
}

export function hasWork(work: PendingWork): boolean {
  return work.held.length > 0 || work.ready.length > 0 || work.unread > 0;
}

/** What to tell the agent, in a few words ("task-004 is ready"). */
export function describeWork(work: PendingWork): string {
  const parts: string[] = [];
  if (work.held.length) parts.push(`you still hold ${work.held.join(', ')} and have not completed it`);
  else if (work.ready.length) parts.push(`${work.ready.slice(0, 3).join(', ')}${work.ready.length > 3 ? ` and ${work.ready.length - 3} more` : ''} ${work.ready.length === 1 ? 'is' : 'are'} ready`);
  if (work.unread) parts.push(`${work.unread} unread message${work.unread === 1 ? '' : 's'} for you`);
  return parts.join('; ');
}

/** The same work gives the same signature: a Stop hook does not block twice for one thing. */
export function workSignature(work: PendingWork): string {
  return `${work.held.join(',')}|${work.ready.join(',')}|${work.unread}`;
}
