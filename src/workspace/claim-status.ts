// Path claims in the workspace commands: `wt-coord status` warns when an instance's
// committed or uncommitted changes touch another instance's claim (the conflict is seen before
// merge time), and teardown drops the claims of removed instances. Leader side only.
import { gitMaybe, nulSplit } from '../lib/git.js';
import { findClaimConflicts, listClaims, releaseClaimsInTx, type ListedClaim } from '../coord/claims/index.js';
import { instancesDoc } from '../coord/instances/index.js';
import { readDoc, transact } from '../coord/transact.js';
import type { RepoContext } from './repo.js';
import type { InstanceStatus, StatusSection } from './status.js';

export interface ClaimWarning {
  instance: string;
  path: string;
  where: 'committed' | 'uncommitted';
  holder: string;
  pattern: string;
}

export interface ClaimsStatus {
  claims: ListedClaim[];
  warnings: ClaimWarning[];
}

export function claimOptionsOf(repo: RepoContext) {
  return { leaseMs: repo.config.lease_minutes * 60_000 };
}


/** Files the branch changed since it forked (merge-base with its start), and files changed in the worktree. */
async function changedPaths(repo: RepoContext, instance: InstanceStatus, baseCommit: string): Promise<{ committed: string[]; uncommitted: string[] }> {
  const committed = nulSplit(await gitMaybe(repo.mainWorktree, ['diff', '--name-only', '--no-renames', '-z', `${baseCommit}...${instance.branch}`]));
  if (!instance.folder_exists) return { committed, uncommitted: [] };
  const status = nulSplit(await gitMaybe(instance.worktree, ['status', '--porcelain=v1', '-z', '--no-renames', '--untracked-files=all']));
  return { committed, uncommitted: status.map((entry) => entry.slice(3)) };
}

export async function collectClaimWarnings(repo: RepoContext, instances: InstanceStatus[]): Promise<ClaimsStatus> {
  const claims = await listClaims(repo.coordDir, claimOptionsOf(repo));
  const live = claims.filter((c) => !c.expired);
  if (live.length === 0) return { claims, warnings: [] };
  const registry = await readDoc(repo.coordDir, instancesDoc);
  const warnings: ClaimWarning[] = [];
  for (const instance of instances) {
    const base = registry.instances.find((i) => i.id === instance.id)?.base_commit;
    if (!base) continue;
    const { committed, uncommitted } = await changedPaths(repo, instance, base);
    for (const [where, paths] of [['uncommitted', uncommitted], ['committed', committed]] as const) {
      for (const conflict of findClaimConflicts(live, instance.name, paths)) {
        warnings.push({ instance: instance.name, path: conflict.path, where, holder: conflict.claim.instance, pattern: conflict.claim.pattern });
      }
    }
  }
  return { claims, warnings };
}

export function printClaimWarnings(data: ClaimsStatus): string[] {
  const live = data.claims.filter((c) => !c.expired);
  if (live.length === 0 && data.warnings.length === 0) return [];
  const lines = [`path claims: ${live.map((c) => `${c.pattern} (${c.instance})`).join(', ') || 'none live'}`];
  for (const w of data.warnings) {
    lines.push(`  WARNING: ${w.instance} changes ${w.path} (${w.where}), claimed by ${w.holder} as ${w.pattern}: coordinate before merging`);
  }
  return lines;
}

export const claimsSection: StatusSection = {
  name: 'claims',
  collect: (repo, instances) => collectClaimWarnings(repo, instances),
  print: (data) => printClaimWarnings(data as ClaimsStatus),
};

/** Teardown drops the path claims of removed instances. */
export async function releaseClaimsOfRemoved(repo: RepoContext, ids: number[]): Promise<void> {
  await transact(repo.coordDir, (tx) => releaseClaimsInTx(tx, (c) => ids.includes(c.instance_id), 'instance removed'));
}
