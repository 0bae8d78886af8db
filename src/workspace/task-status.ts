// Plugs the task queue into the workspace commands: the queue summary in `wt-coord status`, and
// teardown giving the tasks of removed instances back to the queue. Leader side only.
import { queueSettingsOf, releaseTasksOf, summarize, type QueueSummary } from '../coord/queue/index.js';
import { tasksDoc } from '../coord/queue/index.js';
import { instanceName } from '../coord/instances/index.js';
import { readDoc } from '../coord/transact.js';
import type { RepoContext } from './repo.js';
import type { StatusSection } from './status.js';

interface TaskStatus {
  summary: QueueSummary;
  holders: { task: string; instance: string | null; description: string; claimed_at: string | null }[];
}

export const tasksSection: StatusSection = {
  name: 'tasks',
  collect: async (repo): Promise<TaskStatus> => {
    const { tasks } = await readDoc(repo.coordDir, tasksDoc);
    return {
      summary: summarize(tasks),
      holders: tasks.filter((t) => t.status === 'claimed').map((t) => ({ task: t.id, instance: t.claimed_by, description: t.description, claimed_at: t.claimed_at })),
    };
  },
  print: (data) => {
    const { summary: s, holders } = data as TaskStatus;
    if (s.total === 0) return ['tasks: none (wt-coord task add "..." or wt-coord task import tasks.json)'];
    return [
      `tasks: ${s.total} total: ${s.available} available (${s.ready} ready, ${s.waiting} waiting on dependencies), ${s.claimed} claimed, ${s.done} done, ${s.failed} failed, ${s.cancelled} cancelled`,
      ...holders.map((h) => `  ${h.task} -> ${h.instance}: ${h.description.length > 60 ? `${h.description.slice(0, 60)}…` : h.description}`),
    ];
  },
};

/** Teardown gives the tasks of removed instances back to the queue. */
export async function releaseTasksOfRemoved(repo: RepoContext, ids: number[]): Promise<void> {
  await releaseTasksOf(repo.coordDir, ids.map(instanceName), queueSettingsOf(repo.config));
}
