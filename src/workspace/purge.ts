// What `teardown --all --purge` deletes and what it keeps. Purge removes what wt-coord made and can
// make again: the coordination folder and a memory bank still as `init` wrote it. What people or
// agents made stays unless a flag names it: a memory bank that differs from its templates (edited
// by hand, or grown by merge-memory) goes only with --purge-memory, the checkpoints only with
// --purge-checkpoints. A memory bank tracked by git is the repository's and is never deleted.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { gitMaybe } from '../lib/git.js';
import { TEMPLATES_DIR } from '../lib/package-paths.js';
import { CHECKPOINTS_DIR } from '../coord/documents.js';
import { MEMORY_BANK_FILES } from './init.js';
import type { RepoContext } from './repo.js';

export interface PurgeOptions {
  memory: boolean;
  checkpoints: boolean;
}

export interface KeptByPurge {
  path: string;
  reason: string;
}

export interface PurgePlan {
  delete: string[];
  keep: KeptByPurge[];
}

const readText = (file: string) => fs.readFile(file, 'utf8').catch(() => null);

/** The memory bank's files that are not as init wrote them: changed templates and any file added. */
async function editedMemoryFiles(bank: string): Promise<string[]> {
  const entries = await fs.readdir(bank).catch(() => [] as string[]);
  const edited: string[] = [];
  for (const name of entries.sort()) {
    const template = (MEMORY_BANK_FILES as readonly string[]).includes(name) ? await readText(path.join(TEMPLATES_DIR, 'memory-bank', name)) : null;
    if (template === null || (await readText(path.join(bank, name))) !== template) edited.push(name);
  }
  return edited;
}

async function exists(file: string): Promise<boolean> {
  return fs.lstat(file).then(() => true, () => false);
}

async function planMemoryBank(repo: RepoContext, options: PurgeOptions, plan: PurgePlan): Promise<void> {
  const bank = repo.memoryBankDir;
  if (!(await exists(bank))) return;
  const tracked = ((await gitMaybe(repo.mainWorktree, ['ls-files', '--', bank])) ?? '').trim();
  if (tracked) return void plan.keep.push({ path: bank, reason: 'tracked by git: it is the repository\'s, never deleted' });
  const edited = await editedMemoryFiles(bank);
  if (edited.length === 0 || options.memory) return void plan.delete.push(bank);
  plan.keep.push({ path: bank, reason: `${edited.length} file(s) differ from the templates (${edited.join(', ')}): --purge-memory deletes it` });
}

async function planCoordination(repo: RepoContext, options: PurgeOptions, plan: PurgePlan): Promise<void> {
  const dir = repo.coordDir;
  if (!(await exists(dir))) return;
  plan.delete.push(dir);
  const checkpoints = await fs.readdir(path.join(dir, CHECKPOINTS_DIR)).then((names) => names.filter((n) => !n.startsWith('.')), () => [] as string[]);
  if (checkpoints.length === 0 || options.checkpoints) return;
  plan.keep.push({ path: path.join(dir, CHECKPOINTS_DIR), reason: `${checkpoints.length} checkpoint(s) (${checkpoints.sort().join(', ')}): --purge-checkpoints deletes them` });
}

export async function planPurge(repo: RepoContext, options: PurgeOptions): Promise<PurgePlan> {
  const plan: PurgePlan = { delete: [], keep: [] };
  await planMemoryBank(repo, options, plan);
  await planCoordination(repo, options, plan);
  return plan;
}

/** How a deleted path is shown: a folder that holds something kept is emptied around it. */
export function describeDeleted(plan: PurgePlan, target: string): string {
  const inside = plan.keep.filter((k) => k.path.startsWith(`${target}${path.sep}`)).map((k) => `${path.relative(target, k.path)}/`);
  return inside.length > 0 ? `${target} (all but ${inside.join(', ')})` : target;
}

/** Deletes `plan`, keeping what it keeps: a folder holding a kept path loses everything else. */
export async function executePurge(plan: PurgePlan): Promise<void> {
  const kept = plan.keep.map((k) => k.path);
  const remove = async (target: string): Promise<void> => {
    if (!kept.some((k) => k.startsWith(`${target}${path.sep}`))) return fs.rm(target, { recursive: true, force: true });
    for (const name of await fs.readdir(target).catch(() => [] as string[])) {
      const child = path.join(target, name);
      if (!kept.includes(child)) await remove(child);
    }
  };
  for (const target of plan.delete) await remove(target);
}
