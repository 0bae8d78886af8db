import type { Command } from 'commander';
import { openRepo } from '../workspace/repo.js';
import { initWorkspace } from '../workspace/init.js';
import { printJson, printLines } from './output.js';

export function register(program: Command): void {
  program
    .command('init')
    .description('create wt-coord.yaml, the shared memory bank and the coordination folder (safe to run again)')
    .option('--json', 'print what was created and kept as JSON')
    .addHelpText('after', '\nExample:\n  wt-coord init')
    .action(async (options: { json?: boolean }) => {
      const repo = await openRepo();
      const result = await initWorkspace(repo);
      if (options.json) return printJson({ ...result, coordination_dir: repo.coordDir, memory_bank: repo.memoryBankDir });
      const lines = [
        ...result.created.map((p) => `created ${p}`),
        result.created.length === 0 ? 'already initialized: nothing changed' : '',
        `memory bank:  ${repo.memoryBankDir}`,
        `coordination: ${repo.coordDir}`,
        result.created.some((p) => p.endsWith('wt-coord.yaml')) ? 'commit wt-coord.yaml to share the settings (every option is optional)' : '',
      ];
      printLines(...lines.filter(Boolean));
    });
}
