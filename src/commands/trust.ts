import type { Command } from 'commander';
import { createInterface } from 'node:readline/promises';
import { ExitCode, WtError } from '../lib/errors.js';
import { openRepo } from '../workspace/repo.js';
import { applyTrust, describeTrustPlan, planTrust } from '../agents/claude/index.js';
import { applyCodexTrust, describeCodexTrustPlan, planCodexTrust } from '../agents/codex/index.js';
import { printJson, printLines } from './output.js';

async function askYes(question: string): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return /^y(es)?$/i.test((await rl.question(question)).trim());
  } finally {
    rl.close();
  }
}

/** The same flow for Codex: one record, the trust of the main checkout (every worktree is covered). */
async function trustForCodex(mainRepo: string, options: { yes?: boolean; json?: boolean }): Promise<void> {
  const plan = await planCodexTrust(mainRepo);
  const changes = describeCodexTrustPlan(plan);
  if (changes.length === 0) {
    if (options.json) return printJson({ file: plan.file, recorded: [] });
    return printLines(`nothing to record: ${plan.file} already says how far Codex trusts ${mainRepo} (an "untrusted" there is yours to change)`);
  }
  if (!options.yes) {
    if (!process.stdin.isTTY) throw new WtError(`wt-coord trust would change ${plan.file} and needs your yes`, 'run it in a terminal to be asked, or pass --yes if you have decided', ExitCode.usage);
    process.stderr.write(`wt-coord would record:\n${changes.map((c) => `  - ${c}`).join('\n')}\n`);
    if (!(await askYes('Record this? [y/N] '))) throw new WtError('nothing recorded: you said no', 'Codex will ask "Trust this folder?" on each instance\'s first screen (wt-coord attach <k> to answer)');
  }
  await applyCodexTrust(plan);
  if (options.json) return printJson({ file: plan.file, recorded: changes });
  printLines(`recorded in ${plan.file}:`, ...changes.map((c) => `  ${c}`));
}

export function register(program: Command): void {
  program
    .command('trust')
    .description("record in the agent's own config (Claude Code's, or Codex's with --agent codex) that you trust the main checkout (every instance is a worktree of it) and, if ANTHROPIC_API_KEY is set, that Claude Code may use that key: what Claude Code would otherwise ask on every instance's first screen")
    .option('--agent <kind>', 'whose config: claude (default) or codex (trust_level = "trusted" for the main checkout in $CODEX_HOME/config.toml)', 'claude')
    .option('--yes', 'do not ask: you have decided (for scripts)')
    .option('--json', 'print what was recorded as JSON')
    .addHelpText('after', '\nIt writes $CLAUDE_CONFIG_DIR/.claude.json or ~/.claude.json the way Claude Code does when you answer Yes, keeping every other key.\n\nExamples:\n  wt-coord trust\n  wt-coord trust --yes\n  wt-coord trust --agent codex')
    .action(async (options: { agent: string; yes?: boolean; json?: boolean }) => {
      if (options.agent !== 'claude' && options.agent !== 'codex') throw new WtError(`--agent must be claude or codex, got "${options.agent}"`, 'wt-coord trust --agent codex', ExitCode.usage);
      const repo = await openRepo();
      if (options.agent === 'codex') return trustForCodex(repo.mainWorktree, options);
      const plan = await planTrust(repo.mainWorktree);
      const changes = describeTrustPlan(plan);
      if (changes.length === 0) {
        if (options.json) return printJson({ file: plan.file, recorded: [] });
        return printLines(`nothing to record: Claude Code already trusts ${repo.mainWorktree}${process.env.ANTHROPIC_API_KEY ? ' and may use ANTHROPIC_API_KEY' : ''} (${plan.file})`);
      }
      if (!options.yes) {
        if (!process.stdin.isTTY) throw new WtError(`wt-coord trust would change ${plan.file} and needs your yes`, 'run it in a terminal to be asked, or pass --yes if you have decided', ExitCode.usage);
        process.stderr.write(`In ${plan.file}, wt-coord would record that Claude Code may:\n${changes.map((c) => `  - ${c}`).join('\n')}\n`);
        if (!(await askYes('Record this? [y/N] '))) throw new WtError('nothing recorded: you said no', 'Claude Code will ask on each instance\'s first screen (wt-coord attach <k> to answer)');
      }
      await applyTrust(plan);
      if (options.json) return printJson({ file: plan.file, recorded: changes });
      printLines(`recorded in ${plan.file}:`, ...changes.map((c) => `  ${c}`));
    });
}
