// `wt-coord claims`: every path claim, its holder, task and reason, and whether its lease ran out.
// Loading this module also plugs the claims into `wt-coord status` and teardown.
import type { Command } from 'commander';
import { formatClaims, listClaims } from '../coord/claims/index.js';
import { openRepo } from '../workspace/repo.js';
import { claimOptionsOf } from '../workspace/claim-status.js';
import { printJson, printLines } from './output.js';

export function register(program: Command): void {
  program
    .command('claims')
    .description('path claims of the instances: pattern, holder, task, reason (expired ones no longer block)')
    .option('--instance <name>', 'only the claims of this instance')
    .option('--json', 'print as JSON')
    .addHelpText('after', '\nInstances claim with `coordinate.sh claim <path|glob> "why"`; the first claim wins.\n\nExamples:\n  wt-coord claims\n  wt-coord claims --json')
    .action(async (options: { instance?: string; json?: boolean }) => {
      const repo = await openRepo();
      let claims = await listClaims(repo.coordDir, claimOptionsOf(repo));
      if (options.instance) {
        const name = /^\d+$/.test(options.instance) ? `instance-${options.instance}` : options.instance;
        claims = claims.filter((c) => c.instance === name);
      }
      if (options.json) return printJson(claims);
      printLines(formatClaims(claims));
    });
}
