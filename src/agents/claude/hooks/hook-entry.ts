// Entry of the Claude Code hooks: `hook.js <instance kit dir> <Event>`, called by the commands
// spawn writes into .claude/settings.local.json. UserPromptSubmit and PostToolUse run on every
// prompt and every tool call, so when nothing is new this file decides it with a few stat() calls
// and exits once its input is read, having loaded only node built-ins (no zod, no store). Built as one standalone file
// (scripts/build.mjs); the full run is dist/hook-run.cjs, imported on demand.
// A hook never blocks the agent because wt-coord failed: failures go to stderr with exit 0.
// Every path reads stdin to its end: Claude Code writes the hook input there, and a hook that exits
// without reading it makes that write fail (EPIPE once the input outgrows the pipe, e.g. a
// PostToolUse after a large Read), which Claude Code reports as a hook error.
// Every event also records what it says about the agent's state (hook-state.ts, node built-ins
// only); events that only report state (Notification, PermissionRequest, SessionEnd, ...) stop there.
import { parseHookInput, readHookInput } from './hook-io.js';
import { stampUnchanged } from './hook-stamp.js';
import { recordHookState, STATE_ONLY_EVENTS } from './hook-state.js';

/** The built full run, next to the built hook.js (a variable: the bundler leaves it to run time). */
const RUN_MODULE = './hook-run.cjs';

const [kitDir, event] = process.argv.slice(2);
const cheapEvents = new Set(['UserPromptSubmit', 'PostToolUse']);

if (kitDir && event && cheapEvents.has(event) && stampUnchanged(kitDir)) {
  await readHookInput();
  recordHookState(kitDir, event, {});
} else if (kitDir && event && STATE_ONLY_EVENTS.has(event)) {
  recordHookState(kitDir, event, parseHookInput((await readHookInput()).text).input);
} else {
  try {
    const { runHook } = (await import(RUN_MODULE)) as typeof import('./run.js');
    await runHook(kitDir, event);
  } catch (error) {
    // Only the import can fail here (runHook reports its own failures and reads stdin itself).
    process.stderr.write(`wt-coord hook: ${(error as Error)?.message ?? String(error)}\n`);
    process.exitCode = 0;
    await readHookInput();
  }
}
