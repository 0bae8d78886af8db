import type { Command } from 'commander';
import { ExitCode, WtError } from '../lib/errors.js';
import { openRepo } from '../workspace/repo.js';
import { parseDuration, runGoal } from '../orchestrate/run.js';
import { note, printJson, printLines } from './output.js';
import { parseCount } from './parse.js';

export function register(program: Command): void {
  program
    .command('run')
    .description('run a goal end to end: init, master-plan.md, import tasks (or let instance 1 plan them), spawn <n>, start the agents, supervise until the queue is done or stuck, report')
    .argument('<goal>', 'what the agents should achieve (written to master-plan.md)')
    .requiredOption('-w, --workers <n>', 'how many instances (and agents) to spawn')
    .option('--tasks <file>', 'a task list (tasks.json or tasks.yaml, the format of `wt-coord task import`); without it, instance 1 first plans the tasks')
    .option('--agent <command>', 'the agent: claude (default), codex, aider, or a command line; Claude Code gets the first prompt after --, a command as its last argument; all in $WT_COORD_PROMPT. Unattended: claude --permission-mode acceptEdits --allowedTools ... (docs/claude-code.md)')
    .option('--task-timeout <duration>', 'requeue a task held longer than this (90s, 30m, 2h; a number is minutes)')
    .option('--max-restarts <n>', 'restarts per instance for an agent that exits while holding a task; after that its task goes to another instance', '2')
    .option('--base <ref>', 'branch, tag or commit the instances start from', 'HEAD')
    .option('--no-tmux', 'run the agents as detached processes even when tmux is installed')
    .option('--alert-after <duration>', 'raise an alert (terminal bell, --alert-command, a line on #alerts) when an agent has waited for a person this long', '2m')
    .option('--alert-command <command>', 'a shell command to run for each alert; WT_COORD_ALERT_INSTANCE, _STATE, _TOOL and _TEXT say which agent and why')
    .option('--json', 'print the final report as JSON (progress still goes to stderr)')
    .option('--yes', "approve wt-coord.yaml's setup commands (remembered outside the repository for exactly these commands)")
    .addHelpText('after', '\nExamples:\n  wt-coord run "Add user authentication" -w 3\n  wt-coord run "Build the API" -w 3 --tasks tasks.json --task-timeout 45m\n  wt-coord run "Try it" -w 2 --tasks tasks.yaml --agent ./scripts/my-agent.sh\n\nCtrl-C stops supervising; the agents keep running (wt-coord status, wt-coord stop).')
    .action(async (goal: string, options: { workers: string; tasks?: string; agent?: string; taskTimeout?: string; maxRestarts: string; base: string; tmux: boolean; json?: boolean; alertAfter: string; alertCommand?: string; yes?: boolean }) => {
      const repo = await openRepo();
      const workers = parseCount(options.workers, repo.config.max_instances, '-w (workers)');
      const maxRestarts = Number(options.maxRestarts);
      if (!Number.isInteger(maxRestarts) || maxRestarts < 0 || maxRestarts > 100) throw new WtError(`--max-restarts must be a whole number from 0 to 100, got "${options.maxRestarts}"`, 'e.g. --max-restarts 2', ExitCode.usage);
      const result = await runGoal(repo, {
        goal,
        workers,
        tasksFile: options.tasks,
        agent: options.agent,
        taskTimeoutMs: options.taskTimeout ? parseDuration(options.taskTimeout) : undefined,
        maxRestarts,
        base: options.base,
        noTmux: !options.tmux,
        yes: Boolean(options.yes),
        alertAfterMs: parseDuration(options.alertAfter, '--alert-after'),
        alertCommand: options.alertCommand ?? null,
        cwd: process.cwd(),
        onLine: (line) => note(line),
      });
      if (options.json) printJson({ ...result.report, report_file: result.reportFile, tmux: result.usedTmux });
      else printLines('', result.text, `(report saved in ${result.reportFile})`);
      if (result.report.outcome !== 'done' || result.report.tasks.some((t) => t.status === 'failed')) {
        throw new WtError(`the run ended ${result.report.outcome === 'done' ? 'with failed tasks' : result.report.outcome}: ${result.report.why}`, 'the report above says which tasks failed and why');
      }
    });
}
