// Derived views, rewritten under the store lock whenever the documents they derive from change.
// info.json lives in each worktree's .claude-instance/ so an agent can `cat` its own state.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { toJsonText } from '../store/json-file.js';
import { registerViewWriter } from '../store/store.js';
import { instancesDoc, type Instance } from './instances.js';

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
  };
}

registerViewWriter(async (tx) => {
  if (!tx.isDirty(instancesDoc)) return;
  const { instances } = await tx.get(instancesDoc);
  for (const instance of instances) {
    // A worktree deleted by hand has no kit folder to write into: skip, `status` reports it.
    const file = infoJsonPath(instance);
    const text = toJsonText(infoJsonOf(instance));
    const current = await fs.readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => (error.code === 'ENOENT' ? null : ''));
    const kitExists = current !== null || (await fs.stat(path.dirname(file)).then(() => true, () => false));
    // Only instances whose view changed are rewritten: each rewrite costs an fsync.
    if (kitExists && current !== text) tx.writeView(file, text);
  }
});
