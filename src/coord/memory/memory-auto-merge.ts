// memory_auto_merge: after `coordinate.sh update-memory` queues a discovery, it starts a background
// `wt-coord merge-memory --auto` unless one is already about to run. The handshake, so no
// discovery is left behind and a burst of 300 calls starts only one or two mergers:
//   instance: rename record into new/  ->  create memory-merge.pending (O_EXCL)
//             created -> start a merger;  exists -> a merger has not read the queue yet, it will.
//   merger:   take the merge lock  ->  remove memory-merge.pending  ->  read the queue.
// A merger that died before removing the marker leaves it behind: older than a minute, it is stale.
import { spawn } from 'node:child_process';
import { openSync, promises as fs } from 'node:fs';
import path from 'node:path';
import { MERGE_PENDING } from './memory-merge.js';

const STALE_PENDING_MS = 60_000;

async function claimPending(file: string): Promise<boolean> {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const handle = await fs.open(file, 'wx');
      await handle.writeFile(`${process.pid}\n`);
      await handle.close();
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const stat = await fs.stat(file).catch(() => null);
      if (stat && Date.now() - stat.mtimeMs < STALE_PENDING_MS) return false;
      await fs.rm(file, { force: true });
    }
  }
  return false;
}

/**
 * Starts a detached merger (`node <cli.js> merge-memory --auto` in the main checkout) unless one is
 * pending. Returns 'started', 'pending' (one will pick the discovery up) or 'unavailable'.
 */
export async function triggerAutoMerge(coordDir: string, mainRepo: string, cliPath: string): Promise<'started' | 'pending' | 'unavailable'> {
  if (!(await fs.stat(cliPath).then(() => true, () => false))) return 'unavailable';
  const pending = path.join(coordDir, MERGE_PENDING);
  if (!(await claimPending(pending))) return 'pending';
  await fs.mkdir(path.join(coordDir, 'logs'), { recursive: true });
  const log = openSync(path.join(coordDir, 'logs', 'memory-merge.log'), 'a');
  const child = spawn(process.execPath, [cliPath, 'merge-memory', '--auto'], { cwd: mainRepo, detached: true, stdio: ['ignore', log, log] });
  child.on('error', () => undefined);
  child.unref();
  return 'started';
}
