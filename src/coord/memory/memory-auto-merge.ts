// memory_auto_merge: after `coordinate.sh update-memory` queues a discovery, it starts a background
// `wt-coord merge-memory --auto` unless one is already about to run. The handshake, so no
// discovery is left behind and a burst of 300 calls starts only one or two mergers:
//   instance: rename record into new/  ->  create memory-merge.pending (O_EXCL)
//             created -> start a merger;  exists -> a merger has not read the queue yet, it will.
//   merger:   take the merge lock  ->  remove memory-merge.pending  ->  read the queue.
// A merger that died before removing the marker leaves it behind: older than a minute, it is stale.
// Inside an agent's sandbox (Codex: the memory bank is on a read-only mount) a merger could not
// write the bank: nothing is started and no marker made; the leader merges (run's supervisor,
// start, merge-memory), which is why 'leader' is its own answer.
import { openSync, promises as fs } from 'node:fs';
import path from 'node:path';
import { childProcess } from '../../lib/child-process.js';
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
 * Whether a merger started from here could make the bank writable: it chmods the bank (0555 by
 * design, so access(W_OK) says nothing). A chmod to the mode it has changes nothing and fails where
 * the merger's would: EROFS on the read-only mount of a sandbox, EPERM for a user who does not own it.
 */
async function cannotUnlockBank(dir: string): Promise<boolean> {
  try {
    const { mode } = await fs.stat(dir);
    await fs.chmod(dir, mode & 0o7777);
    return false;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code === 'EROFS' || code === 'EPERM' || code === 'EACCES';
  }
}

/**
 * Starts a detached merger (`node <cli.js> merge-memory --auto` in the main checkout) unless one is
 * pending. Returns 'started', 'pending' (one will pick the discovery up) or 'unavailable'.
 */
export async function triggerAutoMerge(coordDir: string, mainRepo: string, cliPath: string, memoryBankDir?: string): Promise<'started' | 'pending' | 'unavailable' | 'leader'> {
  if (!(await fs.stat(cliPath).then(() => true, () => false))) return 'unavailable';
  if (memoryBankDir && (await cannotUnlockBank(memoryBankDir))) return 'leader';
  const pending = path.join(coordDir, MERGE_PENDING);
  if (!(await claimPending(pending))) return 'pending';
  await fs.mkdir(path.join(coordDir, 'logs'), { recursive: true });
  const log = openSync(path.join(coordDir, 'logs', 'memory-merge.log'), 'a');
  const { spawn } = childProcess();
  const child = spawn(process.execPath, [cliPath, 'merge-memory', '--auto'], { cwd: mainRepo, detached: true, stdio: ['ignore', log, log] });
  child.on('error', () => undefined);
  child.unref();
  return 'started';
}
