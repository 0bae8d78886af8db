// Claude Code's Stop hook: the agent is about to end its turn. When there is work for it (a task it
// still holds, a ready task, an unread message), it is sent on with the documented answer
// {"decision": "block", "reason": "..."}: Claude Code shows the reason to the model as the hook's
// feedback and continues the turn. Otherwise the agent is idle, and the waker (wake/nudge.ts)
// types into its pane when work appears later.
// Claude Code itself ends a turn after several blocks in a row; we stop earlier: the same work
// (same signature) blocks at most twice in a row, so an agent that cannot take a task is not
// driven in circles. The guard lives in the instance's kit folder (stop-guard.json).
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { HookRun } from './run.js';
import { recordState } from '../../state/index.js';
import { describeWork, hasWork, pendingWork, workSignature } from '../../work/index.js';

export interface StopDecision {
  decision: 'block';
  reason: string;
}

const MAX_BLOCKS_FOR_SAME_WORK = 2;

interface Guard {
  signature: string;
  count: number;
}

async function readGuard(file: string): Promise<Guard | null> {
  try {
    const value = JSON.parse(await fs.readFile(file, 'utf8')) as Partial<Guard>;
    return typeof value.signature === 'string' && typeof value.count === 'number' ? { signature: value.signature, count: value.count } : null;
  } catch {
    return null;
  }
}

export async function stopHook(run: HookRun): Promise<StopDecision | null> {
  const { ctx } = run;
  const work = await pendingWork(ctx.coordDir, ctx.name);
  const guardFile = path.join(ctx.kitDir, 'stop-guard.json');
  if (!hasWork(work)) {
    await fs.rm(guardFile, { force: true });
    recordState(ctx.coordDir, ctx.name, { state: 'idle', source: 'Stop' });
    return null;
  }
  const signature = workSignature(work);
  const previous = await readGuard(guardFile);
  const count = previous?.signature === signature && run.input.stop_hook_active === true ? previous.count + 1 : 1;
  if (count > MAX_BLOCKS_FOR_SAME_WORK) {
    recordState(ctx.coordDir, ctx.name, { state: 'idle', source: 'Stop', detail: `work is waiting (${describeWork(work)}) but the agent ended its turn twice without taking it` });
    return null;
  }
  await fs.writeFile(guardFile, JSON.stringify({ signature, count }));
  const coordinate = path.join(ctx.kitDir, 'coordinate.sh');
  const steps = [work.held.length || work.ready.length ? `run \`${coordinate} request-task\` and do the task it gives you` : null, work.unread ? `read your messages with \`${coordinate} inbox\`` : null].filter(Boolean);
  recordState(ctx.coordDir, ctx.name, { state: 'working', source: 'Stop', detail: describeWork(work) });
  return { decision: 'block', reason: `wt-coord: ${describeWork(work)}. Do not stop yet: ${steps.join(', then ')}; then carry on with the task loop.` };
}
