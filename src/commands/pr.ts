import type { Command } from 'commander';
import { WtError } from '../lib/errors.js';
import { instancesDoc } from '../coord/instances/index.js';
import { readDoc } from '../coord/transact.js';
import { openRepo } from '../workspace/repo.js';
import { defaultTarget } from '../workspace/conflict-forecast.js';
import { pullRequests } from '../orchestrate/pull-request.js';
import { note, printJson, printLines } from './output.js';
import { parseInstanceList } from './parse.js';

export function register(program: Command): void {
  program
    .command('pr')
    .description("push instance branches and open a pull request for each with the GitHub CLI (title and body from the tasks done on the branch); an open one is updated, not duplicated. Without gh: push and print the compare URL")
    .argument('[instances...]', 'instances (2 or instance-2; default: every instance with commits)')
    .option('--base <branch>', "the branch the pull requests go into (default: the main checkout's branch)")
    .option('--remote <name>', 'the remote to push to', 'origin')
    .option('--draft', 'open new pull requests as drafts')
    .option('--json', 'print the results as JSON')
    .addHelpText('after', '\nExamples:\n  wt-coord pr\n  wt-coord pr 2 --draft --base develop')
    .action(async (refs: string[], options: { base?: string; remote: string; draft?: boolean; json?: boolean }) => {
      const ids = parseInstanceList(refs);
      const repo = await openRepo();
      const { instances } = await readDoc(repo.coordDir, instancesDoc);
      const unknown = ids.filter((id) => !instances.some((i) => i.id === id));
      if (unknown.length) throw new WtError(`no instance ${unknown.join(', ')}`, '`wt-coord status` lists the instances');
      const base = options.base ?? (await defaultTarget(repo.mainWorktree));
      if (base === 'HEAD') throw new WtError('the main checkout is on no branch, so there is no default base', 'pass --base <branch>');
      const chosen = ids.length ? instances.filter((i) => ids.includes(i.id)) : instances;
      const say = options.json ? () => undefined : note;
      const results = await pullRequests(repo, chosen, { base, remote: options.remote, draft: options.draft }, say);
      if (options.json) return printJson({ base, results });
      printLines(
        ...results.map((r) => {
          if (r.action === 'pushed') return `${r.instance}: pushed ${r.branch}; ${r.url ? `open the pull request: ${r.url}` : `open a pull request from ${r.branch} into ${base} on the remote`}`;
          return `${r.instance}: ${r.action} ${r.url ?? '(gh printed no URL)'}  ${r.title}`;
        }),
      );
    });
}
