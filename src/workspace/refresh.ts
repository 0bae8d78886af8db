// `wt-coord refresh`: re-renders what spawn put into existing instances (coordinate.sh with the
// current paths to node and wt-coord, info.json, the commit hook, the agent's guidance, hooks and
// MCP registration), e.g. after upgrading or moving wt-coord. Every step is one spawn already runs,
// and each keeps what a person added (settings.local.json keys, text outside the guidance markers).
import { promises as fs } from 'node:fs';
import { instanceName, instancesDoc, type Instance } from '../coord/instances/index.js';
import { WtError } from '../lib/errors.js';
import { transact } from '../coord/transact.js';
import { installCommitGuard } from './commit-guard.js';
import { writeInstanceKit } from './kit.js';
import type { InstallAgent } from './agent-setup.js';
import type { RepoContext } from './repo.js';

export interface RefreshResult {
  refreshed: string[];
  /** Instances whose folder is gone: nothing to write into (`teardown` cleans them up). */
  missing: string[];
  notes: string[];
}

export async function refreshInstances(repo: RepoContext, ids: number[], installAgent: InstallAgent): Promise<RefreshResult> {
  const result: RefreshResult = { refreshed: [], missing: [], notes: [] };
  // Under the store lock: info.json is a view of the registry and must not race a verb's update.
  const chosen = await transact(repo.coordDir, async (tx) => {
    const { instances } = await tx.get(instancesDoc);
    const unknown = ids.filter((id) => !instances.some((i) => i.id === id));
    if (unknown.length) {
      throw new WtError(`no such instance: ${unknown.map(instanceName).join(', ')}`, `registered: ${instances.map((i) => i.name).join(', ') || 'none'}; see wt-coord status`);
    }
    const targets: Instance[] = ids.length ? instances.filter((i) => ids.includes(i.id)) : instances;
    const present: Instance[] = [];
    for (const instance of targets) {
      if (!(await fs.stat(instance.worktree).then((s) => s.isDirectory(), () => false))) {
        result.missing.push(instance.name);
        continue;
      }
      await writeInstanceKit(instance);
      present.push(instance);
    }
    return present;
  });
  for (const instance of chosen) {
    await installCommitGuard(repo.coordDir, repo.mainWorktree, instance.worktree);
    result.notes.push(...(await installAgent(repo, instance)).notes);
    result.refreshed.push(instance.name);
  }
  return result;
}
