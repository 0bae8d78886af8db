// Claude Code as an agent kind (see src/agents/kind/driver.ts for how kinds plug in).
//   prompt   after `--`, so that no option of the user's, variadic or not (`--allowedTools a b`,
//            `--add-dir x y`), can take it as one more value: commander ends options at `--`
//   resume   `--resume <session id>` (before `--`), the id its SessionStart hook recorded
//   state    its hooks (claude/hooks.ts) plus the pane (claude/pane.ts)
//   usage    the session transcripts
import type { AgentDriver } from '../kind/index.js';
import { readClaudePane } from './pane.js';
import { claudePreflight } from './preflight.js';
import { transcriptUsage } from './usage.js';

export const claudeDriver: AgentDriver = {
  name: 'claude',
  matches: (program) => program === 'claude',
  launchArgs: ({ argv, prompt, resumeSession }) => {
    const resume = resumeSession ? ['--resume', resumeSession] : [];
    return argv.includes('--') ? [...argv.slice(0, argv.indexOf('--')), ...resume, ...argv.slice(argv.indexOf('--')), prompt] : [...argv, ...resume, '--', prompt];
  },
  preflight: claudePreflight,
  readPane: readClaudePane,
  nudgeText: (coordinate, what) => `wt-coord: ${what}. Run ${coordinate} request-task (and read your inbox: ${coordinate} inbox), then carry on as before.`,
  usage: (session) => transcriptUsage(session.transcript),
};
