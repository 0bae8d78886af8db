// Registers `wt-coord mcp --instance k` where Claude Code finds it.
//
// Project scope, as Claude Code's MCP docs describe it: a `.mcp.json` at the project root,
//   { "mcpServers": { "<name>": { "command": "...", "args": [...], "env": {...} } } }
// Project servers need approval before first use; settings' `enabledMcpjsonServers` approves ours
// (claude-settings.ts). Where the project tracks its own .mcp.json we must not change it: the
// equivalent local-scope registration is `claude mcp add [--scope local] <name> -- <command> [args...]`,
// run from the worktree (local scope is keyed to the folder), which we print instead.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { WtError } from '../../lib/errors.js';
import { assertNoSymlinkBelow } from '../../lib/safe-path.js';
import { writeFileAtomic } from '../../lib/atomic.js';
import { shellQuote } from '../../lib/shell-quote.js';

export const MCP_CONFIG_FILE = '.mcp.json';
export const MCP_SERVER_NAME = 'wt-coord';

export interface McpServerCommand {
  command: string;
  args: string[];
}

/** Absolute paths and --repo: the server works whatever folder the client starts it in. */
export function mcpServerCommand(nodePath: string, cliEntry: string, instanceId: number, worktree: string): McpServerCommand {
  return { command: nodePath, args: [cliEntry, 'mcp', '--instance', String(instanceId), '--repo', worktree] };
}

/** The exact command that registers the server for one worktree without touching tracked files. */
export function claudeMcpAddCommand(worktree: string, server: McpServerCommand): string {
  const argv = [server.command, ...server.args].map(shellQuote).join(' ');
  return `cd ${shellQuote(worktree)} && claude mcp add --scope local ${MCP_SERVER_NAME} -- ${argv}`;
}

/** Adds (or refreshes) our server in the worktree's untracked .mcp.json, keeping any other server. */
export async function writeMcpConfig(worktree: string, server: McpServerCommand): Promise<string> {
  const file = path.join(worktree, MCP_CONFIG_FILE);
  await assertNoSymlinkBelow(worktree, file);
  const text = await fs.readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return null;
    throw error;
  });
  let config: Record<string, unknown> = {};
  if (text !== null && text.trim() !== '') {
    try {
      config = JSON.parse(text) as Record<string, unknown>;
    } catch (error) {
      throw new WtError(`${file} is not valid JSON (${(error as Error).message}): wt-coord will not overwrite it`, 'fix the JSON (or delete the file) and spawn again');
    }
    const servers = config?.mcpServers;
    if (typeof config !== 'object' || config === null || Array.isArray(config) || (servers !== undefined && (typeof servers !== 'object' || servers === null || Array.isArray(servers)))) {
      throw new WtError(`${file} is not of the form { "mcpServers": { ... } }: wt-coord will not overwrite it`, 'fix it (or delete it) and spawn again');
    }
  }
  const servers = { ...((config.mcpServers as Record<string, unknown> | undefined) ?? {}), [MCP_SERVER_NAME]: { type: 'stdio', command: server.command, args: server.args, env: {} } };
  await writeFileAtomic(file, `${JSON.stringify({ ...config, mcpServers: servers }, null, 2)}\n`);
  return file;
}
