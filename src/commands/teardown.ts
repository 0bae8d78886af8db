import type { Command } from 'commander';
import { UsageError } from '../lib/errors.js';
import { openRepo } from '../workspace/repo.js';
import { describeLoss, executeTeardown, planTeardown, type TeardownOptions } from '../workspace/teardown.js';
import { printJson, printLines } from './output.js';
import { parseInstanceList } from './parse.js';
import { stopRunningAgents } from '../agents/launcher.js';

export function register(program: Command): void {
  program
    .command('teardown')
    .description('remove instances: worktrees, branches, registrations. Refuses to lose uncommitted or unmerged work without --force')
    .argument('[instances...]', 'instances to remove (2 or instance-2)')
    .option('--all', 'remove every instance')
    .option('--force', 'remove even when uncommitted or unmerged work would be lost')
    .option('--keep-branch', 'keep the branches (their commits stay reachable)')
    .option('--dry-run', 'print the plan and change nothing')
    .option('--purge', 'with --all: also delete the memory bank and the coordination history')
    .option('--json', 'print the plan (what was or would be removed) as JSON')
    .addHelpText('after', '\nExamples:\n  wt-coord teardown 2\n  wt-coord teardown --all --dry-run\n  wt-coord teardown --all --force --purge')
    .action(async (refs: string[], flags: { all?: boolean; force?: boolean; keepBranch?: boolean; dryRun?: boolean; purge?: boolean; json?: boolean }) => {
      // `teardown --all 2` is ambiguous (a typo for `teardown 2`?): removing every instance is too costly a guess.
      if (flags.all && refs.length > 0) throw new UsageError(`name instances or pass --all, not both (got --all and ${refs.join(' ')})`, `wt-coord teardown ${refs.join(' ')}, or wt-coord teardown --all`);
      if (flags.purge && !flags.all) throw new UsageError('--purge deletes shared history and goes only with --all', 'wt-coord teardown --all --purge');
      const options: TeardownOptions = { ids: parseInstanceList(refs), all: Boolean(flags.all), force: Boolean(flags.force), keepBranch: Boolean(flags.keepBranch), dryRun: Boolean(flags.dryRun), purge: Boolean(flags.purge), stopAgents: stopRunningAgents };
      const repo = await openRepo();
      const plan = await planTeardown(repo, options);
      if (flags.dryRun) {
        if (flags.json) return printJson(plan);
        return printLines(
          ...plan.instances.map((i) => `would remove ${i.name}: ${i.folderExists ? i.worktree : '(folder already gone)'}${i.deleteBranch ? `, branch ${i.branch}` : ''}`),
          ...plan.instances.flatMap(describeLoss).map((l) => `  would lose: ${l}`),
          ...plan.purge.map((p) => `would delete ${p}`),
        );
      }
      await executeTeardown(repo, plan, options);
      if (flags.json) return printJson(plan);
      if (plan.instances.length === 0) printLines('no instances to tear down');
      printLines(
        ...plan.instances.map((i) => `removed ${i.name}${i.deleteBranch ? ` and branch ${i.branch}` : i.branchExists ? ` (branch ${i.branch} kept)` : ''}${i.folderExists ? '' : ' (its folder was already gone)'}`),
        ...plan.purge.map((p) => `deleted ${p}`),
      );
    });
}
