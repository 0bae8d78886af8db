import type { Command } from 'commander';
import { writeMasterPlan } from '../coord/master-plan.js';
import { openRepo } from '../workspace/repo.js';
import { ensureInitialized } from '../workspace/init.js';
import { printJson, printLines } from './output.js';

export function register(program: Command): void {
  program
    .command('plan')
    .description('write the overall goal to master-plan.md in the coordination folder (instances read it through .claude-coordination-shared/)')
    .argument('<goal>', 'the goal, in a sentence')
    .option('--force', 'replace an existing master-plan.md')
    .option('--json', 'print the file path as JSON')
    .addHelpText('after', '\nExample:\n  wt-coord plan "Build a REST API"\n  wt-coord task add "Create User model" -p 1')
    .action(async (goal: string, o: { force?: boolean; json?: boolean }) => {
      const repo = await openRepo();
      await ensureInitialized(repo);
      const file = await writeMasterPlan(repo.coordDir, goal, Boolean(o.force));
      if (o.json) printJson({ file, goal });
      else printLines(`wrote ${file}`, 'next: break the goal into tasks with `wt-coord task add` or `wt-coord task import`');
    });
}
