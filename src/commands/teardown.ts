import type { Command } from 'commander';
import { UsageError } from '../lib/errors.js';
import { openRepo } from '../workspace/repo.js';
import { describeLoss, executeTeardown, planTeardown, type TeardownOptions } from '../workspace/teardown.js';
import { describeDeleted } from '../workspace/purge.js';
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
    .option('--purge', 'with --all: also delete what wt-coord made: the coordination history, and the memory bank if still as init wrote it')
    .option('--purge-memory', 'with --purge: delete the memory bank even if edited (by you or by merge-memory)')
    .option('--purge-checkpoints', 'with --purge: delete the checkpoints too')
    .option('--json', 'print the plan (what was or would be removed) as JSON')
    .addHelpText('after', '\nExamples:\n  wt-coord teardown 2\n  wt-coord teardown --all --dry-run\n  wt-coord teardown --all --force --purge\n  wt-coord teardown --all --purge --purge-memory --purge-checkpoints --dry-run')
    .action(async (refs: string[], flags: { all?: boolean; force?: boolean; keepBranch?: boolean; dryRun?: boolean; purge?: boolean; purgeMemory?: boolean; purgeCheckpoints?: boolean; json?: boolean }) => {
      // `teardown --all 2` is ambiguous (a typo for `teardown 2`?): removing every instance is too costly a guess.
      if (flags.all && refs.length > 0) throw new UsageError(`name instances or pass --all, not both (got --all and ${refs.join(' ')})`, `wt-coord teardown ${refs.join(' ')}, or wt-coord teardown --all`);
      const what = flags.purgeMemory ? '--purge-memory' : flags.purgeCheckpoints ? '--purge-checkpoints' : null;
      if (what && !flags.purge) throw new UsageError(`${what} says what else --purge deletes and goes only with it`, `wt-coord teardown --all --purge ${what}`);
      if (flags.purge && !flags.all) throw new UsageError('--purge deletes shared history and goes only with --all', 'wt-coord teardown --all --purge');
      const options: TeardownOptions = {
        ids: parseInstanceList(refs), all: Boolean(flags.all), force: Boolean(flags.force), keepBranch: Boolean(flags.keepBranch), dryRun: Boolean(flags.dryRun),
        purge: Boolean(flags.purge), purgeMemory: Boolean(flags.purgeMemory), purgeCheckpoints: Boolean(flags.purgeCheckpoints), stopAgents: stopRunningAgents,
      };
      const repo = await openRepo();
      const plan = await planTeardown(repo, options);
      if (flags.dryRun) {
        if (flags.json) return printJson(plan);
        return printLines(
          ...plan.instances.map((i) => `would remove ${i.name}: ${i.folderExists ? i.worktree : '(folder already gone)'}${i.deleteBranch ? `, branch ${i.branch}` : ''}`),
          ...plan.instances.flatMap(describeLoss).map((l) => `  would lose: ${l}`),
          ...plan.purge.delete.map((p) => `would delete ${describeDeleted(plan.purge, p)}`),
          ...plan.purge.keep.map((k) => `would keep ${k.path}: ${k.reason}`),
        );
      }
      await executeTeardown(repo, plan, options);
      if (flags.json) return printJson(plan);
      if (plan.instances.length === 0) printLines('no instances to tear down');
      printLines(
        ...plan.instances.map((i) => `removed ${i.name}${i.deleteBranch ? ` and branch ${i.branch}` : i.branchExists ? ` (branch ${i.branch} kept)` : ''}${i.folderExists ? '' : ' (its folder was already gone)'}`),
        ...plan.purge.delete.map((p) => `deleted ${describeDeleted(plan.purge, p)}`),
        ...plan.purge.keep.map((k) => `kept ${k.path}: ${k.reason}`),
      );
    });
}
