import type { Command } from 'commander';
import { openRepo } from '../workspace/repo.js';
import { collectStatus, printStatus } from '../workspace/status.js';
import { collectAgents, printAgents } from '../agents/observe/index.js';
import { printJson, printLines } from './output.js';

export function register(program: Command): void {
  program
    .command('status')
    .description("every instance: path, branch, commits ahead, dirty files, whether its branch would conflict (with the target or another instance), pull request, progress and task; its agent's state (working, idle, waiting for permission or at a dialog, rate-limited, exited) with what to do, and its token usage")
    .option('-v, --verbose', 'also list, per instance, the files its branch would conflict in and with what')
    .option('--json', 'print as JSON (with the whole conflict forecast)')
    .addHelpText('after', '\nExamples:\n  wt-coord status --verbose\n  wt-coord status --json')
    .action(async (options: { json?: boolean; verbose?: boolean }) => {
      const repo = await openRepo();
      const [report, agents] = await Promise.all([collectStatus(repo), collectAgents(repo)]);
      if (options.json) return printJson({ ...report, agents: agents.agents, agents_usage_total: agents.usage_total });
      const agentLines = printAgents(agents);
      printLines(printStatus(report, { verbose: options.verbose }), ...(agentLines.length ? ['', ...agentLines] : []));
    });
}
