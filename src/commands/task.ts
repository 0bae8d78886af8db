import type { Command } from 'commander';
import { wakeIdleAgents } from '../agents/wake/index.js';
import { UsageError } from '../lib/errors.js';
import { cancelTask, getTask, listTasks, requeueTask, resultPath } from '../coord/queue/index.js';
import { addTask, importTasks } from '../coord/queue/index.js';
import { taskStatuses, type Task } from '../coord/queue/index.js';
import { openRepo } from '../workspace/repo.js';
import { ensureInitialized } from '../workspace/init.js';
import { parseTaskPriority, queueSettingsOf } from '../coord/queue/index.js';
import { printJson, printLines } from './output.js';

function list(value: string, previous: string[] = []): string[] {
  return [...previous, ...value.split(',').map((v) => v.trim()).filter(Boolean)];
}

function line(t: Task): string {
  const who = t.status === 'claimed' || t.status === 'done' ? ` ${t.claimed_by}` : '';
  const deps = t.dependencies.length ? ` (after ${t.dependencies.join(', ')})` : '';
  return `${t.id}  p${t.priority}  ${t.status}${who}  ${t.description}${deps}`;
}

async function openQueueRepo() {
  const repo = await openRepo();
  await ensureInitialized(repo);
  return { repo, settings: queueSettingsOf(repo.config) };
}

export function register(program: Command): void {
  const task = program.command('task').description("the leader's task queue: add, import, list, show, requeue, cancel");

  task
    .command('add')
    .description('add a task to the queue')
    .argument('<description>', 'what to do, in a sentence')
    .option('-p, --priority <n>', 'lower numbers are claimed first (default 3)')
    .option('-d, --depends <ids>', 'tasks that must be done first (task-001,2,#3; repeatable)', list)
    .option('--files <paths>', 'files the task is about, comma-separated', list)
    .option('--hint <text>', 'hints for the agent')
    .option('--json', 'print the task as JSON')
    .addHelpText('after', '\nExamples:\n  wt-coord task add "Create User model" -p 1\n  wt-coord task add "Login endpoint" -p 2 -d task-001 --files src/auth.ts --hint "Use zod"')
    .action(async (description: string, o: { priority?: string; depends?: string[]; files?: string[]; hint?: string; json?: boolean }) => {
      const { repo, settings } = await openQueueRepo();
      const added = await addTask(repo.coordDir, { description, priority: parseTaskPriority(o.priority), dependencies: o.depends, files: o.files, hints: o.hint }, settings);
      if (o.json) printJson(added);
      else printLines(`added ${line(added)}`);
      await wakeIdleAgents(repo).catch(() => []);
    });

  task
    .command('import')
    .description("add every task of a JSON or YAML file in the seed's format, or none if any is wrong")
    .argument('<file>', 'tasks.json, tasks.yaml or tasks.yml')
    .option('--json', 'print the imported tasks as JSON')
    .addHelpText('after', '\nThe file: { "tasks": [ { "id": "task-001", "description": "...", "priority": 1, "dependencies": [], "context": { "files": [], "hints": "" } } ] }\nExample:\n  wt-coord task import tasks.yaml')
    .action(async (file: string, o: { json?: boolean }) => {
      const { repo, settings } = await openQueueRepo();
      const imported = await importTasks(repo.coordDir, file, settings);
      if (o.json) printJson(imported);
      else printLines(`imported ${imported.length} task(s)`, ...imported.map(line));
      await wakeIdleAgents(repo).catch(() => []);
    });

  task
    .command('list')
    .description('every task with its status and holder')
    .option('--status <status>', `only tasks with this status: ${taskStatuses.join(', ')}`)
    .option('--json', 'print as JSON')
    .addHelpText('after', '\nExamples:\n  wt-coord task list\n  wt-coord task list --status claimed --json')
    .action(async (o: { status?: string; json?: boolean }) => {
      if (o.status && !(taskStatuses as readonly string[]).includes(o.status)) throw new UsageError(`unknown status "${o.status}"`, `use one of: ${taskStatuses.join(', ')}`);
      const { repo } = await openQueueRepo();
      const tasks = (await listTasks(repo.coordDir)).filter((t) => !o.status || t.status === o.status);
      if (o.json) printJson(tasks);
      else printLines(...(tasks.length ? tasks.map(line) : ['no tasks']));
    });

  task
    .command('show')
    .description('one task: context, times, attempts and result')
    .argument('<id>', 'task-001, 1 or #1')
    .option('--json', 'print as JSON')
    .action(async (id: string, o: { json?: boolean }) => {
      const { repo } = await openQueueRepo();
      const t = await getTask(repo.coordDir, id);
      if (o.json) return printJson(t);
      printLines(
        line(t),
        `files: ${t.context.files.join(', ') || '-'}`,
        `hints: ${t.context.hints || '-'}`,
        `created ${t.created_at}; claimed ${t.claimed_at ?? '-'}; finished ${t.completed_at ?? '-'}; attempts ${t.attempts}; token ${t.token}`,
        ...(t.result ? ['result:', t.result] : []),
        ...(t.status === 'done' ? [`result file: ${resultPath(repo.coordDir, t.id)}`] : []),
      );
    });

  task
    .command('requeue')
    .description('put a task back in the queue (claimed, done, failed or cancelled); a holder loses it')
    .argument('<id>', 'task-001, 1 or #1')
    .option('--json', 'print the task as JSON')
    .action(async (id: string, o: { json?: boolean }) => {
      const { repo, settings } = await openQueueRepo();
      const t = await requeueTask(repo.coordDir, id, settings);
      if (o.json) printJson(t);
      else printLines(`requeued ${line(t)}`);
      await wakeIdleAgents(repo).catch(() => []);
    });

  task
    .command('cancel')
    .description('cancel a task; a holder loses it, tasks that depend on it wait until it is requeued')
    .argument('<id>', 'task-001, 1 or #1')
    .option('--json', 'print the task as JSON')
    .action(async (id: string, o: { json?: boolean }) => {
      const { repo, settings } = await openQueueRepo();
      const t = await cancelTask(repo.coordDir, id, settings);
      if (o.json) printJson(t);
      else printLines(`cancelled ${line(t)}`);
    });
}
