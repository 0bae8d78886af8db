// Derived views, rewritten under the store lock whenever the documents they derive from change.
// info.json lives in each worktree's .claude-instance/ so an agent can `cat` its own state.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { toJsonText } from '../../lib/json-file.js';
import type { Transaction } from '../../store/store.js';
import { instancesDoc, type Instance } from '../instances/instances.js';

export const INSTANCE_KIT_DIR = '.claude-instance';

export function infoJsonPath(instance: Pick<Instance, 'worktree'>): string {
  return path.join(instance.worktree, INSTANCE_KIT_DIR, 'info.json');
}

export function infoJsonOf(instance: Instance) {
  return {
    id: instance.id,
    name: instance.name,
    branch: instance.branch,
    worktree_path: instance.worktree,
    main_repo_path: instance.main_repo,
    memory_bank_path: instance.memory_bank,
    coordination_path: instance.coordination,
    created_at: instance.created_at,
    agent: instance.agent,
    assigned_tasks: instance.assigned_tasks,
    progress: instance.progress,
    progress_message: instance.progress_message,
    status: instance.status,
    last_seen: instance.last_seen,
    ...(instance.machine ? { machine: instance.machine } : {}),
  };
}

/** Each instance's info.json text as last committed, from what this transaction read. */
function committedViews(tx: Transaction): Map<number, string> | null {
  const doc = tx.committed(instancesDoc);
  return doc && new Map(doc.instances.map((i) => [i.id, toJsonText(infoJsonOf(i))]));
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/** The file's text; null when it does not exist, '' when it cannot be read (rewritten then). Synchronous, as the store's file calls (lib/atomic.ts). */
function readIfExists(file: string): string | null {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ENOENT' ? null : '';
  }
}

/** Rewrites each instance's info.json whose registry entry changed (called by renderViews). */
export async function writeInfoJsonViews(tx: Transaction): Promise<void> {
  if (!tx.isDirty(instancesDoc)) return;
  const { instances } = await tx.get(instancesDoc);
  const before = committedViews(tx);
  for (const instance of instances) {
    // A worktree deleted by hand has no kit folder to write into: skip, `status` reports it.
    const file = infoJsonPath(instance);
    const text = toJsonText(infoJsonOf(instance));
    const current = readIfExists(file);
    const kitExists = current !== null || existsSync(path.dirname(file));
    if (!kitExists || current === text) continue; // each rewrite costs a write: only views that changed
    // An agent may edit its own info.json (e.g. its progress) and then run a bare `report-progress`
    // to publish it: another instance's call must not overwrite that edit in between. So a readable
    // info.json is rewritten only when its own registry entry changed in this transaction.
    const entryChanged = before?.get(instance.id) !== text;
    if (entryChanged || current === null || !isJson(current)) tx.writeView(file, text);
  }
}
