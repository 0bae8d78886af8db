// What the real-Claude-Code tests share: a scripted model on 127.0.0.1, a private HOME that has
// answered Claude Code's first screens, the agent command `run` would be given, and polling.
import { execa } from 'execa';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { startFakeAnthropicApi, type FakeAnthropicApi, type FakeApiOptions } from '../fakes/anthropic-api.js';
import { CLAUDE_BIN, makeClaudeHome, type ClaudeHome, type ClaudeHomeOptions } from './claude-home.js';

/** The recommended unattended policy, with variadic options just before the prompt would go. */
export const CLAUDE_AGENT = `${CLAUDE_BIN} --permission-mode acceptEdits --allowedTools 'Bash(git add *)' 'Bash(git commit *)'`;

export interface ClaudeWorld {
  api: FakeAnthropicApi;
  home: ClaudeHome;
  /** The environment for wt-coord (and so for every agent it starts). */
  env: Record<string, string>;
  close(): Promise<void>;
}

export async function claudeWorld(apiOptions: FakeApiOptions, homeOptions: ClaudeHomeOptions): Promise<ClaudeWorld> {
  const api = await startFakeAnthropicApi(apiOptions);
  const home = makeClaudeHome(homeOptions);
  return {
    api,
    home,
    env: home.env(api.url),
    close: async () => {
      await api.close();
      home.cleanup();
    },
  };
}

/** Polls `check` until it returns a value (not undefined/false/null); fails naming `what` after `timeoutMs`. */
export async function waitFor<T>(what: string, check: () => T | Promise<T>, timeoutMs = 90_000, everyMs = 250): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined && value !== null && value !== false) return value as NonNullable<T>;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? ` (last error: ${(last as Error).message})` : ''}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

export interface TaskJson {
  id: string;
  status: string;
  claimed_by: string | null;
}

export function tasksIn(repoDir: string): TaskJson[] {
  try {
    return JSON.parse(readFileSync(path.join(repoDir, '.git', 'wt-coord', 'tasks.json'), 'utf8')).tasks;
  } catch {
    return [];
  }
}

export interface AgentRecordJson {
  instance: number;
  name: string;
  pid: number | null;
  session: string | null;
}

export function agentRecords(repoDir: string): AgentRecordJson[] {
  try {
    return JSON.parse(readFileSync(path.join(repoDir, '.git', 'wt-coord', 'agents.json'), 'utf8')).agents;
  } catch {
    return [];
  }
}

/** The pid of the claude process under an instance's launch script (the tmux pane's bash). */
export async function claudePidOf(repoDir: string, name: string): Promise<number | null> {
  const record = agentRecords(repoDir).find((a) => a.name === name);
  if (!record?.pid) return null;
  const children = await execa('pgrep', ['-P', String(record.pid)], { reject: false });
  const pid = Number(String(children.stdout).trim().split('\n')[0]);
  return Number.isInteger(pid) && pid > 0 ? pid : null;
}

/** Every process's full command line, as `ps` shows it to any user. */
export async function processList(): Promise<string> {
  return String((await execa('ps', ['-eww', '-o', 'args='], { reject: false })).stdout);
}

/** What an instance's tmux pane shows now (for a failure message). */
export async function paneText(repoDir: string, name: string): Promise<string> {
  const record = agentRecords(repoDir).find((a) => a.name === name);
  if (!record?.session) return `(${name} has no tmux session)`;
  const socket = process.env.WT_COORD_TMUX_SOCKET;
  const r = await execa('tmux', [...(socket ? ['-L', socket] : []), 'capture-pane', '-p', '-t', `=${record.session}:`], { reject: false });
  return String(r.stdout).split('\n').filter((l) => l.trim()).slice(-25).join('\n');
}

/** waitFor, with the instance's pane and agent state added to the failure. */
export async function waitForAgent<T>(repoDir: string, name: string, what: string, check: () => T | Promise<T>, timeoutMs?: number): Promise<NonNullable<T>> {
  try {
    return await waitFor(what, check, timeoutMs);
  } catch (error) {
    let state = '';
    try {
      state = readFileSync(path.join(repoDir, '.git', 'wt-coord', 'agents', `${name}.state.json`), 'utf8');
    } catch {
      state = '(no state file)';
    }
    throw new Error(`${(error as Error).message}\n${name} state: ${state}\n${name} pane:\n${await paneText(repoDir, name)}`);
  }
}
