import type { Command } from 'commander';
import { openRepo } from '../workspace/repo.js';
import { stopAgents } from '../agents/launcher.js';
import { printJson, printLines } from './output.js';
import { parseInstanceList } from './parse.js';

export function register(program: Command): void {
  program
    .command('stop')
    .description("stop instances' agents (kills the tmux session or the process group); tasks they hold go back to the queue when their lease expires")
    .argument('[instances...]', 'instances to stop (2 or instance-2); default: all')
    .option('--json', 'print what was stopped as JSON')
    .addHelpText('after', '\nExamples:\n  wt-coord stop\n  wt-coord stop 2 3')
    .action(async (refs: string[], options: { json?: boolean }) => {
      const stopped = await stopAgents(await openRepo(), parseInstanceList(refs));
      if (options.json) return printJson(stopped.map(({ record, ...s }) => ({ ...s, session: record?.session ?? null })));
      printLines(...(stopped.length ? stopped.map((s) => `${s.name}: ${s.state === 'stopped' ? 'stopped' : `was not running (${s.state})`}`) : ['no agents were started']));
    });
}
