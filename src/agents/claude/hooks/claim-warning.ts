// A warning when a write lands in a path another instance claimed (claims.json, live claims only).
// Not a block: the claim is a declared intention, and the agent may have agreed with its holder;
// the warning names the holder and how to reach it.
import path from 'node:path';
import { findClaimConflicts, listClaims } from '../../../coord/claims/index.js';
import type { HookRun } from './run.js';

export async function claimWarning(run: HookRun, file: string): Promise<string | null> {
  const relative = path.relative(run.ctx.worktree, file);
  // Outside this worktree (another checkout, /tmp): not a path of the repository that claims cover.
  if (!relative || relative.startsWith('..') || path.isAbsolute(relative)) return null;
  const claims = await listClaims(run.ctx.coordDir);
  const [conflict] = findClaimConflicts(claims, run.ctx.name, [relative.split(path.sep).join('/')]);
  if (!conflict) return null;
  const { claim } = conflict;
  const why = claim.reason ? ` ("${claim.reason}")` : '';
  const coordinate = path.join(run.ctx.kitDir, 'coordinate.sh');
  return `wt-coord: ${conflict.path} is inside ${claim.pattern}, claimed by ${claim.instance}${why}. Edit it only if you agreed with ${claim.instance}; otherwise work elsewhere or ask: \`${coordinate} send ${claim.instance} "<question>"\`.`;
}
