import type { Command } from 'commander';
import { helpDefault, installStrategies } from '../config/config.js';
import { ExitCode, UsageError, WtError } from '../lib/errors.js';
import { openRepo } from '../workspace/repo.js';
import { spawnInstances } from '../workspace/spawn.js';
import { installAgentIntegration } from '../agents/install.js';
import type { InstallStrategy } from '../workspace/deps.js';
import { note, printJson, printLines } from './output.js';
import { parseCount } from './parse.js';
import { createSpawnProgress } from './spawn-progress.js';

export function register(program: Command): void {
  program
    .command('spawn')
    .description('create <count> isolated instances: one git worktree and branch each, with their own node_modules')
    .argument('<count>', `how many instances to add (numbered after the highest existing one); in all at most max_instances (${helpDefault('max_instances')})`)
    .option('--base <ref>', 'branch, tag or commit the new branches start from', 'HEAD')
    .option('--install <strategy>', `how each instance gets node_modules: ${installStrategies.join(', ')} (${helpDefault('install')})`)
    .option('--agent <agent>', 'the agent that will work in the instances: claude, codex, aider or a command')
    .option('--json', 'print the created (and any rolled-back) instances as JSON')
    .option('--yes', "approve wt-coord.yaml's setup commands without asking (remembered outside the repository for exactly these commands)")
    .addHelpText(
      'after',
      `
Dependencies (--install):
  auto      main's node_modules matches the lockfile: clone it copy-on-write where the filesystem
            can (btrfs, XFS, APFS), else copy it; otherwise install with the lockfile's manager
  clone     copy-on-write clone of main's node_modules (fails where the filesystem cannot)
  copy      full copy of main's node_modules
  hardlink  hard-link tree of main's node_modules: fastest, least disk, BUT an in-place edit of a
            file inside node_modules reaches every instance and main (installs and removals do not)
  install   npm ci / pnpm / yarn / bun install in each instance
  none      no node_modules

Examples:
  wt-coord spawn 3
  wt-coord spawn 2 --base release/1.2 --install copy
  wt-coord spawn 1 --json`,
    )
    .action(async (countText: string, options: { base: string; install?: string; agent?: string; json?: boolean; yes?: boolean }) => {
      const repo = await openRepo();
      const count = parseCount(countText, repo.config.max_instances, 'instance count');
      if (options.install && !(installStrategies as readonly string[]).includes(options.install)) {
        throw new UsageError(`unknown --install strategy "${options.install}"`, `use one of: ${installStrategies.join(', ')}`);
      }
      const progress = process.stderr.isTTY && !options.json ? createSpawnProgress(process.stderr) : null;
      const result = await spawnInstances(repo, {
        count,
        base: options.base,
        install: options.install as InstallStrategy | undefined,
        agent: options.agent ?? null,
        installAgent: installAgentIntegration,
        onEvent: progress?.onEvent,
        approveSetup: { yes: Boolean(options.yes), confirm: askOnTerminal },
      }).finally(() => progress?.stop());
      if (options.json) {
        printJson({
          created: result.created,
          failed: result.failed.map((f) => ({ name: f.name, step: f.step, error: f.error.message })),
          dependencies: result.dependencyPlan,
        });
      } else {
        if (!progress && result.dependencyPlan.strategy !== 'no-package-json') note(`dependencies: ${result.dependencyPlan.strategy} (${result.dependencyPlan.reason})`);
        printLines(...result.created.map((i) => `created ${i.name}: ${i.worktree} on ${i.branch}`));
        printLines(...result.created.flatMap((i) => i.agent.notes)); // what the agent integration could not do by itself
      }
      if (result.failed.length > 0) {
        const first = result.failed[0]!;
        const others = result.created.length > 0 ? `; ${result.created.map((i) => i.name).join(', ')} ready` : '';
        throw new WtError(`${first.error.message} (rolled back ${result.failed.map((f) => f.name).join(', ')}${others})`, first.error.hint, ExitCode.failure);
      }
    });
}

/** On a terminal, asks whether to run setup commands this user has not approved; null without one (then spawn refuses). */
const askOnTerminal = process.stdin.isTTY && process.stderr.isTTY
  ? async (commands: readonly string[]): Promise<boolean> => {
      const { createInterface } = await import('node:readline/promises');
      const rl = createInterface({ input: process.stdin, output: process.stderr });
      try {
        process.stderr.write(`wt-coord.yaml asks to run these setup commands in every new instance:\n${commands.map((c) => `  ${c}`).join('\n')}\n`);
        return /^y(es)?$/i.test((await rl.question('Run them (remembered for exactly these commands)? [y/N] ')).trim());
      } finally {
        rl.close();
      }
    }
  : undefined;
