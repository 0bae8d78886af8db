// coordinate.sh claim | release | claims | check-claims | handoff: path ownership from an instance.
// check-claims is what the pre-commit hook runs: it must stay quick (no lock, one git call).
import { ExitCode, UsageError } from '../../lib/errors.js';
import { claimPath, findClaimConflicts, formatClaims, listClaims, releaseAllClaims, releasePath } from '../../coord/claims/index.js';
import { normalizeClaimPattern } from '../../coord/claims/index.js';
import type { InstanceContext } from '../context.js';
import type { VerbHandler } from '../verbs.js';
import { parseVerbArgs } from './args.js';
import { messageText } from '../message-input.js';
import { terminalText } from '../../lib/terminal-text.js';
import { childProcess } from '../../lib/child-process.js';

/** Absolute paths inside this worktree (or the main checkout) become repository-relative. */
function patternOf(ctx: InstanceContext, input: string): string {
  return normalizeClaimPattern(input, [ctx.worktree, ctx.mainRepo]);
}

export const claim: VerbHandler = async (ctx, args) => {
  const parsed = parseVerbArgs('claim', args, ['--json', '--no-task'], ['--task']);
  const [input, ...why] = parsed.positionals;
  if (!input) throw new UsageError('claim needs a path or glob', 'coordinate.sh claim src/api/ "reworking the auth endpoints"');
  const task = parsed.flags.has('--no-task') ? null : parsed.options.get('--task');
  const made = await claimPath(ctx.coordDir, ctx.id, patternOf(ctx, input), why.join(' ') || undefined, task);
  if (parsed.flags.has('--json')) return { output: JSON.stringify(made, null, 2) };
  return { output: `claimed ${made.pattern}${made.task_id ? ` for ${made.task_id} (released when it completes)` : ''}` };
};

export const release: VerbHandler = async (ctx, args) => {
  const parsed = parseVerbArgs('release', args, ['--all', '--json']);
  if (parsed.flags.has('--all')) {
    const released = await releaseAllClaims(ctx.coordDir, ctx.id);
    if (parsed.flags.has('--json')) return { output: JSON.stringify(released, null, 2) };
    return { output: released.length ? `released ${released.map((c) => c.pattern).join(', ')}` : 'you held no claims' };
  }
  const [input] = parsed.positionals;
  if (!input) throw new UsageError('release needs the path you claimed (or --all)', 'coordinate.sh release src/api/');
  const released = await releasePath(ctx.coordDir, ctx.id, patternOf(ctx, input));
  if (parsed.flags.has('--json')) return { output: JSON.stringify(released, null, 2) };
  return { output: `released ${released.pattern}` };
};

export const claims: VerbHandler = async (ctx, args) => {
  const parsed = parseVerbArgs('claims', args, ['--json', '--mine']);
  let list = await listClaims(ctx.coordDir);
  if (parsed.flags.has('--mine')) list = list.filter((c) => c.instance === ctx.name);
  if (parsed.flags.has('--json')) return { output: JSON.stringify(list, null, 2) };
  return { output: formatClaims(list, ctx.name) };
};

/** Paths a commit would change: added, changed, deleted, both sides of a rename. */
function stagedPaths(worktree: string): string[] {
  const { execFileSync } = childProcess();
  // stdin ignored, not piped: inside Codex's sandbox the shutdown(2) Node does on a piped stdin is refused (spawnSync git EPERM).
  const out = execFileSync('git', ['diff', '--cached', '--name-only', '--no-renames', '-z'], { cwd: worktree, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, stdio: ['ignore', 'pipe', 'pipe'] });
  return out.split('\0').filter(Boolean);
}

export const checkClaims: VerbHandler = async (ctx, args) => {
  const parsed = parseVerbArgs('check-claims', args, ['--staged', '--json']);
  const staged = parsed.flags.has('--staged');
  const paths = staged ? stagedPaths(ctx.worktree) : parsed.positionals.map((p) => patternOf(ctx, p));
  // Staged paths are files; named paths are read as a claim would read them: one rule for both.
  const conflicts = paths.length ? findClaimConflicts(await listClaims(ctx.coordDir), ctx.name, paths, { files: staged }) : [];
  if (parsed.flags.has('--json')) return { output: JSON.stringify(conflicts, null, 2), exitCode: conflicts.length ? ExitCode.conflict : ExitCode.ok };
  if (conflicts.length === 0) return {};
  const holders = [...new Set(conflicts.map((c) => c.claim.instance))];
  const lines = [
    `wt-coord: ${parsed.flags.has('--staged') ? 'this commit touches' : 'these paths are'} paths claimed by another instance (first claim wins):`,
    ...conflicts.map((c) => `  ${c.path}: claimed by ${c.claim.instance} as ${c.claim.pattern}${c.claim.reason ? ` ("${c.claim.reason}")` : ''}`),
    `Ask ${holders.join(', ')} first (coordinate.sh send ${holders[0]} "..."), or commit anyway with: git commit --no-verify`,
  ];
  process.stderr.write(`${terminalText(lines.join('\n'))}\n`);
  return { exitCode: ExitCode.conflict };
};

export const handoff: VerbHandler = async (ctx, args) => {
  const parsed = parseVerbArgs('handoff', args, ['--json'], ['--to']);
  const [taskId, ...words] = parsed.positionals;
  const to = parsed.options.get('--to');
  if (!taskId || !to) throw new UsageError('handoff needs a task id, --to <instance> and the context', 'coordinate.sh handoff task-003 --to instance-2 "what: ... why: ... where: ... next: ..."');
  const context = await messageText(words, 'handoff', `handoff ${taskId} --to ${to} "what / why / where / next"`);
  const { handoffTask } = await import('../../coord/queue/handoff.js');
  const result = await handoffTask(ctx.coordDir, ctx.id, taskId, to, context);
  if (parsed.flags.has('--json')) return { output: JSON.stringify({ task: result.task.id, to: result.task.claimed_by, token: result.task.token, message: result.message.id, claims_moved: result.claimsMoved.map((c) => c.pattern) }, null, 2) };
  const moved = result.claimsMoved.length ? `, with the claims ${result.claimsMoved.map((c) => c.pattern).join(', ')}` : '';
  return { output: `handed ${result.task.id} to ${result.task.claimed_by}${moved} (${result.message.id})` };
};
