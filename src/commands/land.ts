import type { Command } from 'commander';
import { createInterface } from 'node:readline/promises';
import { openRepo } from '../workspace/repo.js';
import { executeTeardown, planTeardown, type TeardownOptions } from '../workspace/teardown.js';
import { executeLand, planLand } from '../orchestrate/land.js';
import { note, printJson, printLines } from './output.js';
import { stopRunningAgents } from '../agents/launcher.js';

async function confirm(question: string): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return /^y(es)?$/i.test((await rl.question(question)).trim());
  } finally {
    rl.close();
  }
}

export function register(program: Command): void {
  program
    .command('land')
    .description('after a green integrate, move the target branch to the integration result (fast-forward, or a merge commit with --merge or land: merge), refusing when the target or the integration branch moved since; then offer to tear down the instances whose work landed')
    .option('--from <branch>', 'the integration branch', 'wt/integration')
    .option('--target <branch>', 'the branch to land on (default: the one integrate recorded, the main checkout\'s branch)')
    .option('--ff', 'fast-forward only (the default unless wt-coord.yaml says land: merge)')
    .option('--merge', 'land with a merge commit')
    .option('--teardown', 'tear down the landed instances without asking')
    .option('--no-teardown', 'do not tear down or ask')
    .option('--json', 'print the plan and the new target commit as JSON')
    .addHelpText('after', '\nExamples:\n  wt-coord integrate --check "npm test" && wt-coord land\n  wt-coord land --merge --teardown')
    .action(async (options: { from: string; target?: string; ff?: boolean; merge?: boolean; teardown?: boolean; json?: boolean }) => {
      const repo = await openRepo();
      const strategy = options.merge ? 'merge' : options.ff ? 'ff' : undefined;
      const plan = await planLand(repo, { from: options.from, target: options.target, strategy });
      const commit = await executeLand(repo, plan);
      const names = plan.landed_instances.map((i) => i.name);
      let tornDown: string[] = [];
      const offer = names.length > 0 && options.teardown !== false;
      const yes = offer && (options.teardown === true || (!options.json && process.stdin.isTTY && (await confirm(`tear down ${names.join(', ')} (their work landed on ${plan.target})? [y/N] `))));
      if (yes) {
        const teardown: TeardownOptions = { ids: plan.landed_instances.map((i) => i.id), all: false, force: false, keepBranch: false, dryRun: false, purge: false, stopAgents: stopRunningAgents };
        await executeTeardown(repo, await planTeardown(repo, teardown), teardown);
        tornDown = names;
      }
      if (options.json) return printJson({ plan, commit, torn_down: tornDown });
      printLines(`landed ${plan.from} on ${plan.target} (${plan.strategy === 'ff' ? 'fast-forward' : 'merge'}): ${plan.target_commit.slice(0, 10)} -> ${commit.slice(0, 10)}`);
      if (tornDown.length) printLines(`tore down ${tornDown.join(', ')}`);
      else if (offer) note(`their work landed, so these go without --force: wt-coord teardown ${plan.landed_instances.map((i) => i.id).join(' ')}`);
    });
}
