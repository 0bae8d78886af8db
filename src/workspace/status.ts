// `wt-coord status`: collect, then print. The sections below the instance table (queue summary,
// path-claim conflicts) are listed here, each collected and printed by its own module.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { holderMayBeAlive } from '../lib/lock.js';
import { countCommits, dirtyFiles } from '../lib/git.js';
import { instancesDoc, qualifiedName, type Instance } from '../coord/instances/index.js';
import { storeSelection } from '../coord/store-choice.js';
import { readDoc } from '../coord/transact.js';
import type { RepoContext } from './repo.js';
import { claimsSection } from './claim-status.js';
import { tasksSection } from './task-status.js';
import { readPullRequests } from '../coord/integration/index.js';
import { forecastInstances, markerFor, type ConflictForecast, type InstanceMarker } from './conflict-forecast.js';

export interface InstanceStatus {
  id: number;
  name: string;
  worktree: string;
  branch: string;
  status: Instance['status'];
  folder_exists: boolean;
  /** Registered as being created, but no spawn is running: its spawn was killed. */
  spawn_interrupted: boolean;
  commits_ahead: number;
  dirty_files: number;
  progress: number;
  progress_message: string | null;
  assigned_tasks: string[];
  last_seen: string | null;
  agent: string | null;
  /** Its machine, in a store shared by several machines (null: the file store). */
  machine: string | null;
  /** On another machine: its folder and branch are not looked at from here. */
  elsewhere: boolean;
  /** Whether its branch merges cleanly into the target and with every other instance (git merge-tree). */
  merge: InstanceMarker;
  /** The pull request opened for its branch by `wt-coord pr`. */
  pull_request: string | null;
}

export interface StatusSection {
  name: string;
  collect: (repo: RepoContext, instances: InstanceStatus[]) => Promise<unknown>;
  print: (data: unknown) => string[];
}

const sections: readonly StatusSection[] = [tasksSection, claimsSection];

export interface StatusReport {
  repository: string;
  coordination_dir: string;
  memory_bank: string;
  instances: InstanceStatus[];
  /** The whole conflict forecast (null: it could not run, e.g. a repository without commits). */
  conflicts: ConflictForecast | null;
  sections: Record<string, unknown>;
}

async function collectInstance(instance: Instance, spawnRunning: boolean, here: string | null): Promise<Omit<InstanceStatus, 'merge' | 'pull_request'>> {
  const elsewhere = Boolean(here && instance.machine && instance.machine !== here);
  if (elsewhere) {
    const { progress, progress_message, assigned_tasks, last_seen, agent, machine } = instance;
    return { id: instance.id, name: instance.name, worktree: instance.worktree, branch: instance.branch, status: instance.status, folder_exists: true, spawn_interrupted: false, commits_ahead: 0, dirty_files: 0, progress, progress_message, assigned_tasks, last_seen, agent, machine, elsewhere };
  }
  const exists = await fs.stat(instance.worktree).then((s) => s.isDirectory(), () => false);
  return {
    id: instance.id,
    name: instance.name,
    worktree: instance.worktree,
    branch: instance.branch,
    status: instance.status,
    folder_exists: exists,
    spawn_interrupted: instance.status === 'creating' && !spawnRunning,
    commits_ahead: await countCommits(instance.main_repo, `${instance.base_commit}..${instance.branch}`),
    dirty_files: exists ? (await dirtyFiles(instance.worktree).catch(() => [])).length : 0,
    progress: instance.progress,
    progress_message: instance.progress_message,
    assigned_tasks: instance.assigned_tasks,
    last_seen: instance.last_seen,
    agent: instance.agent,
    machine: instance.machine,
    elsewhere,
  };
}

/** Whether a live process holds the spawn lock (a killed spawn leaves its lock file behind). */
async function isSpawnRunning(coordDir: string): Promise<boolean> {
  const text = await fs.readFile(path.join(coordDir, 'spawn.lock'), 'utf8').catch(() => null);
  if (text === null) return false;
  try {
    const holder = JSON.parse(text) as { pid?: number; host?: string };
    return holderMayBeAlive(holder);
  } catch {
    return true; // being written right now
  }
}

export async function collectStatus(repo: RepoContext): Promise<StatusReport> {
  const { instances } = await readDoc(repo.coordDir, instancesDoc);
  const spawnRunning = await isSpawnRunning(repo.coordDir);
  const here = storeSelection(repo.coordDir)?.machine ?? null;
  const [basics, forecast, pullRequests] = await Promise.all([
    Promise.all(instances.map((i) => collectInstance(i, spawnRunning, here))),
    forecastInstances(repo).catch(() => null),
    readPullRequests(repo.coordDir).catch(() => ({}) as Record<string, { url: string }>),
  ]);
  const unknown: InstanceMarker = { state: 'unknown', with: [], details: [] };
  const collected = basics.map((i) => ({ ...i, merge: forecast && !i.elsewhere ? markerFor(forecast, i.name) : unknown, pull_request: pullRequests[i.name]?.url ?? null }));
  const extra: Record<string, unknown> = {};
  for (const section of sections) extra[section.name] = await section.collect(repo, collected);
  return { repository: repo.mainWorktree, coordination_dir: repo.coordDir, memory_bank: repo.memoryBankDir, instances: collected, conflicts: forecast, sections: extra };
}

function mergeCell(i: InstanceStatus): string {
  if (i.merge.state === 'unknown') return '';
  return i.merge.state === 'clean' ? 'merges clean' : `CONFLICTS with ${i.merge.with.join(', ')}`;
}

export function printStatus(report: StatusReport, options: { verbose?: boolean } = {}): string {
  const lines = [`repository: ${report.repository}`, `coordination: ${report.coordination_dir}`];
  if (report.instances.length === 0) lines.push('no instances (wt-coord spawn <n> makes some)');
  const rows = report.instances.map((i) => {
    const state = i.elsewhere ? `on machine ${i.machine}` : !i.folder_exists ? 'FOLDER MISSING (deleted by hand? `wt-coord teardown ' + i.id + '` cleans up)' : i.spawn_interrupted ? 'SPAWN INTERRUPTED (`wt-coord teardown ' + i.id + ' --force` cleans up)' : i.status === 'creating' ? 'being created' : `${i.commits_ahead} ahead, ${i.dirty_files} dirty`;
    const progress = `${Math.round(i.progress * 100)}%${i.progress_message ? ` "${i.progress_message}"` : ''}`;
    return [qualifiedName(i), i.branch, state, mergeCell(i), i.assigned_tasks.length ? `task ${i.assigned_tasks.join(',')}` : 'no task', progress, i.worktree];
  });
  // Aligned columns: the eye runs down one column to compare instances.
  const widths = rows.reduce((w, row) => row.map((cell, k) => Math.max(w[k] ?? 0, cell.length)), [] as number[]);
  report.instances.forEach((instance, k) => {
    const row = rows[k]!;
    lines.push(row.map((cell, c) => (c === row.length - 1 ? cell : cell.padEnd(widths[c]!))).join('  '));
    if (instance.pull_request) lines.push(`    pull request: ${instance.pull_request}`);
    if (options.verbose) for (const d of instance.merge.details) lines.push(`    conflicts with ${d.with} in ${d.files.join(', ') || '(no single file)'}${d.kinds.length ? ` (${d.kinds.join(', ')})` : ''}`);
  });
  for (const section of sections) {
    const out = section.print(report.sections[section.name]);
    if (out.length) lines.push('', ...out);
  }
  return lines.join('\n');
}
