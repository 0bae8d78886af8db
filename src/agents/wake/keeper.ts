// The waker of a repository while its agents run outside `run` (which wakes them from its own
// supervisor loop): one detached `wt-coord wake --watch` per coordination folder, started by
// `start`, that nudges idle agents with work every second and exits once no agent runs. One at a
// time: it holds agents/waker.pid, and a second one started while the first lives exits at once.
// It is also the leader's side while `start`'s agents run: discoveries a sandboxed agent could only
// queue (coord/memory/memory-auto-merge.ts) are merged here as they arrive, and once more at exit.
import { spawn } from 'node:child_process';
import { openSync, closeSync, promises as fs, readFileSync } from 'node:fs';
import path from 'node:path';
import { isProcessAlive } from '../../lib/lock.js';
import type { RepoContext } from '../../workspace/repo.js';
import { AGENTS_RUNTIME_DIR } from '../../coord/instances/index.js';
import { listAgentStatuses } from '../launcher.js';
import { wakeIdleAgents } from './nudge.js';
import { mergeQueuedMemory } from '../../workspace/memory-merge-run.js';

const pidFile = (coordDir: string) => path.join(coordDir, AGENTS_RUNTIME_DIR, 'waker.pid');

function livePid(coordDir: string): number | null {
  try {
    const pid = Number(readFileSync(pidFile(coordDir), 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 && isProcessAlive(pid) ? pid : null;
  } catch {
    return null;
  }
}

/** Starts the detached waker unless one runs; its output goes to logs/waker.log. */
export async function ensureWaker(repo: RepoContext, cliPath: string): Promise<number | null> {
  if (livePid(repo.coordDir)) return null;
  const log = path.join(repo.coordDir, 'logs', 'waker.log');
  await fs.mkdir(path.dirname(log), { recursive: true });
  const fd = openSync(log, 'a');
  try {
    const child = spawn(process.execPath, [cliPath, 'wake', '--watch'], { cwd: repo.mainWorktree, detached: true, stdio: ['ignore', fd, fd], env: process.env });
    child.unref();
    return child.pid ?? null;
  } finally {
    closeSync(fd);
  }
}

async function mergeQueued(repo: RepoContext, onLine: (line: string) => void): Promise<void> {
  const report = await mergeQueuedMemory(repo).catch((error: Error) => onLine(`merging the memory queue failed: ${error.message}`));
  if (report && report.merged + report.duplicates > 0) onLine(`${new Date().toISOString()} merged ${report.merged} discoveries (${report.duplicates} duplicates) into the memory bank`);
}

/** The loop of `wake --watch`: returns when no agent runs (or another waker holds the pid file). */
export async function runWaker(repo: RepoContext, onLine: (line: string) => void, everyMs = 1_000): Promise<void> {
  const other = livePid(repo.coordDir);
  if (other && other !== process.pid) return onLine(`another waker runs (pid ${other})`);
  await fs.mkdir(path.dirname(pidFile(repo.coordDir)), { recursive: true });
  await fs.writeFile(pidFile(repo.coordDir), `${process.pid}\n`);
  try {
    for (;;) {
      const running = (await listAgentStatuses(repo).catch(() => [])).filter((s) => s.state === 'running');
      if (running.length === 0) return onLine('no agent runs: the waker stops');
      for (const nudge of await wakeIdleAgents(repo).catch(() => [])) onLine(`${new Date().toISOString()} nudged ${nudge.name}: ${nudge.text}`);
      await mergeQueued(repo, onLine);
      await new Promise((resolve) => setTimeout(resolve, everyMs));
    }
  } finally {
    await mergeQueued(repo, onLine);
    if (livePid(repo.coordDir) === process.pid) await fs.rm(pidFile(repo.coordDir), { force: true });
  }
}
