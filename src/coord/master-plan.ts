// master-plan.md: the overall goal (the seed's `leader init "goal"`), written by `wt-coord plan`,
// the MCP tool init_coordination and `wt-coord run`. Text a person adds to it is kept: an existing
// plan is replaced only when asked, and a run appends its goal.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { UsageError, WtError } from '../lib/errors.js';
import { writeFileAtomic } from '../lib/atomic.js';
import { transact } from './transact.js';

export const MASTER_PLAN = 'master-plan.md';
export const MAX_GOAL = 4_000;

/** The goal, trimmed, or a usage error naming what is wrong; `example` shows a good call. */
export function checkGoal(goal: string, example: string): string {
  const text = goal.trim();
  if (!text) throw new UsageError('the goal is empty', example);
  if (text.length > MAX_GOAL) throw new UsageError(`the goal is ${text.length} characters, over the limit of ${MAX_GOAL}`, 'state the goal briefly; put details in the memory bank (requirements.md)');
  return text;
}

function newPlan(goalHeading: string, goal: string): string {
  return `# Master plan\n\n${goalHeading}\n\n${goal}\n\n## Approach\n\n(The leader fills this in: the parts of the work and the order they go in.)\n\n## Tasks\n\nThe queue is in tasks.json: \`wt-coord task list\`; free tasks and holders in task-assignments.json.\n`;
}

export async function writeMasterPlan(coordDir: string, goal: string, force: boolean): Promise<string> {
  const text = checkGoal(goal, 'wt-coord plan "Build a REST API"');
  const file = path.join(coordDir, MASTER_PLAN);
  await transact(coordDir, async (tx) => {
    const exists = await fs.stat(file).then(() => true, () => false);
    if (exists && !force) throw new WtError(`${file} already exists`, 'edit it by hand, or pass --force to replace it');
    await writeFileAtomic(file, newPlan('## Goal', text));
    tx.event({ type: 'plan.written', instance: 'leader', data: { goal: text.slice(0, 200) } });
  });
  return file;
}

/** A run's goal: appended to the plan under its own heading, or a new plan when there is none. */
export async function appendGoal(coordDir: string, goal: string, label: string): Promise<string> {
  const text = checkGoal(goal, 'wt-coord run "what the agents should achieve" -w 3');
  const file = path.join(coordDir, MASTER_PLAN);
  const heading = `## Goal (${label})`;
  await transact(coordDir, async (tx) => {
    const previous = await fs.readFile(file, 'utf8').catch(() => null);
    await writeFileAtomic(file, previous ? `${previous.trimEnd()}\n\n${heading}\n\n${text}\n` : newPlan(heading, text));
    tx.event({ type: 'plan.goal_added', instance: 'leader', data: { goal: text.slice(0, 200) } });
  });
  return file;
}

/** The goal agents work toward now: the text under the plan's last "## Goal" heading, or null. */
export async function currentGoal(coordDir: string): Promise<string | null> {
  const text = await fs.readFile(path.join(coordDir, MASTER_PLAN), 'utf8').catch(() => null);
  if (!text) return null;
  const sections = text.split(/^## /m).filter((s) => /^Goal\b/.test(s));
  const last = sections.at(-1);
  if (!last) return null;
  const body = last.split('\n').slice(1).join('\n').trim();
  return body || null;
}
