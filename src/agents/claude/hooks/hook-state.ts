// The agent state each Claude Code hook event means, recorded from inside the hook (node built-ins
// only: this runs on every tool call). Inputs as Claude Code 2.1.332 sends them (logged from the
// real binary; docs/claude-code.md lists them):
//   SessionStart        {session_id, transcript_path, source: startup|resume|clear|compact}
//   UserPromptSubmit, PreToolUse, PostToolUse, PostToolUseFailure      the agent works
//   PermissionRequest   {tool_name, tool_input}: the permission dialog is on screen now
//   Notification        {notification_type: permission_prompt|idle_prompt|..., message}; the
//                       permission one comes some seconds after PermissionRequest, without the tool
//   Stop / SubagentStop the turn ended: idle (unless our Stop hook sends it on, see stop-hook.ts)
//   StopFailure         {error: "rate_limit"|...}: the turn ended on an API error
//   SessionEnd          {reason}: the session is over (the process exits next)
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { recordSession, recordState, type StateReport } from '../../state/index.js';

type Input = Record<string, unknown>;

/** Events that only report state: the hook entry records them without loading the full run. */
export const STATE_ONLY_EVENTS: ReadonlySet<string> = new Set(['Notification', 'PermissionRequest', 'PostToolUseFailure', 'SubagentStop', 'StopFailure', 'SessionEnd']);
const text = (value: unknown) => (typeof value === 'string' ? value : null);

/** "Bash: npm publish", "Write: src/a.ts", or the tool's name. */
export function toolSummary(input: Input): string {
  const name = text(input.tool_name) ?? 'a tool';
  const toolInput = (input.tool_input ?? {}) as Input;
  const detail = text(toolInput.command) ?? text(toolInput.file_path) ?? text(toolInput.url) ?? text(toolInput.pattern);
  const line = detail?.split('\n')[0]?.slice(0, 120);
  return line ? `${name}: ${line}` : name;
}

export function stateForHook(event: string, input: Input): StateReport | null {
  switch (event) {
    case 'UserPromptSubmit':
    case 'PreToolUse':
    case 'PostToolUse':
    case 'PostToolUseFailure':
    case 'SubagentStart':
      return { state: 'working', source: event };
    case 'PermissionRequest':
      return { state: 'waiting-permission', source: event, tool: toolSummary(input) };
    case 'Notification': {
      const type = text(input.notification_type);
      if (type === 'idle_prompt') return { state: 'idle', source: event };
      // permission_prompt: PermissionRequest has already said which tool; keep that record.
      if (type === 'permission_prompt') return null;
      if (type === 'elicitation_dialog' || type === 'elicitation_url_dialog' || type === 'agent_needs_input') return { state: 'waiting-dialog', source: event, dialog: type, detail: text(input.message) };
      return null;
    }
    case 'Stop':
      return { state: 'idle', source: event };
    case 'StopFailure': {
      const error = text(input.error) ?? 'error';
      return error === 'rate_limit' ? { state: 'rate-limited', source: event, detail: text(input.last_assistant_message) } : { state: 'idle', source: event, detail: `the turn ended on an API error (${error})` };
    }
    case 'SessionEnd':
      return { state: 'exited', source: event, detail: `session ended (${text(input.reason) ?? 'unknown'})` };
    default:
      return null;
  }
}

interface Identity {
  name: string;
  coordDir: string;
}

function identity(kitDir: string): Identity | null {
  try {
    const info = JSON.parse(readFileSync(join(kitDir, 'info.json'), 'utf8')) as { name?: unknown; coordination_path?: unknown };
    return typeof info.name === 'string' && typeof info.coordination_path === 'string' ? { name: info.name, coordDir: info.coordination_path } : null;
  } catch {
    return null;
  }
}

/** Records what this hook event says about the agent; never throws (a hook must not block the agent). */
export function recordHookState(kitDir: string, event: string, input: Input): void {
  try {
    const who = identity(kitDir);
    if (!who) return;
    const sessionId = text(input.session_id);
    if (event === 'SessionStart' && sessionId) recordSession(who.coordDir, who.name, sessionId, text(input.transcript_path));
    // A Stop that our own Stop hook turns into more work is recorded by that hook, not here.
    const report = event === 'Stop' ? null : stateForHook(event, input);
    if (report) recordState(who.coordDir, who.name, report);
  } catch (error) {
    process.stderr.write(`wt-coord hook: could not record the agent state: ${(error as Error).message}\n`);
  }
}
