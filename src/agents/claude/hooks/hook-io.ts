// Hook input and output as Claude Code's hooks reference documents them.
// Input: one JSON object on stdin with session_id, transcript_path, cwd, hook_event_name and, for
// tool events, tool_name and tool_input. Output: exit 0 and a JSON object on stdout:
//   context for the model:  { "hookSpecificOutput": { "hookEventName": E, "additionalContext": "..." } }
//                           (SessionStart, UserPromptSubmit, PostToolUse; PreToolUse in current versions)
//   a blocked tool call:    { "hookSpecificOutput": { "hookEventName": "PreToolUse",
//                             "permissionDecision": "deny", "permissionDecisionReason": "..." } }
//                           (the reason is shown to Claude, which can correct course)
//   a note for the user:    top-level "systemMessage".
import { readStdin } from '../../../lib/stdin.js';
export interface HookInput {
  hook_event_name?: string;
  session_id?: string;
  cwd?: string;
  tool_name?: string;
  tool_input?: Record<string, unknown>;
  [key: string]: unknown;
}

export interface HookOutput {
  systemMessage?: string;
  hookSpecificOutput: {
    hookEventName: string;
    additionalContext?: string;
    permissionDecision?: 'allow' | 'deny' | 'ask';
    permissionDecisionReason?: string;
  };
}

export function contextOutput(event: string, text: string): HookOutput {
  return { hookSpecificOutput: { hookEventName: event, additionalContext: text } };
}

export function denyOutput(reason: string): HookOutput {
  return { hookSpecificOutput: { hookEventName: 'PreToolUse', permissionDecision: 'deny', permissionDecisionReason: reason } };
}

/** A tool input can be a whole file: at most this much of it is kept (the rest is read and counted). */
export const MAX_HOOK_INPUT_BYTES = 8 * 1024 * 1024;

/** The hook's input: stdin to its end (or `timeoutMs`, if the writer keeps it open); '' on a terminal.
 *  `truncated`: more came than is kept, so the text is not the whole input. */
export async function readHookInput(timeoutMs = 2000): Promise<{ text: string; truncated: boolean; totalBytes: number }> {
  if (process.stdin.isTTY) return { text: '', truncated: false, totalBytes: 0 };
  const read = await readStdin({ keepBytes: MAX_HOOK_INPUT_BYTES, timeoutMs });
  return { ...read, truncated: read.totalBytes > Buffer.byteLength(read.text) };
}

/** Empty or invalid input is not an error for a hook: it gets an empty object and a note. */
export function parseHookInput(text: string): { input: HookInput; problem?: string } {
  if (!text.trim()) return { input: {} };
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return { input: value as HookInput };
    return { input: {}, problem: 'hook input is JSON but not an object; ignored' };
  } catch {
    return { input: {}, problem: 'hook input is not JSON; ignored' };
  }
}
