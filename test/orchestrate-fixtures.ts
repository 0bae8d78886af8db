// Shared pieces of the orchestration tests: a private tmux server, the fake agent, task lists.
import { execa } from 'execa';
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT, cli } from './helpers.js';

export const FAKE_AGENT = path.join(ROOT, 'test/fixtures/fake-agent.sh');

/** A tmux server of our own (tmux -L), so tests never touch a person's sessions. */
export function useOwnTmuxServer(tag: string): string {
  const socket = `wtc-test-${tag}-${process.pid}`;
  process.env.WT_COORD_TMUX_SOCKET = socket;
  return socket;
}

export async function killTmuxServer(socket: string): Promise<void> {
  await execa('tmux', ['-L', socket, 'kill-server'], { reject: false });
  // tmux leaves the socket file of a killed server behind.
  rmSync(path.join(process.env.TMUX_TMPDIR ?? '/tmp', `tmux-${process.getuid?.() ?? 0}`, socket), { force: true });
}

/** Why tmux tests skip, or false when tmux is here. */
export async function tmuxMissing(): Promise<string | false> {
  const found = await execa('tmux', ['-V'], { reject: false });
  return found.exitCode === 0 ? false : 'tmux is not installed here (.ci/run installs it); the launcher falls back to detached processes, tested separately';
}

export async function tmuxHasSession(socket: string, name: string): Promise<boolean> {
  return (await execa('tmux', ['-L', socket, 'has-session', '-t', `=${name}`], { reject: false })).exitCode === 0;
}

/** n tasks in layers: task k depends on one or two tasks of the layer before; each writes its own file. */
export function layeredTasks(n: number): { tasks: { id: string; description: string; priority: number; dependencies: string[]; context: { files: string[] } }[] } {
  const tasks = [];
  for (let k = 1; k <= n; k++) {
    const deps = k <= 3 ? [] : [String(k - 3), ...(k % 2 === 0 ? [String(k - 2)] : [])];
    tasks.push({ id: String(k), description: `part ${k} of the demo`, priority: 1, dependencies: deps, context: { files: [`src/part-${k}.txt`] } });
  }
  return { tasks };
}

export function writeJson(file: string, value: unknown): string {
  writeFileSync(file, JSON.stringify(value, null, 2));
  return file;
}


/** The built CLI with string output (execa's types widen stdout when options are passed). */
export async function wtc(cwd: string, args: string[], options: { env?: Record<string, string>; timeout?: number } = {}): Promise<{ exitCode: number; stdout: string; stderr: string }> {
  const r = await cli(cwd, args, options);
  return { exitCode: r.exitCode ?? -1, stdout: String(r.stdout ?? ''), stderr: String(r.stderr ?? '') };
}
