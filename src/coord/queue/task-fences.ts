// The claims a commit of tasks.json starts and ends, as fencing tokens: a database store checks them
// itself (a token used twice, or a task with two live claims, aborts the commit). The file store's
// lock is its check, so it ignores them. Passed to the store by src/coord/transact.ts.
import type { FenceChange } from '../../store/remote.js';
import type { TasksFile } from './tasks.js';

export function fenceChanges(before: TasksFile | null, after: TasksFile): FenceChange[] {
  const old = new Map((before?.tasks ?? []).map((t) => [t.id, t]));
  const changes: FenceChange[] = [];
  for (const task of after.tasks) {
    const was = old.get(task.id);
    const wasLive = was?.status === 'claimed';
    const isLive = task.status === 'claimed';
    if (wasLive && (!isLive || was.token !== task.token)) changes.push({ kind: 'end', key: task.id, token: was.token, outcome: isLive ? 'reclaimed' : task.status });
    if (isLive && (!wasLive || was.token !== task.token)) changes.push({ kind: 'start', key: task.id, token: task.token, holder: task.claimed_by ?? '?' });
  }
  return changes;
}
