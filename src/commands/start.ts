import type { Command } from 'commander';
import { openRepo } from '../workspace/repo.js';
import { startAgents } from '../agents/launcher.js';
import { ensureWaker } from '../agents/wake/index.js';
import { cliEntryPath } from '../agents/install.js';
import { mergeQueuedMemory } from '../workspace/memory-merge-run.js';
import { note, printJson, printLines } from './output.js';
import { parseInstanceList } from './parse.js';

export function register(program: Command): void {
  program
    .command('start')
    .description("start each instance's agent in its own tmux session (detached processes when tmux is missing), with a first prompt to run coordinate.sh request-task; first checks what would stop the agent at its first screen (login, folder trust: see wt-coord trust), and keeps a background waker that gives idle agents new work")
    .argument('[instances...]', 'instances to start (2 or instance-2); default: all')
    .option('--agent <command>', "the agent to run instead of each instance's recorded one: claude, codex, aider, or a command line (Claude Code gets the prompt after --, others as the last argument; all in $WT_COORD_PROMPT)")
    .option('--resume', "continue each agent's last session where its kind can (claude --resume <id>) instead of a fresh one")
    .option('--no-tmux', 'run detached processes with logs even when tmux is installed')
    .option('--json', 'print the started agents as JSON')
    .addHelpText('after', '\nExamples:\n  wt-coord start\n  wt-coord start 2 --agent "claude --model sonnet"\n  wt-coord start --agent ./my-agent.sh')
    .action(async (refs: string[], options: { agent?: string; tmux: boolean; json?: boolean; resume?: boolean }) => {
      const repo = await openRepo();
      // Discoveries sandboxed agents queued since the last merge (they cannot merge them themselves).
      await mergeQueuedMemory(repo);
      const { started, usedTmux } = await startAgents(repo, parseInstanceList(refs), { agent: options.agent, noTmux: !options.tmux, restart: options.resume });
      if (usedTmux) await ensureWaker(repo, cliEntryPath());
      if (options.json) return printJson({ tmux: usedTmux, started });
      if (!usedTmux) note(options.tmux ? 'tmux not available (not installed, or WT_COORD_NO_TMUX=1): agents run as detached processes (wt-coord logs <k> -f shows their output; attach needs tmux)' : 'agents run as detached processes (--no-tmux)');
      printLines(...started.map((a) => `started ${a.name}: ${a.command} ${a.session ? `in tmux session ${a.session}` : `as pid ${a.pid}`}; log ${a.log}`));
    });
}
