// Orchestration end to end, with the scripted fake agent (test/fixtures/fake-agent.sh) in real tmux
// sessions: `wt-coord run` over 12 dependent tasks on 3 instances, then `integrate`; an agent that
// crashes mid-task, its task finished by another instance; a task that times out, requeued and
// finished elsewhere; an agent restarted after a crash; and
// run with no task list, where instance 1 plans the tasks.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { git, gitRepo, type TempRepo } from './helpers.js';
import { FAKE_AGENT, wtc, killTmuxServer, layeredTasks, tmuxMissing, useOwnTmuxServer, writeJson } from './orchestrate-fixtures.js';

const socket = useOwnTmuxServer('slow');
const noTmux = await tmuxMissing();
after(() => killTmuxServer(socket));

interface TaskJson { id: string; status: string; claimed_by: string | null; dependencies: string[]; completed_at: string | null; claimed_at: string | null }

async function demoRepo(): Promise<TempRepo> {
  // Short leases keep a crashed holder's claim from blocking for long.
  const repo = await gitRepo('app', { 'README.md': '# demo\n', 'wt-coord.yaml': 'lease_minutes: 0.25\n' });
  return repo;
}

const coordDir = (repo: TempRepo) => path.join(repo.dir, '.git', 'wt-coord');
const tasksOf = (repo: TempRepo): TaskJson[] => JSON.parse(readFileSync(path.join(coordDir(repo), 'tasks.json'), 'utf8')).tasks;
const eventsOf = (repo: TempRepo) => readFileSync(path.join(coordDir(repo), 'events.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));

describe('wt-coord run with the fake agent', { skip: noTmux }, () => {
  test('12 tasks with dependencies on 3 instances: every task done once, commits on each branch, integrate merges all, report', async () => {
    const repo = await demoRepo();
    try {
      const tasksFile = writeJson(path.join(repo.parent, 'tasks.json'), layeredTasks(12));
      const r = await wtc(repo.dir, ['run', 'build demo', '-w', '3', '--tasks', tasksFile, '--agent', FAKE_AGENT], { timeout: 240_000 });
      assert.equal(r.exitCode, 0, r.stderr + r.stdout);
      assert.match(r.stderr, /started instance-1's agent in tmux session wtc-app-/);
      assert.match(r.stdout, /# Run report: build demo/);
      assert.match(r.stdout, /12 of 12 tasks done, 0 failed/);

      const tasks = tasksOf(repo);
      assert.equal(tasks.length, 12);
      assert.ok(tasks.every((t) => t.status === 'done'), JSON.stringify(tasks.map((t) => [t.id, t.status])));
      const completions = eventsOf(repo).filter((e) => e.type === 'task.completed').map((e) => e.data.task);
      assert.deepEqual([...completions].sort(), tasks.map((t) => t.id).sort(), 'every task completed exactly once');
      const byId = new Map(tasks.map((t) => [t.id, t]));
      for (const t of tasks) for (const d of t.dependencies) assert.ok(byId.get(d)!.completed_at! <= t.claimed_at!, `${t.id} started before ${d} was done`);

      // Each task's commit sits on the branch of the instance that did it.
      const workers = new Set(tasks.map((t) => t.claimed_by));
      assert.ok(workers.size >= 2, `only ${[...workers].join()} worked`);
      for (const t of tasks) {
        const k = t.claimed_by!.replace('instance-', '');
        const log = await git(repo.dir, ['log', '--format=%s', `wt/instance-${k}`]);
        assert.match(log, new RegExp(`^${t.id}: `, 'm'), `${t.id} is not on wt/instance-${k}`);
        assert.match(r.stdout, new RegExp(`${t.id} done by ${t.claimed_by}`));
      }
      // The agents were real tmux sessions, now ended; their logs show the work.
      const log1 = await wtc(repo.dir, ['logs', '1']);
      assert.match(log1.stdout, /fake agent instance-1/);
      assert.match(log1.stdout, /done task-0\d\d/);

      const integrate = await wtc(repo.dir, ['integrate', '--check', 'test -d src']);
      assert.equal(integrate.exitCode, 0, integrate.stderr);
      const files = (await git(repo.dir, ['ls-tree', '-r', '--name-only', 'wt/integration'])).split('\n');
      for (let k = 1; k <= 12; k++) assert.ok(files.includes(`src/part-${k}.txt`), `src/part-${k}.txt missing from wt/integration`);
      assert.equal(await git(repo.dir, ['status', '--porcelain']), '');
      const again = await wtc(repo.dir, ['integrate']);
      assert.equal(again.exitCode, 1);
      assert.match(again.stderr, /nothing to integrate/);
    } finally {
      await wtc(repo.dir, ['stop']);
      repo.cleanup();
    }
  });

  test('an agent crashes mid-task; with no restarts left its task goes to another instance', async () => {
    const repo = await demoRepo();
    try {
      const tasksFile = writeJson(path.join(repo.parent, 'tasks.json'), layeredTasks(6));
      const r = await wtc(repo.dir, ['run', 'build demo', '-w', '2', '--tasks', tasksFile, '--agent', FAKE_AGENT, '--max-restarts', '0'], { timeout: 180_000, env: { FAKE_AGENT_CRASH_ON: 'task-002' } });
      assert.equal(r.exitCode, 0, r.stderr + r.stdout);
      const crash = /(instance-\d)'s agent exited with code 42 holding task-002 and has no restarts left/.exec(r.stderr);
      assert.ok(crash, r.stderr);
      const crashed = crash[1]!;
      const task = tasksOf(repo).find((t) => t.id === 'task-002')!;
      assert.equal(task.status, 'done');
      assert.notEqual(task.claimed_by, crashed, 'the crashed instance cannot have finished it');
      assert.ok(tasksOf(repo).every((t) => t.status === 'done'));
      assert.match(r.stdout, /## What the supervisor did\n- instance-\d's agent exited with code 42 holding task-002/);
      assert.match((await wtc(repo.dir, ['logs', crashed.replace('instance-', '')])).stdout, /crashing in the middle of task-002/);
    } finally {
      await wtc(repo.dir, ['stop']);
      repo.cleanup();
    }
  });

  test('a task held past --task-timeout goes back to the queue and another instance finishes it', async () => {
    const repo = await demoRepo();
    try {
      const tasksFile = writeJson(path.join(repo.parent, 'tasks.json'), layeredTasks(4));
      const r = await wtc(repo.dir, ['run', 'build demo', '-w', '2', '--tasks', tasksFile, '--agent', FAKE_AGENT, '--task-timeout', '4s'], { timeout: 180_000, env: { FAKE_AGENT_HANG_ON: 'task-001' } });
      assert.equal(r.exitCode, 0, r.stderr + r.stdout);
      const timedOut = /task-001 held by (instance-\d) for over 4s: timed out, back in the queue/.exec(r.stderr);
      assert.ok(timedOut, r.stderr);
      const task = tasksOf(repo).find((t) => t.id === 'task-001')!;
      assert.equal(task.status, 'done');
      assert.notEqual(task.claimed_by, timedOut[1], 'the hung instance cannot have finished it');
      assert.ok(tasksOf(repo).every((t) => t.status === 'done'));
      assert.ok(eventsOf(repo).some((e) => e.type === 'task.requeued' && e.data.task === 'task-001'), 'no task.requeued event for task-001');
    } finally {
      await wtc(repo.dir, ['stop']);
      repo.cleanup();
    }
  });

  test('an agent that crashes is restarted and resumes its task', async () => {
    const repo = await demoRepo();
    try {
      const tasksFile = writeJson(path.join(repo.parent, 'tasks.json'), layeredTasks(3));
      const r = await wtc(repo.dir, ['run', 'build demo', '-w', '1', '--tasks', tasksFile, '--agent', FAKE_AGENT, '--max-restarts', '1'], { timeout: 120_000, env: { FAKE_AGENT_CRASH_ON: 'task-001' } });
      assert.equal(r.exitCode, 0, r.stderr + r.stdout);
      assert.match(r.stderr, /instance-1's agent exited with code 42 while holding task-001: restarted \(1\/1\)/);
      const t1 = tasksOf(repo).find((t) => t.id === 'task-001')!;
      assert.equal(t1.status, 'done');
      assert.equal(t1.claimed_by, 'instance-1');
      assert.equal(eventsOf(repo).filter((e) => e.type === 'agent.started').length, 2);
    } finally {
      await wtc(repo.dir, ['stop']);
      repo.cleanup();
    }
  });

  test('without --tasks, instance 1 plans: its result is the task list run imports', async () => {
    const repo = await demoRepo();
    try {
      const plan = writeJson(path.join(repo.parent, 'plan.json'), { tasks: [{ id: '1', description: 'write a' }, { id: '2', description: 'write b', dependencies: ['1'] }] });
      const r = await wtc(repo.dir, ['run', 'plan and build', '-w', '2', '--agent', FAKE_AGENT], { timeout: 120_000, env: { FAKE_AGENT_PLAN_FILE: plan } });
      assert.equal(r.exitCode, 0, r.stderr + r.stdout);
      assert.match(r.stderr, /task-001 asks the first instance to plan the work/);
      assert.match(r.stderr, /instance-1 planned 2 tasks/);
      const tasks = tasksOf(repo);
      assert.deepEqual(tasks.map((t) => [t.id, t.status, t.dependencies]), [['task-001', 'done', []], ['task-002', 'done', []], ['task-003', 'done', ['task-002']]]);
      assert.match(readFileSync(path.join(coordDir(repo), 'master-plan.md'), 'utf8'), /plan and build/);
    } finally {
      await wtc(repo.dir, ['stop']);
      repo.cleanup();
    }
  });
});

