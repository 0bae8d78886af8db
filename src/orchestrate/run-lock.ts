// One `wt-coord run` per repository at a time: two would fight over the instances and the queue.
// run.lock in the coordination folder names the run that owns them (pid, host, start, goal). A
// second run refuses naming it; a lock whose process is gone is taken over. The decision is made
// under the store's lock primitive, so two runs starting at once cannot both win.
import { promises as fs } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { WtError } from '../lib/errors.js';
import { writeFileAtomic } from '../lib/atomic.js';
import { holderMayBeAlive, withLock } from '../lib/lock.js';

export const RUN_LOCK = 'run.lock';

const runLockSchema = z.object({ pid: z.number().int(), host: z.string().default(''), started_at: z.string(), goal: z.string().default('') });
export type RunLock = z.infer<typeof runLockSchema>;

async function readRunLock(file: string): Promise<RunLock | null> {
  const text = await fs.readFile(file, 'utf8').catch(() => null);
  if (text === null) return null;
  try {
    return runLockSchema.parse(JSON.parse(text));
  } catch {
    return null; // torn or edited: no live run can be named from it
  }
}

function isLive(lock: RunLock): boolean {
  return lock.pid !== process.pid && holderMayBeAlive({ host: lock.host || undefined, pid: lock.pid });
}

/** Takes the repository's run lock or refuses naming the run that holds it; returns the release. */
export async function acquireRunLock(coordDir: string, goal: string): Promise<() => Promise<void>> {
  const file = path.join(coordDir, RUN_LOCK);
  const mine: RunLock = { pid: process.pid, host: hostname(), started_at: new Date().toISOString(), goal: goal.slice(0, 200) };
  await fs.mkdir(coordDir, { recursive: true });
  await withLock(`${file}.guard`, async () => {
    const held = await readRunLock(file);
    if (held && isLive(held)) {
      throw new WtError(
        `another wt-coord run is running on this repository (pid ${held.pid}, started at ${held.started_at}${held.goal ? `: "${held.goal}"` : ''})`,
        `wait for it to finish, or stop it (Ctrl-C in its terminal, or kill ${held.pid}); wt-coord status shows its instances`,
      );
    }
    await writeFileAtomic(file, `${JSON.stringify(mine)}\n`);
  });
  return async () => {
    await withLock(`${file}.guard`, async () => {
      const held = await readRunLock(file);
      if (held?.pid === mine.pid && held.started_at === mine.started_at) await fs.rm(file, { force: true });
    }).catch(() => undefined);
  };
}
