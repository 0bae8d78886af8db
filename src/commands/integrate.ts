import type { Command } from 'commander';
import { openRepo } from '../workspace/repo.js';
import { DEFAULT_INTEGRATION_BRANCH, executeIntegration, incompleteError, planIntegration, type SkippedMerge } from '../orchestrate/integrate.js';
import { note, printJson, printLines } from './output.js';

function describeSkip(s: SkippedMerge): string[] {
  const lines =
    s.reason === 'conflict'
      ? [`skipped ${s.branch} (${s.name}): conflicts with ${s.conflicts_with.join(', ')} in ${s.files.join(', ') || '(no single file)'}`, ...s.conflicts.map((c) => `  ${c.kind}: ${c.message}`)]
      : [`skipped ${s.branch} (${s.name}): the check failed after merging it; the merge was undone`, ...s.output.split('\n').map((l) => `  | ${l}`)];
  return [...lines, `  to resolve: ${s.resolve}`];
}

export function register(program: Command): void {
  program
    .command('integrate')
    .description('merge finished instance branches one at a time into an integration branch, in task dependency order, running a check after each; a branch that conflicts or fails the check is skipped, left untouched and reported, and the others still land')
    .option('--into <branch>', `the integration branch (created from the instances' base when missing; never a checked-out branch)`, DEFAULT_INTEGRATION_BRANCH)
    .option('--check <cmd>', 'a shell command run after each merge in the temporary integration worktree (e.g. "npm test"); a failure undoes that merge and skips the branch')
    .option('--base <ref>', 'where a new integration branch starts (default: the base the instances were spawned from)')
    .option('--target <branch>', 'the branch `wt-coord land` moves to the result afterwards (default: the main checkout\'s branch)')
    .option('--include-busy', 'also merge branches of instances still holding an unfinished task')
    .option('--dry-run', 'print the order and the overlapping files, merge nothing')
    .option('--json', 'print the plan and the result as JSON')
    .addHelpText('after', '\nExit code 0 when every branch landed, 4 when one or more conflicted, 1 when only checks failed.\nExamples:\n  wt-coord integrate\n  wt-coord integrate --check "npm test"\n  wt-coord integrate --into release/next --dry-run')
    .action(async (options: { into: string; check?: string; base?: string; target?: string; includeBusy?: boolean; dryRun?: boolean; json?: boolean }) => {
      const repo = await openRepo();
      const plan = await planIntegration(repo, options);
      const say = options.json ? () => undefined : (line: string) => note(line);
      say(`integrating into ${plan.into}${plan.create ? ` (new, from ${plan.start.slice(0, 10)})` : ''}: ${plan.branches.map((b) => b.branch).join(' -> ')}`);
      for (const s of plan.skipped) say(`  not merging ${s.branch}: ${s.reason}`);
      if (plan.overlaps.length) {
        say(`  files changed on more than one branch (conflicts are likely there):`);
        for (const o of plan.overlaps) say(`    ${o.file}: ${o.branches.join(', ')}`);
      }
      if (options.dryRun) return options.json ? printJson({ plan }) : undefined;
      const result = await executeIntegration(repo, plan, options, say);
      if (options.json) printJson({ plan, result });
      else {
        printLines(...result.merged.map((m) => `merged ${m.branch} (${m.name}) -> ${m.commit.slice(0, 10)}`));
        if (result.skipped.length) note(result.skipped.flatMap(describeSkip).join('\n'));
        if (result.merged.length) printLines(`${plan.into} is at ${result.head.slice(0, 10)}: git log --oneline ${plan.into}${result.skipped.length === 0 && plan.target ? `; land it on ${plan.target} with wt-coord land` : ''}`);
      }
      const error = incompleteError(result);
      if (error) throw error;
    });
}
