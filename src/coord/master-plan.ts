// master-plan.md: the overall goal the leader writes (the seed's `leader init "goal"`). Text a
// person adds to it is kept: an existing plan is replaced only when asked.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { UsageError, WtError } from '../errors.js';
import { writeFileAtomic } from '../store/atomic.js';
import { transact } from '../store/store.js';

export const MASTER_PLAN = 'master-plan.md';

export async function writeMasterPlan(coordDir: string, goal: string, force: boolean): Promise<string> {
  const text = goal.trim();
  if (!text) throw new UsageError('the goal is empty', 'wt-coord plan "Build a REST API"');
  if (text.length > 10_000) throw new UsageError(`the goal is ${text.length} characters, over the limit of 10000`, 'state the goal briefly; details go into tasks');
  const file = path.join(coordDir, MASTER_PLAN);
  await transact(coordDir, async (tx) => {
    const exists = await fs.stat(file).then(() => true, () => false);
    if (exists && !force) throw new WtError(`${file} already exists`, 'edit it by hand, or pass --force to replace it');
    await writeFileAtomic(file, `# Master plan\n\n## Goal\n\n${text}\n\n## Approach\n\n(The leader fills this in: the parts of the work and the order they go in.)\n\n## Tasks\n\nThe queue is in tasks.json: \`wt-coord task list\`; free tasks and holders in task-assignments.json.\n`);
    tx.event({ type: 'plan.written', instance: 'leader', data: { goal: text.slice(0, 200) } });
  });
  return file;
}
