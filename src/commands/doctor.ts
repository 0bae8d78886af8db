import type { Command } from 'commander';
import { WtError } from '../lib/errors.js';
import { runDoctor } from '../coord/doctor.js';
import { openRepo } from '../workspace/repo.js';
import { checkScratchWorktrees } from '../workspace/scratch-worktree.js';
import { printJson, printLines } from './output.js';

export function register(program: Command): void {
  program
    .command('doctor')
    .description('check the coordination folder (every store document, the queue as a whole: dependency cycles, duplicate ids, missing dependencies, counters, tasks.json and instances.json agreeing; the views, events.jsonl, leftover locks, staging folders and temp files) and scratch worktrees left by a killed integrate')
    .option('--fix', 'repair: restore the last good backup of a corrupt document (the corrupt one is kept in .backup/), move next_id/next_token above those issued, derive assigned_tasks from tasks.json, rewrite broken views, set aside torn event lines, break dead locks (completing their decided commits), remove temp files and the scratch worktrees of killed integrates')
    .option('--json', 'print the report as JSON')
    .addHelpText('after', '\nExit code 0 when all is well (or everything was fixed), 1 when a problem remains.\nExamples:\n  wt-coord doctor\n  wt-coord doctor --fix')
    .action(async (o: { fix?: boolean; json?: boolean }) => {
      const repo = await openRepo();
      const report = await runDoctor(repo.coordDir, Boolean(o.fix));
      report.findings.push(...(await checkScratchWorktrees(repo.mainWorktree, repo.commonDir, Boolean(o.fix))));
      const open = report.findings.filter((f) => !f.fixed);
      if (o.json) printJson({ ...report, ok: open.length === 0 });
      else {
        printLines(
          `checked ${report.checked.length} file(s) in ${report.coordination_dir}`,
          ...report.findings.map((f) => `${f.fixed ? 'fixed' : 'problem'}: ${f.file}: ${f.problem}${f.fixed ? ` (${f.fix})` : ` -> ${o.fix ? 'cannot fix' : 'fix'}: ${f.fix}`}`),
          report.findings.length === 0 ? 'all good' : '',
        );
      }
      if (open.length > 0) {
        const fixable = open.some((f) => f.fixable) && !o.fix;
        throw new WtError(`doctor found ${open.length} problem(s) in ${repo.coordDir}`, fixable ? 'run `wt-coord doctor --fix`' : 'see the lines above');
      }
    });
}
