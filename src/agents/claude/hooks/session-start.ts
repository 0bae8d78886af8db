// SessionStart: who this instance is, the run's goal and its role, the task it holds, its unread
// messages and what changed in the memory bank since its last session, as context for the model
// (hookSpecificOutput.additionalContext). It runs again after a restart (source "resume"), /clear
// and compaction, so the goal and the held task survive all of them.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { tasksDoc } from '../../../coord/queue/index.js';
import { readDoc } from '../../../coord/transact.js';
import { currentGoal } from '../../../coord/master-plan.js';
import { goalLine, roleLine } from '../../launch/index.js';
import { contextOutput, type HookOutput } from './hook-io.js';
import { takeInboxNews } from './inbox.js';
import { takeMemoryNews } from './memory-news.js';
import type { HookRun } from './run.js';

async function describeTask(run: HookRun, coordinate: string): Promise<string> {
  const { tasks } = await readDoc(run.ctx.coordDir, tasksDoc);
  const mine = tasks.filter((t) => t.status === 'claimed' && t.claimed_by === run.ctx.name);
  if (mine.length === 0) {
    return `Your task: none yet. Take one with \`${coordinate} request-task\`.`;
  }
  return mine
    .map((t) => {
      const files = t.context.files.length ? `\n  files: ${t.context.files.join(', ')}` : '';
      const hints = t.context.hints ? `\n  hints: ${t.context.hints}` : '';
      return `Your task: ${t.id} (priority ${t.priority}, claimed ${t.claimed_at ?? 'earlier'}): ${t.description}${files}${hints}\n  When done: \`${coordinate} complete "<summary>"\`.`;
    })
    .join('\n');
}

export async function sessionStart(run: HookRun): Promise<HookOutput | null> {
  const coordinate = path.join(run.ctx.kitDir, 'coordinate.sh');
  const sections = [
    `You are ${run.ctx.name} of a wt-coord team: several agents work on this repository at once, each in its own git worktree. This worktree (${run.ctx.worktree}) is yours alone; coordinate through ${coordinate} (see ${existsSync(path.join(run.ctx.worktree, 'CLAUDE.local.md')) ? 'CLAUDE.local.md' : 'AGENTS.md'}).`,
  ];
  // Each part stands alone: one failing (a corrupt file, say) still lets the others through.
  const parts: [string, () => Promise<string | null>][] = [
    ['goal', async () => [goalLine(await currentGoal(run.ctx.coordDir)), roleLine(process.env.WT_COORD_ROLE ?? 'worker')].filter(Boolean).join('\n')],
    ['task', () => describeTask(run, coordinate)],
    ['inbox', async () => (await takeInboxNews(run.ctx, 'session')) ?? 'Inbox: no unread messages.'],
    ['memory bank', () => takeMemoryNews(run.ctx)],
  ];
  for (const [name, part] of parts) {
    try {
      const text = await part();
      if (text) sections.push(text);
    } catch (error) {
      process.stderr.write(`wt-coord hook: could not read the ${name}: ${(error as Error).message}\n`);
      sections.push(`(${name}: unavailable, ${(error as Error).message.split('\n')[0]})`);
    }
  }
  return contextOutput('SessionStart', sections.join('\n\n'));
}
