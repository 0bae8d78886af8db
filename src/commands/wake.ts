import type { Command } from 'commander';
import { openRepo } from '../workspace/repo.js';
import { runWaker, wakeIdleAgents } from '../agents/wake/index.js';
import { note, printJson, printLines } from './output.js';

export function register(program: Command): void {
  program
    .command('wake')
    .description('type a nudge into each agent that sits idle at its prompt while work waits for it (a ready task, a task it holds, an unread message); never into a dialog, at most once per 10 s per agent')
    .option('--watch', 'keep waking every second until no agent runs (`start` runs this in the background)')
    .option('--json', 'print the nudges as JSON')
    .addHelpText('after', '\nExamples:\n  wt-coord wake\n  wt-coord wake --watch')
    .action(async (options: { watch?: boolean; json?: boolean }) => {
      const repo = await openRepo();
      if (options.watch) return runWaker(repo, (line) => note(line));
      const nudged = await wakeIdleAgents(repo);
      if (options.json) return printJson(nudged);
      printLines(...(nudged.length ? nudged.map((n) => `nudged ${n.name}: ${n.text}`) : ['no idle agent has work waiting']));
    });
}
