#!/usr/bin/env node
// The leader's CLI. Registers the commands and is the only place that decides the exit code.
import { Command, CommanderError } from 'commander';
import { ExitCode, exitCodeOf, formatError } from './lib/errors.js';
import { terminalText } from './lib/terminal-text.js';
import { register as registerInit } from './commands/init.js';
import { register as registerSpawn } from './commands/spawn.js';
import { register as registerStatus } from './commands/status.js';
import { register as registerTeardown } from './commands/teardown.js';
import { register as registerRefresh } from './commands/refresh.js';
import { register as registerTask } from './commands/task.js';
import { register as registerPlan } from './commands/plan.js';
import { register as registerDoctor } from './commands/doctor.js';
import { register as registerStart } from './commands/start.js';
import { register as registerAttach } from './commands/attach.js';
import { register as registerStop } from './commands/stop.js';
import { register as registerLogs } from './commands/logs.js';
import { register as registerCheckpoint } from './commands/checkpoint.js';
import { register as registerRestore } from './commands/restore.js';
import { register as registerIntegrate } from './commands/integrate.js';
import { register as registerConflicts } from './commands/conflicts.js';
import { register as registerPr } from './commands/pr.js';
import { register as registerLand } from './commands/land.js';
import { register as registerRun } from './commands/run.js';
import { register as registerMergeMemory } from './commands/merge-memory.js';
import { register as registerMemory } from './commands/memory.js';
import { register as registerMcp } from './commands/mcp.js';
import { register as registerMsg } from './commands/msg.js';
import { register as registerClaims } from './commands/claims.js';
import { register as registerWatch } from './commands/watch.js';
import { register as registerTrust } from './commands/trust.js';
import { register as registerWake } from './commands/wake.js';
import { packageVersion } from './lib/package-paths.js';

// `wt-coord task list | head`: a reader that stops early is not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(ExitCode.ok);
  throw error;
});

const program = new Command('wt-coord')
  .description('Run several AI coding agents on one repository: isolated git worktrees, a shared memory bank, live coordination.')
  .version(packageVersion())
  .showSuggestionAfterError(true)
  .exitOverride()
  .configureOutput({ outputError: (text, write) => write(text.trimEnd().split('\n')[0] + ' — see wt-coord --help\n') });

// In the order a user meets them, which is the order `wt-coord --help` lists them.
const commands = [
  registerInit, registerSpawn, registerStatus, registerRefresh, registerTeardown, // workspace
  registerPlan, registerTask, registerDoctor, // tasks
  registerMergeMemory, registerMemory, // shared memory
  registerMsg, registerClaims, registerWatch, // messages, path claims, live view
  registerMcp, // agent integration
  registerRun, registerStart, registerAttach, registerStop, registerLogs, registerConflicts, registerIntegrate, registerLand, registerPr, registerCheckpoint, registerRestore, // orchestration
  registerTrust, registerWake, // unattended agents: first-screen answers, waking idle agents
];
for (const register of commands) register(program);
// A usage error points at the help of the command that was used, not the whole CLI's.
const helpPointer = (name: string) => ({ outputError: (text: string, write: (s: string) => void) => write(`${text.trimEnd().split('\n')[0]} — see wt-coord ${name} --help\n`) });
for (const command of program.commands) {
  command.exitOverride().configureOutput(helpPointer(command.name()));
  for (const sub of command.commands) sub.exitOverride().configureOutput(helpPointer(`${command.name()} ${sub.name()}`));
}

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    process.exitCode = error.exitCode === 0 ? ExitCode.ok : ExitCode.usage;
  } else {
    process.stderr.write(`${terminalText(formatError(error))}\n`);
    process.exitCode = exitCodeOf(error);
  }
}
