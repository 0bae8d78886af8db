import type { Command } from 'commander';
import { openRepo } from '../workspace/repo.js';
import { collectStatus, printStatus } from '../workspace/status.js';
import { printJson, printLines } from './output.js';

export function register(program: Command): void {
  program
    .command('status')
    .description('every instance: path, branch, commits ahead, dirty files, progress and task')
    .option('--json', 'print as JSON')
    .addHelpText('after', '\nExample:\n  wt-coord status --json')
    .action(async (options: { json?: boolean }) => {
      const report = await collectStatus(await openRepo());
      if (options.json) printJson(report);
      else printLines(printStatus(report));
    });
}
