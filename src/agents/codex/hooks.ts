// wt-coord's hooks for Codex, passed per launch through `-c` (Codex's session-flags config layer),
// with their trust, so nothing is written into the user's CODEX_HOME and no "Hooks need review"
// screen waits for a key. Codex 0.169.0 runs a hook only when `hooks.state."<key>".trusted_hash`
// matches the hook's identity:
//   key:  "/<session-flags>/config.toml:<event in snake_case>:<group index>:<handler index>"
//   hash: "sha256:" + sha256 of the compact, key-sorted JSON of
//         {"event_name":"<snake>","hooks":[{"async":false,"command":"…","timeout":<s>,"type":"command"}],"matcher"?:"…"}
// (found by trusting hooks on the review screen and reproducing the recorded hashes; a test pins it
// against the real binary: an untrusted hook does not run, silently).
import { createHash } from 'node:crypto';
import { shellQuote } from '../../lib/shell-quote.js';

/** The events wt-coord listens to, with Codex's snake_case label (part of the trust key and hash). */
export const CODEX_HOOK_EVENTS = {
  SessionStart: 'session_start',
  UserPromptSubmit: 'user_prompt_submit',
  PostToolUse: 'post_tool_use',
  PermissionRequest: 'permission_request',
  Stop: 'stop',
} as const;
export type CodexHookEvent = keyof typeof CODEX_HOOK_EVENTS;

const SESSION_FLAGS_SOURCE = '/<session-flags>/config.toml';

/** Marks the hook commands wt-coord passes (a shell comment: the command ignores it). */
const HOOK_MARKER = '# wt-coord-hook codex';

export interface CodexHook {
  event: CodexHookEvent;
  command: string;
  /** Seconds; explicit, because the hash covers the value Codex normalises to (600 when omitted). */
  timeout: number;
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') return Object.fromEntries(Object.keys(value).sort().map((k) => [k, sortKeys((value as Record<string, unknown>)[k])]));
  return value;
}

export function hookTrustKey(event: CodexHookEvent): string {
  return `${SESSION_FLAGS_SOURCE}:${CODEX_HOOK_EVENTS[event]}:0:0`;
}

export function hookTrustHash(hook: CodexHook): string {
  const identity = { event_name: CODEX_HOOK_EVENTS[hook.event], hooks: [{ async: false, command: hook.command, timeout: hook.timeout, type: 'command' }] };
  return `sha256:${createHash('sha256').update(JSON.stringify(sortKeys(identity))).digest('hex')}`;
}

/** Context for the model (who it is, its task, new messages and discoveries) and its state (PermissionRequest, Stop). */
export function codexHooks(nodePath: string, hookEntry: string, kitDir: string): CodexHook[] {
  const command = (event: CodexHookEvent) => `${shellQuote(nodePath)} ${shellQuote(hookEntry)} ${shellQuote(kitDir)} ${event} ${HOOK_MARKER}`;
  return [
    { event: 'SessionStart', command: command('SessionStart'), timeout: 20 },
    { event: 'UserPromptSubmit', command: command('UserPromptSubmit'), timeout: 10 },
    { event: 'PostToolUse', command: command('PostToolUse'), timeout: 10 },
    { event: 'PermissionRequest', command: command('PermissionRequest'), timeout: 10 },
    { event: 'Stop', command: command('Stop'), timeout: 10 },
  ];
}

/** A TOML basic string (JSON's escapes are valid TOML for the characters a path or command holds). */
export const tomlString = (text: string): string => JSON.stringify(text);

/** `-c` arguments: one per event, then the trust of all of them. */
export function hookConfigArgs(hooks: CodexHook[]): string[] {
  const args: string[] = [];
  for (const hook of hooks) args.push('-c', `hooks.${hook.event}=[{hooks=[{type="command",command=${tomlString(hook.command)},timeout=${hook.timeout}}]}]`);
  const state = hooks.map((hook) => `${tomlString(hookTrustKey(hook.event))}={trusted_hash=${tomlString(hookTrustHash(hook))}}`).join(',');
  args.push('-c', `hooks.state={${state}}`);
  return args;
}
