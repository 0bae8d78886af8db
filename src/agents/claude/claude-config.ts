// Claude Code's own record of what a person answered on its first screens: `.claude.json` in
// $CLAUDE_CONFIG_DIR or the home folder. What 2.1.332 reads (found by running it and reading what
// it wrote after each answer, and in its bundle):
//   hasCompletedOnboarding                          the first-run screens are done
//   customApiKeyResponses.approved                  the last 20 characters of each API key approved
//   projects[<folder>].hasTrustDialogAccepted       the folder is trusted; Claude Code keys trust on
//                                                   the main checkout of a git worktree, and a folder
//                                                   under a trusted folder counts as trusted
// wt-coord reads this file for preflight; `wt-coord trust` (trust.ts) writes those answers after
// the user's explicit yes.
import { promises as fs } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { WtError } from '../../lib/errors.js';

type Json = Record<string, unknown>;

export function claudeConfigFile(env: NodeJS.ProcessEnv = process.env): string {
  const dir = env.CLAUDE_CONFIG_DIR?.trim() || env.HOME || homedir();
  return path.join(dir, '.claude.json');
}

export interface ClaudeConfig {
  file: string;
  exists: boolean;
  data: Json;
}

export async function readClaudeConfig(env: NodeJS.ProcessEnv = process.env): Promise<ClaudeConfig> {
  const file = claudeConfigFile(env);
  const text = await fs.readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return null;
    throw new WtError(`cannot read ${file}: ${error.message}`, 'check its permissions');
  });
  if (text === null) return { file, exists: false, data: {} };
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new WtError(`${file} is not valid JSON (${(error as Error).message})`, 'start claude once to let it repair the file, or fix the JSON');
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) throw new WtError(`${file} is not a JSON object`, 'start claude once to let it repair the file');
  return { file, exists: true, data: data as Json };
}

function projects(config: ClaudeConfig): Record<string, Json> {
  const value = config.data.projects;
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, Json>) : {};
}

/** The trusted folder that covers `dir` (itself or a parent), or null. */
export function trustedRoot(config: ClaudeConfig, dir: string): string | null {
  const all = projects(config);
  for (let current = path.resolve(dir); ; current = path.dirname(current)) {
    if (all[current]?.hasTrustDialogAccepted === true) return current;
    if (path.dirname(current) === current) return null;
  }
}

export function onboardingDone(config: ClaudeConfig): boolean {
  return config.data.hasCompletedOnboarding === true;
}

/** 'approved', 'rejected', or 'unknown' (Claude Code would ask) for an API key. */
export function apiKeyAnswer(config: ClaudeConfig, key: string): 'approved' | 'rejected' | 'unknown' {
  const responses = config.data.customApiKeyResponses as { approved?: unknown; rejected?: unknown } | undefined;
  const tail = key.slice(-20);
  if (Array.isArray(responses?.approved) && responses.approved.includes(tail)) return 'approved';
  if (Array.isArray(responses?.rejected) && responses.rejected.includes(tail)) return 'rejected';
  return 'unknown';
}
