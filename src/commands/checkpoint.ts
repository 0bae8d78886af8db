import type { Command } from 'commander';
import { openRepo } from '../workspace/repo.js';
import { createCheckpoint, listCheckpoints } from '../orchestrate/checkpoint.js';
import { printJson, printLines } from './output.js';

export function register(program: Command): void {
  program
    .command('checkpoint')
    .description("snapshot the coordination state, the memory bank and each instance's HEAD into <coordination>/checkpoints/<name>/")
    .argument('[name]', 'letters, digits, . _ - (default: checkpoint-<date>-<time>)')
    .option('--list', 'list the checkpoints instead')
    .option('--json', 'print as JSON')
    .addHelpText('after', '\nExamples:\n  wt-coord checkpoint before-merge\n  wt-coord checkpoint --list\n  wt-coord restore before-merge')
    .action(async (name: string | undefined, options: { list?: boolean; json?: boolean }) => {
      const repo = await openRepo();
      if (options.list) {
        const list = await listCheckpoints(repo);
        if (options.json) return printJson(list);
        return printLines(...(list.length ? list.map((c) => (c.valid ? `${c.name}  ${c.created_at}  ${c.files} files, ${c.instances} instances` : `${c.name}  CORRUPT: ${c.problem}`)) : ['no checkpoints (wt-coord checkpoint [name] makes one)']));
      }
      const { name: made, dir, manifest } = await createCheckpoint(repo, name);
      if (options.json) return printJson({ name: made, dir, manifest });
      printLines(`checkpoint ${made}: ${manifest.coordination.length} coordination files, ${manifest.memory_bank.length} memory-bank files, ${manifest.heads.length} instance HEADs`, `  in ${dir}`, `  restore with: wt-coord restore ${made}`);
    });
}
