import type { Command } from 'commander';
import { openRepo } from '../workspace/repo.js';
import { restoreCheckpoint } from '../orchestrate/checkpoint.js';
import { printJson, printLines } from './output.js';

export function register(program: Command): void {
  program
    .command('restore')
    .description('put the coordination state and the memory bank back as a checkpoint recorded them (refuses while agents run; branches are not moved, only reported)')
    .argument('<checkpoint>', 'a name from wt-coord checkpoint --list')
    .option('--json', 'print what was restored as JSON')
    .addHelpText('after', '\nExample:\n  wt-coord stop && wt-coord restore before-merge')
    .action(async (name: string, options: { json?: boolean }) => {
      const result = await restoreCheckpoint(await openRepo(), name);
      if (options.json) return printJson(result);
      printLines(
        `restored ${result.name}: ${result.restored} coordination files${result.removed.length ? `, removed ${result.removed.length} made since (${result.removed.slice(0, 5).join(', ')}${result.removed.length > 5 ? ', ...' : ''})` : ''}`,
        ...result.memory_bank_kept.map((f) => `  memory bank: kept ${f} (not in the checkpoint)`),
        ...result.heads.filter((h) => h.moved).map((h) => `  ${h.name}: ${h.branch} moved since the checkpoint (${h.checkpoint?.slice(0, 10) ?? 'none'} -> ${h.now?.slice(0, 10) ?? 'deleted'}); commits are kept. To go back: git branch -f ${h.branch} ${h.checkpoint ?? '<commit>'} (or git reset --hard in its worktree)`),
      );
    });
}
