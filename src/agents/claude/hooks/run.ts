// The full hook run, loaded by hook-entry.ts only when there may be something to say (or the event
// always needs it: SessionStart, PreToolUse). Tolerant by contract: empty or invalid input, an
// unknown event or a wt-coord failure never blocks the agent; the problem goes to stderr, exit 0.
// The one exception is the write guard (PreToolUse): what it cannot check it denies.
import { formatError } from '../../../lib/errors.js';
import { loadInstanceContext, type InstanceContext } from '../../../instance/context.js';
import { jsonText } from '../../../lib/terminal-text.js';
import { MAX_HOOK_INPUT_BYTES, denyOutput, parseHookInput, readHookInput, type HookInput, type HookOutput } from './hook-io.js';
import { recordHookState } from './hook-state.js';
import type { StopDecision } from './stop.js';

export interface HookRun {
  event: string;
  input: HookInput;
  ctx: InstanceContext;
}

type Handler = (run: HookRun) => Promise<HookOutput | StopDecision | null>;

const handlers: Record<string, () => Promise<Handler>> = {
  SessionStart: async () => (await import('./session-start.js')).sessionStart,
  UserPromptSubmit: async () => (await import('./inbox-news.js')).inboxNews,
  PostToolUse: async () => (await import('./inbox-news.js')).inboxNews,
  PreToolUse: async () => (await import('./pre-tool-use.js')).preToolUse,
  Stop: async () => (await import('./stop.js')).stopHook,
};

function warn(message: string): void {
  process.stderr.write(`wt-coord hook: ${message}\n`);
}

/** A PreToolUse the guard could not check is denied, never waved through. */
function refuse(problem: string, fix: string): void {
  process.stdout.write(`${jsonText(denyOutput(`wt-coord refused this write: ${problem}; ${fix}.`), 0)}\n`);
}

export async function runHook(kitDir: string | undefined, eventArg: string | undefined): Promise<void> {
  process.exitCode = 0;
  // Always read to the end, even when the content is not needed: exiting with the input unread makes
  // Claude Code's write of it fail (EPIPE), which it reports as a hook error. Read while we work.
  const stdin = readHookInput();
  try {
    // PreToolUse, SessionStart and Stop use the input's content (and the agent state records it).
    const needsInput = eventArg === 'PreToolUse' || eventArg === 'SessionStart' || eventArg === 'Stop' || !eventArg;
    const read = needsInput ? await stdin : null;
    const { input, problem } = read ? parseHookInput(read.text) : { input: {} as HookInput, problem: undefined };
    if (problem) warn(problem);
    const event = eventArg || (typeof input.hook_event_name === 'string' ? input.hook_event_name : '');
    // The guard refuses what it cannot check: a write it cannot see the target of may be into the memory bank.
    if (event === 'PreToolUse' && read?.truncated) return refuse(`the tool input is ${read.totalBytes} bytes, over the ${MAX_HOOK_INPUT_BYTES / 1024 / 1024} MiB wt-coord's guard can check`, 'write the file in smaller parts');
    if (event === 'PreToolUse' && problem) return refuse(`the tool input could not be read (${problem})`, 'retry the tool call');
    const load = Object.hasOwn(handlers, event) ? handlers[event] : undefined;
    if (!load) {
      warn(`unknown hook event "${event || '(none)'}": nothing to do (handled: ${Object.keys(handlers).join(', ')})`);
      return;
    }
    if (!kitDir) {
      warn('no instance folder given: the hook command is `hook.js <.claude-instance dir> <Event>`');
      return;
    }
    recordHookState(kitDir, event, input);
    const ctx = await loadInstanceContext(kitDir);
    const output = await (await load())({ event, input, ctx });
    if (output) process.stdout.write(`${jsonText(output, 0)}\n`);
  } catch (error) {
    warn(formatError(error).replace(/^error: /, ''));
    if (eventArg === 'PreToolUse') refuse(`wt-coord's guard failed (${formatError(error).replace(/^error: /, '')})`, 'run `wt-coord doctor` in the main checkout; retry after');
  } finally {
    await stdin;
  }
}
