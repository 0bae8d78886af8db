import type { Command } from 'commander';
import { openRepo } from '../workspace/repo.js';
import { DEFAULT_INTEGRATION_BRANCH, executeIntegration, planIntegration, stoppedError } from '../orchestrate/integrate.js';
import { note, printJson, printLines } from './output.js';

export function register(program: Command): void {
  program
    .command('integrate')
    .description('merge finished instance branches one at a time into an integration branch, in task dependency order, running a check after each; stops cleanly at the first conflict or failing check')
    .option('--into <branch>', `the integration branch (created from the instances' base when missing; never a checked-out branch)`, DEFAULT_INTEGRATION_BRANCH)
    .option('--check <cmd>', 'a shell command run after each merge in the temporary integration worktree (e.g. "npm test"); a failure undoes that merge and stops')
    .option('--base <ref>', 'where a new integration branch starts (default: the base the instances were spawned from)')
    .option('--include-busy', 'also merge branches of instances still holding an unfinished task')
    .option('--dry-run', 'print the order and the overlapping files, merge nothing')
    .option('--json', 'print the plan and the result as JSON')
    .addHelpText('after', '\nExamples:\n  wt-coord integrate\n  wt-coord integrate --check "npm test"\n  wt-coord integrate --into release/next --dry-run')
    .action(async (options: { into: string; check?: string; base?: string; includeBusy?: boolean; dryRun?: boolean; json?: boolean }) => {
      const repo = await openRepo();
      const plan = await planIntegration(repo, options);
      const say = options.json ? () => undefined : (line: string) => note(line);
      say(`integrating into ${plan.into}${plan.create ? ` (new, from ${plan.start.slice(0, 10)})` : ''}: ${plan.branches.map((b) => b.branch).join(' -> ')}`);
      for (const s of plan.skipped) say(`  skipping ${s.branch}: ${s.reason}`);
      if (plan.overlaps.length) {
        say(`  files changed on more than one branch (conflicts are likely there):`);
        for (const o of plan.overlaps) say(`    ${o.file}: ${o.branches.join(', ')}`);
      }
      if (options.dryRun) return options.json ? printJson({ plan }) : undefined;
      const result = await executeIntegration(repo, plan, options, say);
      if (options.json) printJson({ plan, result });
      else printLines(...result.merged.map((m) => `merged ${m.branch} (${m.name}) -> ${m.commit.slice(0, 10)}`), result.stopped ? '' : `${plan.into} is at ${result.head.slice(0, 10)}: git log --oneline ${plan.into}`);
      const error = stoppedError(result);
      if (error) {
        if (result.stopped?.reason === 'check' && !options.json) note(result.stopped.output);
        throw error;
      }
    });
}
