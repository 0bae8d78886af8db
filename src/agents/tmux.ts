// The one module that runs tmux. WT_COORD_TMUX_SOCKET selects a separate tmux server (`tmux -L`),
// so tests (and people who want it) keep wt-coord's sessions apart from their own.
import { createHash } from 'node:crypto';
import { execa } from 'execa';
import { WtError } from '../lib/errors.js';
import { findProgram } from './agent-command.js';

export function tmuxSocketArgs(): string[] {
  const socket = process.env.WT_COORD_TMUX_SOCKET;
  return socket ? ['-L', socket] : [];
}

/** tmux is used unless it is missing or WT_COORD_NO_TMUX=1 asks for detached processes instead. */
export function tmuxAvailable(): boolean {
  if (process.env.WT_COORD_NO_TMUX === '1') return false;
  return findProgram('tmux', process.cwd()) !== null;
}

export async function tmux(args: string[]): Promise<string> {
  const result = await execa('tmux', [...tmuxSocketArgs(), ...args], { reject: false });
  if (result.exitCode !== 0) throw new WtError(`tmux ${args[0]} failed: ${(result.stderr || result.stdout || `exit ${result.exitCode}`).trim().split('\n')[0]}`, 'check that tmux works here (tmux -V)');
  return result.stdout;
}

export async function hasSession(name: string): Promise<boolean> {
  const result = await execa('tmux', [...tmuxSocketArgs(), 'has-session', '-t', `=${name}`], { reject: false });
  return result.exitCode === 0;
}

/**
 * tmux session names may not contain `.` or `:`; keep them to letters, digits, `_` and `-`. A short
 * hash of the coordination folder keeps two clones that share a folder name apart.
 */
export function sessionNameFor(repoName: string, coordDir: string, instanceName: string): string {
  const clean = (s: string) => s.replace(/[^A-Za-z0-9_-]+/g, '_').replace(/^_+|_+$/g, '') || 'repo';
  const tag = createHash('sha1').update(coordDir).digest('hex').slice(0, 6);
  return `wtc-${clean(repoName).slice(0, 40)}-${tag}-${clean(instanceName)}`;
}
