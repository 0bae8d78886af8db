// Entry of the Claude Code hooks: `hook.js <instance kit dir> <Event>`, called by the commands
// spawn writes into .claude/settings.local.json. UserPromptSubmit and PostToolUse run on every
// prompt and every tool call, so when nothing is new this file decides it with a few stat() calls
// and exits, having loaded only node:fs (no zod, no store). Built as one standalone file
// (scripts/build.mjs); the full run is dist/hook-run.js, imported on demand.
// A hook never blocks the agent because wt-coord failed: failures go to stderr with exit 0.
import { stampUnchanged } from './hook-stamp.js';

/** The built full run, next to the built hook.js (a variable: the bundler leaves it to run time). */
const RUN_MODULE = './hook-run.js';

const [kitDir, event] = process.argv.slice(2);
const cheapEvents = new Set(['UserPromptSubmit', 'PostToolUse']);

if (!(kitDir && event && cheapEvents.has(event) && stampUnchanged(kitDir))) {
  try {
    const { runHook } = (await import(RUN_MODULE)) as typeof import('./hooks/run.js');
    await runHook(kitDir, event);
  } catch (error) {
    process.stderr.write(`wt-coord hook: ${(error as Error)?.message ?? String(error)}\n`);
    process.exitCode = 0;
  }
}
