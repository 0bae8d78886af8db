import type { Command } from 'commander';
import { installStrategies } from '../config.js';
import { ExitCode, UsageError, WtError } from '../errors.js';
import { openRepo } from '../workspace/repo.js';
import { spawnInstances } from '../workspace/spawn.js';
import type { InstallStrategy } from '../workspace/deps.js';
import { note, printJson, printLines } from './output.js';
import { parseCount } from './parse.js';

export function register(program: Command): void {
  program
    .command('spawn')
    .description('create <count> isolated instances: one git worktree and branch each, with their own node_modules')
    .argument('<count>', 'how many instances to add (numbered after the highest existing one)')
    .option('--base <ref>', 'branch, tag or commit the new branches start from', 'HEAD')
    .option('--install <strategy>', `how each instance gets node_modules: ${installStrategies.join(', ')} (default: from wt-coord.yaml, else auto)`)
    .option('--agent <agent>', 'the agent that will work in the instances: claude, codex, aider or a command')
    .option('--json', 'print the created instances as JSON')
    .addHelpText('after', '\nExamples:\n  wt-coord spawn 3\n  wt-coord spawn 2 --base release/1.2 --install copy')
    .action(async (countText: string, options: { base: string; install?: string; agent?: string; json?: boolean }) => {
      const repo = await openRepo();
      const count = parseCount(countText, repo.config.max_instances);
      if (options.install && !(installStrategies as readonly string[]).includes(options.install)) {
        throw new UsageError(`unknown --install strategy "${options.install}"`, `use one of: ${installStrategies.join(', ')}`);
      }
      const tty = process.stderr.isTTY && !options.json;
      const result = await spawnInstances(repo, {
        count,
        base: options.base,
        install: options.install as InstallStrategy | undefined,
        agent: options.agent ?? null,
        onStep: tty ? (instance, step) => note(`  ${instance}: ${step}`) : undefined,
      });
      if (options.json) printJson({ created: result.created, failed: result.failed.map((f) => ({ name: f.name, error: f.error.message })), dependencies: result.dependencyPlan });
      else {
        if (result.dependencyPlan.strategy !== 'no-package-json') note(`dependencies: ${result.dependencyPlan.strategy} (${result.dependencyPlan.reason})`);
        printLines(...result.created.map((i) => `created ${i.name}: ${i.worktree} on ${i.branch}`));
      }
      if (result.failed.length > 0) {
        const first = result.failed[0]!;
        throw new WtError(`${result.failed.length} instance(s) failed and were rolled back; ${first.error.message}`, first.error.hint, ExitCode.failure);
      }
    });
}
