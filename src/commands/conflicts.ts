import type { Command } from 'commander';
import { openRepo } from '../workspace/repo.js';
import { forecastInstances, type ConflictForecast } from '../workspace/conflict-forecast.js';
import type { MergeOutcome } from '../workspace/merge-tree.js';
import { printJson, printLines } from './output.js';

function describe(o: MergeOutcome | null): string {
  if (!o) return 'no branch';
  if (o.result === 'clean') return 'clean';
  if (o.result === 'unmergeable') return `cannot merge: ${o.error ?? 'git refuses'}`;
  const kinds = [...new Set(o.conflicts.map((c) => c.kind))];
  return `CONFLICT in ${o.files.join(', ') || '(no single file)'}${kinds.length ? ` (${kinds.join(', ')})` : ''}`;
}

export function printForecast(f: ConflictForecast): string[] {
  const width = Math.max(0, ...f.branches.map((b) => `${b.name}  ${b.branch}`.length));
  const lines = [`into ${f.target.ref} (${f.target.commit.slice(0, 10)}):`];
  for (const b of f.branches) lines.push(`  ${`${b.name}  ${b.branch}`.padEnd(width)}  ${describe(b.into_target)}`);
  const colliding = f.pairs.filter((p) => p.outcome.result !== 'clean');
  lines.push('', `between instances: ${colliding.length} of ${f.pairs.length} pair(s) conflict`);
  for (const p of colliding) lines.push(`  ${p.a} + ${p.b}: ${describe(p.outcome)}`);
  return lines;
}

export function register(program: Command): void {
  program
    .command('conflicts')
    .description('forecast, without merging anything, whether each instance branch merges cleanly into the target and whether any two instance branches conflict, with the files (git merge-tree; cached by commit ids)')
    .option('--target <ref>', "the branch the work goes into (default: the main checkout's branch)")
    .option('--json', 'print the whole forecast as JSON')
    .addHelpText('after', '\nExamples:\n  wt-coord conflicts\n  wt-coord conflicts --target release --json')
    .action(async (options: { target?: string; json?: boolean }) => {
      const forecast = await forecastInstances(await openRepo(), options.target);
      if (options.json) printJson(forecast);
      else printLines(...(forecast.branches.length ? printForecast(forecast) : ['no instances (wt-coord spawn <n> makes some)']));
    });
}
