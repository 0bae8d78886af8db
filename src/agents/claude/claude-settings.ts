// Claude Code hooks in an instance's .claude/settings.local.json, merged into whatever is there.
//
// Format, as Claude Code's hooks reference documents it (code.claude.com/docs/en/hooks):
//   { "hooks": { "<Event>": [ { "matcher": "Edit|Write", "hooks": [ { "type": "command", "command": "...", "timeout": 10 } ] } ] } }
// `matcher` is a tool-name regex and only matters for PreToolUse/PostToolUse; SessionStart and
// UserPromptSubmit take none. `timeout` is in seconds. Commands run through the shell.
// settings.local.json is "local project settings (not committed)": the right place for per-machine paths.
//
// The merge keeps every key and every hook a person wrote; ours are recognized by a trailing shell
// comment, so a re-run replaces them instead of adding a second copy. A file we cannot parse is
// refused, never overwritten.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { WtError } from '../../lib/errors.js';
import { assertNoSymlinkBelow } from '../../lib/safe-path.js';
import { writeFileAtomic } from '../../lib/atomic.js';
import { shellQuote } from '../../lib/shell-quote.js';

export const CLAUDE_SETTINGS_FILE = path.join('.claude', 'settings.local.json');

/** Marks the hook commands wt-coord writes (a shell comment: the command ignores it). */
export const HOOK_MARKER = '# wt-coord-hook';

export const HOOK_EVENTS = ['SessionStart', 'UserPromptSubmit', 'PreToolUse', 'PostToolUse', 'PostToolUseFailure', 'PermissionRequest', 'Notification', 'Stop', 'SubagentStop', 'StopFailure', 'SessionEnd'] as const;
export type HookEvent = (typeof HOOK_EVENTS)[number];

export interface HookSpec {
  event: HookEvent;
  matcher?: string;
  command: string;
  timeout: number;
}

/** Edits, writes and multi-edits are what could land in memory-bank-shared/ or a claimed path. */
export const WRITE_TOOLS_MATCHER = 'Edit|Write|MultiEdit';

export function hookCommand(nodePath: string, hookEntry: string, kitDir: string, event: HookEvent): string {
  return `${shellQuote(nodePath)} ${shellQuote(hookEntry)} ${shellQuote(kitDir)} ${event} ${HOOK_MARKER}`;
}

export function wtCoordHooks(nodePath: string, hookEntry: string, kitDir: string): HookSpec[] {
  const command = (event: HookEvent) => hookCommand(nodePath, hookEntry, kitDir, event);
  return [
    { event: 'SessionStart', command: command('SessionStart'), timeout: 20 },
    { event: 'UserPromptSubmit', command: command('UserPromptSubmit'), timeout: 10 },
    { event: 'PreToolUse', matcher: WRITE_TOOLS_MATCHER, command: command('PreToolUse'), timeout: 10 },
    { event: 'PostToolUse', matcher: '*', command: command('PostToolUse'), timeout: 10 },
    // The agent's state (hook-state.ts): these only record it; Stop may also send the agent on (stop.ts).
    { event: 'PostToolUseFailure', matcher: '*', command: command('PostToolUseFailure'), timeout: 10 },
    { event: 'PermissionRequest', matcher: '*', command: command('PermissionRequest'), timeout: 10 },
    { event: 'Notification', command: command('Notification'), timeout: 10 },
    { event: 'Stop', command: command('Stop'), timeout: 20 },
    { event: 'SubagentStop', command: command('SubagentStop'), timeout: 10 },
    { event: 'StopFailure', command: command('StopFailure'), timeout: 10 },
    { event: 'SessionEnd', command: command('SessionEnd'), timeout: 5 },
  ];
}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isOurs(hook: unknown): boolean {
  return isObject(hook) && typeof hook.command === 'string' && hook.command.includes(HOOK_MARKER);
}

/** Parses an existing settings file, refusing anything the merge could not keep intact. */
export function parseSettings(file: string, text: string | null): Json {
  if (text === null || text.trim() === '') return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new WtError(`${file} is not valid JSON (${(error as Error).message}): wt-coord will not overwrite it`, 'fix the JSON (or delete the file) and spawn again; wt-coord merges its hooks into it');
  }
  if (!isObject(value)) throw new WtError(`${file} is not a JSON object: wt-coord will not overwrite it`, 'make it an object ({ ... }) or delete it, and spawn again');
  if (value.hooks !== undefined) {
    if (!isObject(value.hooks)) throw new WtError(`${file}: "hooks" is not an object: wt-coord will not overwrite it`, 'see Claude Code\'s hooks reference for the format, fix it, and spawn again');
    for (const [event, groups] of Object.entries(value.hooks)) {
      if (!Array.isArray(groups)) throw new WtError(`${file}: hooks.${event} is not an array: wt-coord will not overwrite it`, 'each event takes a list of { matcher, hooks: [...] }; fix it and spawn again');
    }
  }
  return value;
}

/**
 * Existing settings plus our hooks, the permission rules the protocol needs (permissions.allow,
 * added where missing, the user's own rules kept) and, if given, our MCP server approved.
 */
export function mergeSettings(existing: Json, hooks: HookSpec[], approveMcpServer?: string, allowRules: string[] = []): Json {
  const merged: Json = { ...existing };
  const allHooks: Record<string, unknown[]> = { ...((existing.hooks as Record<string, unknown[]> | undefined) ?? {}) };
  // Drop earlier copies of ours; a group left with no hooks was ours alone.
  for (const [event, groups] of Object.entries(allHooks)) {
    allHooks[event] = groups.flatMap((group) => {
      if (!isObject(group) || !Array.isArray(group.hooks) || !group.hooks.some(isOurs)) return [group];
      const kept = group.hooks.filter((h) => !isOurs(h));
      return kept.length > 0 ? [{ ...group, hooks: kept }] : [];
    });
  }
  for (const spec of hooks) {
    const group: Json = spec.matcher === undefined ? {} : { matcher: spec.matcher };
    group.hooks = [{ type: 'command', command: spec.command, timeout: spec.timeout }];
    allHooks[spec.event] = [...(allHooks[spec.event] ?? []), group];
  }
  merged.hooks = allHooks;
  if (allowRules.length) {
    const permissions = isObject(existing.permissions) ? existing.permissions : {};
    const allow = Array.isArray(permissions.allow) ? (permissions.allow as unknown[]) : [];
    merged.permissions = { ...permissions, allow: [...allow, ...allowRules.filter((r) => !allow.includes(r))] };
  }
  if (approveMcpServer) {
    // "enabledMcpjsonServers": servers from .mcp.json approved without a prompt (settings reference).
    const current = Array.isArray(existing.enabledMcpjsonServers) ? (existing.enabledMcpjsonServers as unknown[]) : [];
    if (!current.includes(approveMcpServer)) merged.enabledMcpjsonServers = [...current, approveMcpServer];
  }
  return merged;
}

export async function writeClaudeSettings(worktree: string, hooks: HookSpec[], approveMcpServer?: string, allowRules: string[] = []): Promise<string> {
  const file = path.join(worktree, CLAUDE_SETTINGS_FILE);
  await assertNoSymlinkBelow(worktree, file); // a committed .claude -> elsewhere would cross-wire instances
  const text = await fs.readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return null;
    throw error;
  });
  const merged = mergeSettings(parseSettings(file, text), hooks, approveMcpServer, allowRules);
  await fs.mkdir(path.dirname(file), { recursive: true });
  await writeFileAtomic(file, `${JSON.stringify(merged, null, 2)}\n`);
  return file;
}
