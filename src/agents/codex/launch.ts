// How wt-coord starts Codex (0.169.0) for an instance: unattended, in its sandbox, never bypassing it.
//   --no-daemon                  no `codex app-server --managed-daemon` left behind after stop/teardown
//   --sandbox workspace-write    the worktree is writable; everything else read-only; no network
//   --ask-for-approval never     nothing waits for a key: a command the sandbox refuses fails back
//                                to the model instead of stopping the session
//   --add-dir <dir>              exactly the writable roots the protocol needs outside the worktree:
//                                the coordination folder (queue, locks, messages, discovery queue)
//                                and, for `git commit` from a worktree, the shared objects, refs and
//                                reflogs plus this worktree's own admin folder (index, HEAD)
//   -c hooks.*                   context and state (./hooks.ts), trusted per launch
//   -c mcp_servers.wt-coord.*    the wt-coord MCP server, its tools approved
// Not set, the user's choice: the model, the provider, network access, their own hooks and servers.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { codexHooks, hookConfigArgs, tomlString } from './hooks.js';

export interface CodexLaunchInput {
  worktree: string;
  /** The repository's common git folder (the main checkout's .git). */
  commonDir: string;
  coordDir: string;
  kitDir: string;
  nodePath: string;
  hookEntry: string;
  /** The wt-coord MCP server: its name for Codex and how to start it. */
  mcpServer: { name: string; command: string; args: string[] };
}

/** This worktree's admin folder under <common>/worktrees/, from the `gitdir:` line of its .git file. */
export function worktreeGitDir(worktree: string, commonDir: string): string {
  try {
    const line = readFileSync(path.join(worktree, '.git'), 'utf8').trim();
    const match = /^gitdir:\s*(.+)$/.exec(line);
    if (match) return path.resolve(worktree, match[1]!);
  } catch {
    // not a linked worktree (the main checkout has a .git folder): its admin folder is the common one
  }
  return commonDir;
}

/** The repository's common git folder, from the worktree's admin folder (`commondir`), else <main>/.git. */
export function codexCommonDir(worktree: string, mainRepo: string): string {
  const own = worktreeGitDir(worktree, path.join(mainRepo, '.git'));
  try {
    return path.resolve(own, readFileSync(path.join(own, 'commondir'), 'utf8').trim());
  } catch {
    return own;
  }
}

/** The folders outside the worktree that the sandbox must let the agent write, and no others. */
export function codexWritableRoots(input: Pick<CodexLaunchInput, 'worktree' | 'commonDir' | 'coordDir'>): string[] {
  const roots = [input.coordDir, path.join(input.commonDir, 'objects'), path.join(input.commonDir, 'refs'), path.join(input.commonDir, 'logs')];
  const own = worktreeGitDir(input.worktree, input.commonDir);
  if (own !== input.commonDir) roots.push(own);
  return roots;
}

export function codexArguments(input: CodexLaunchInput): string[] {
  const args = ['--no-daemon', '--sandbox', 'workspace-write', '--ask-for-approval', 'never'];
  for (const dir of codexWritableRoots(input)) args.push('--add-dir', dir);
  args.push(...hookConfigArgs(codexHooks(input.nodePath, input.hookEntry, input.kitDir)));
  const server = `mcp_servers.${input.mcpServer.name}`;
  args.push('-c', `${server}.command=${tomlString(input.mcpServer.command)}`);
  args.push('-c', `${server}.args=[${input.mcpServer.args.map(tomlString).join(',')}]`);
  args.push('-c', `${server}.default_tools_approval_mode="approve"`);
  // A line typed by wt-coord's waker arrives as fast as a paste: without this, the Enter after it
  // is taken as part of the paste (a new line in the composer) instead of submitting it.
  args.push('-c', 'tui.disable_paste_burst=true');
  return args;
}
