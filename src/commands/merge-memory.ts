import { Option, type Command } from 'commander';
import { watchMemoryQueue, type MergeReport } from '../coord/memory/index.js';
import { countQueue } from '../coord/memory/index.js';
import { ensureInitialized } from '../workspace/init.js';
import { mergeMemoryBank } from '../workspace/memory-merge-run.js';
import { openRepo, type RepoContext } from '../workspace/repo.js';
import { note, printJson, printLines } from './output.js';

interface Options {
  dryRun?: boolean;
  watch?: boolean;
  json?: boolean;
  auto?: boolean;
}

function printReport(report: MergeReport): string[] {
  const lines: string[] = [];
  const verb = report.dry_run ? 'would merge' : 'merged';
  lines.push(`${verb} ${report.merged} new discoveries, ${report.duplicates} duplicates credited to their entry (${report.entries} entries, merge ${report.generation})`);
  if (report.dry_run) for (const a of report.added) lines.push(`  + [${a.category}] ${a.text.split('\n')[0]!.slice(0, 100)}  — ${a.instance}`);
  if (report.dry_run && report.merged > report.added.length) lines.push(`  ... and ${report.merged - report.added.length} more`);
  if (report.already_merged) lines.push(`${report.already_merged} records were merged by an interrupted run; filed now`);
  for (const s of report.skipped) lines.push(`skipped corrupt record ${s.file}: ${s.problem}${report.dry_run ? '' : ' (kept for inspection)'}`);
  lines.push(report.files_changed.length ? `${report.dry_run ? 'would change' : 'changed'}: ${report.files_changed.join(', ')}` : 'memory bank unchanged');
  return lines;
}

const mergeOnce = (repo: RepoContext, options: Options): Promise<MergeReport> => mergeMemoryBank(repo, { dryRun: options.dryRun });

export function register(program: Command): void {
  program
    .command('merge-memory')
    .description('fold the discoveries instances queued (coordinate.sh update-memory) into the memory bank: systemPatterns.md, decision-log.md, knowledge-cache/')
    .option('--dry-run', 'print what would be merged; change nothing')
    .option('--watch', 'keep running: merge each discovery as it arrives (Ctrl-C stops)')
    .option('--json', 'print the report as JSON')
    .addOption(new Option('--auto', 'started by update-memory (memory_auto_merge): one log line per merge').hideHelp())
    .addHelpText('after', '\nExamples:\n  wt-coord merge-memory --dry-run\n  wt-coord merge-memory --watch')
    .action(async (options: Options) => {
      const repo = await openRepo();
      await ensureInitialized(repo);
      const show = (report: MergeReport) => {
        if (options.json) printJson(report);
        else if (options.auto || options.watch) {
          if (report.merged || report.duplicates || report.skipped.length || report.already_merged) printLines(`${new Date().toISOString()} ${printReport(report).join('; ')}`);
        } else printLines(...printReport(report));
      };
      show(await mergeOnce(repo, options));
      if (!options.watch || options.dryRun) return;
      note(`watching ${repo.coordDir}/memory-queue for discoveries (Ctrl-C stops)`);
      await watchMemoryQueue(repo.coordDir, async () => show(await mergeOnce(repo, options)));
      const { pending } = await countQueue(repo.coordDir);
      if (pending) note(`${pending} discoveries still queued`);
    });
}
