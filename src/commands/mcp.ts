import type { Command } from 'commander';
import { parseInstanceRef } from '../coord/instances/index.js';
import { openRepo } from '../workspace/repo.js';

export function register(program: Command): void {
  program
    .command('mcp')
    .description('serve the coordination as MCP tools over stdio (for Claude Code; spawn registers it per instance)')
    .option('--instance <k>', 'act for instance k (claim_task, report_progress, ... need it); without it the server acts for the leader')
    .option('--repo <dir>', 'a folder of the repository (default: the current folder)')
    .addHelpText(
      'after',
      [
        '',
        'Tools: init_coordination, create_task, claim_task, complete_task, get_status, add_discovery,',
        '       report_progress, send_message, read_inbox, claim_path, release_path.',
        'stdout carries the protocol; run it from an MCP client, e.g. in .mcp.json:',
        '  { "mcpServers": { "wt-coord": { "command": "wt-coord", "args": ["mcp", "--instance", "1"] } } }',
        'or: claude mcp add --scope local wt-coord -- wt-coord mcp --instance 1',
      ].join('\n'),
    )
    .action(async (options: { instance?: string; repo?: string }) => {
      // Bad input fails before anything is served: the client sees a process that exited with a message.
      const instanceId = options.instance === undefined ? null : parseInstanceRef(options.instance);
      const repo = await openRepo(options.repo ?? process.cwd());
      const { resolveIdentity, runMcpServer } = await import('../agents/mcp/mcp-server.js');
      const identity = await resolveIdentity(repo.coordDir, repo.mainWorktree, repo.memoryBankDir, instanceId);
      await runMcpServer(identity);
    });
}
