// One spawn step: give an instance's agent what it needs to cooperate, by the agent it runs.
//   Claude Code: CLAUDE.local.md, hooks in .claude/settings.local.json, the MCP server in .mcp.json
//                (or the `claude mcp add` command to run, where the project tracks a .mcp.json);
//   others:      AGENTS.md (where the project tracks none) and coordinate.sh.
// Every file is untracked and listed in info/exclude; a file the project tracks is never changed.
import path from 'node:path';
import type { Instance } from '../coord/instances/index.js';
import { gitMaybe } from '../lib/git.js';
import { DIST_DIR } from '../lib/package-paths.js';
import { ensureExcluded } from '../workspace/exclude.js';
import { kitDir } from '../workspace/kit.js';
import type { RepoContext } from '../workspace/repo.js';
import type { AgentIntegration as WorkspaceAgentIntegration } from '../workspace/agent-setup.js';
import { agentFamily, type AgentFamily } from './agent-kind.js';
import { CLAUDE_SETTINGS_FILE, coordinationAllowRules, wtCoordHooks, writeClaudeSettings } from './claude/index.js';
import { guidanceFileFor, writeGuidance } from './guidance.js';
import { MCP_CONFIG_FILE, MCP_SERVER_NAME, claudeMcpAddCommand, mcpServerCommand, writeMcpConfig } from './mcp/index.js';

export interface AgentIntegration extends WorkspaceAgentIntegration {
  family: AgentFamily;
}

/** The light entry the hooks call: it loads almost nothing when there is nothing new. */
export function hookEntryPath(): string {
  return path.join(DIST_DIR, 'hook.js');
}

export function cliEntryPath(): string {
  return path.join(DIST_DIR, 'cli.js');
}

async function isTracked(worktree: string, relative: string): Promise<boolean> {
  const listed = await gitMaybe(worktree, ['ls-files', '--', relative]);
  return Boolean(listed && listed.trim());
}

// Instances are made in parallel and info/exclude is read-modify-write: one update at a time.
let excludeChain: Promise<unknown> = Promise.resolve();
function exclude(commonDir: string, patterns: string[]): Promise<void> {
  const next = excludeChain.then(() => ensureExcluded(commonDir, patterns));
  excludeChain = next.catch(() => undefined);
  return next;
}

export async function installAgentIntegration(repo: RepoContext, instance: Instance): Promise<AgentIntegration> {
  const family = agentFamily(instance.agent);
  const result: AgentIntegration = { family, files: [], notes: [] };
  const write = async (relative: string, fn: () => Promise<string>) => {
    await exclude(repo.commonDir, [`/${relative.split(path.sep).join('/')}`]);
    result.files.push(await fn());
  };

  const guidance = guidanceFileFor(family);
  if (await isTracked(instance.worktree, guidance)) {
    result.notes.push(`${instance.name}: the project tracks ${guidance}; guidance not written there (see ${path.join(kitDir(instance.worktree), 'coordinate.sh')} help)`);
  } else {
    await write(guidance, () => writeGuidance(instance, family));
  }
  if (family !== 'claude') return result;

  const server = mcpServerCommand(process.execPath, cliEntryPath(), instance.id, instance.worktree);
  const mcpTracked = await isTracked(instance.worktree, MCP_CONFIG_FILE);
  if (mcpTracked) {
    result.notes.push(`${instance.name}: the project tracks ${MCP_CONFIG_FILE}; to give Claude Code the wt-coord tools there, run:\n  ${claudeMcpAddCommand(instance.worktree, server)}`);
  } else {
    await write(MCP_CONFIG_FILE, () => writeMcpConfig(instance.worktree, server));
  }

  if (await isTracked(instance.worktree, CLAUDE_SETTINGS_FILE)) {
    result.notes.push(`${instance.name}: the project tracks ${CLAUDE_SETTINGS_FILE}; Claude Code hooks not installed (wt-coord never changes tracked files)`);
  } else {
    const hooks = wtCoordHooks(process.execPath, hookEntryPath(), kitDir(instance.worktree));
    const allow = coordinationAllowRules({ kitDir: kitDir(instance.worktree), memoryBank: instance.memory_bank, coordDir: instance.coordination });
    await write(CLAUDE_SETTINGS_FILE, () => writeClaudeSettings(instance.worktree, hooks, mcpTracked ? undefined : MCP_SERVER_NAME, allow));
  }
  return result;
}
