import type { Command } from 'commander';
import { openRepo } from '../workspace/repo.js';
import { refreshInstances } from '../workspace/refresh.js';
import { installAgentIntegration } from '../agents/install.js';
import { note, printJson, printLines } from './output.js';
import { parseInstanceList } from './parse.js';

export function register(program: Command): void {
  program
    .command('refresh')
    .description("re-render what spawn put into instances (coordinate.sh, info.json, commit hook, the agent's guidance, hooks and MCP entry), e.g. after upgrading or moving wt-coord")
    .argument('[instances...]', 'instances to refresh (default: all)')
    .option('--json', 'print what was refreshed as JSON')
    .addHelpText('after', '\nKeeps what a person added: other keys of .claude/settings.local.json, text outside the\nguidance markers. Tracked files are never changed.\n\nExamples:\n  wt-coord refresh\n  wt-coord refresh 2 3')
    .action(async (refs: string[], options: { json?: boolean }) => {
      const result = await refreshInstances(await openRepo(), parseInstanceList(refs), installAgentIntegration);
      if (options.json) return printJson(result);
      printLines(...result.refreshed.map((name) => `refreshed ${name}`), ...result.missing.map((name) => `skipped ${name}: its folder is gone (wt-coord teardown ${name.replace('instance-', '')} cleans up)`));
      for (const line of result.notes) note(line);
    });
}
