// Codex (@openai/codex 0.169.0) as an agent kind (src/agents/kind/driver.ts says how kinds plug in).
//   launch     the user's words, then wt-coord's sandbox, approvals, hooks and MCP server (launch.ts),
//              then `--` and the prompt (Codex takes it as its one positional argument)
//   resume     not used: a restarted Codex starts a fresh session and its first prompt says which
//              task it held (what is committed is the state; `codex resume` was not pinned by a test)
//   state      its hooks (the same hook entry and events as Claude Code's: Codex sends the same
//              input shapes) plus the pane (pane.ts)
//   preflight  login/provider, trust of the repository root, refused options (preflight.ts)
import type { Instance } from '../../coord/instances/index.js';
import { kitDir } from '../../workspace/kit.js';
import { cliEntryPath, hookEntryPath } from '../install.js';
import type { AgentDriver } from '../kind/index.js';
import { MCP_SERVER_NAME, mcpServerCommand } from '../mcp/index.js';
import { codexArguments, codexCommonDir } from './launch.js';
import { readCodexPane } from './pane.js';
import { codexPreflight } from './preflight.js';

function wtCoordArguments(instance: Instance): string[] {
  return codexArguments({
    worktree: instance.worktree,
    commonDir: codexCommonDir(instance.worktree, instance.main_repo),
    coordDir: instance.coordination,
    kitDir: kitDir(instance.worktree),
    nodePath: process.execPath,
    hookEntry: hookEntryPath(),
    mcpServer: { name: MCP_SERVER_NAME, ...mcpServerCommand(process.execPath, cliEntryPath(), instance.id, instance.worktree) },
  });
}

export const codexDriver: AgentDriver = {
  name: 'codex',
  matches: (program) => program === 'codex',
  // `--`: a prompt that starts with "-" is still the prompt.
  launchArgs: ({ argv, prompt, instance }) => [...argv, ...wtCoordArguments(instance), '--', prompt],
  preflight: codexPreflight,
  readPane: readCodexPane,
  nudgeText: (coordinate, what) => `wt-coord: ${what}. Run ${coordinate} request-task (and read your inbox: ${coordinate} inbox), then carry on as before.`,
};
