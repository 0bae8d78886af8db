// Issue 14 items 1-4: running and re-running. The demo's integrate check holds in every merge
// order; a run is scoped to its own tasks; re-running a plan is a no-op import; nothing is written
// before everything is validated; a second run at once is refused, naming the first.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { execa } from 'execa';
import { CLI, coordinate, git, gitRepo, instanceDir, type TempRepo } from './helpers.js';
import { FAKE_AGENT, wtc, writeJson } from './orchestrate-fixtures.js';
// @ts-expect-error: a plain .mjs module shared with scripts/demo.mjs
import { DEMO_CHECK, DEMO_TASKS } from '../scripts/demo-plan.mjs';

const coordDir = (repo: TempRepo) => path.join(repo.dir, '.git', 'wt-coord');
const plan = (repo: TempRepo) => path.join(coordDir(repo), 'master-plan.md');
const readPlan = (repo: TempRepo) => (existsSync(plan(repo)) ? readFileSync(plan(repo), 'utf8') : null);
const tasksOf = (repo: TempRepo) => (existsSync(path.join(coordDir(repo), 'tasks.json')) ? JSON.parse(readFileSync(path.join(coordDir(repo), 'tasks.json'), 'utf8')).tasks : []) as { id: string; status: string; description: string }[];
const fast = { env: { FAKE_AGENT_WORK_SECONDS: '0' }, timeout: 240_000 };
const run = (repo: TempRepo, goal: string, tasks: string, extra: string[] = [], options = fast) => wtc(repo.dir, ['run', goal, '-w', '2', '--tasks', tasks, '--agent', FAKE_AGENT, '--no-tmux', ...extra], options);

describe('item 1: the demo\'s integrate check holds whatever the merge order', () => {
  let repo: TempRepo;
  before(async () => {
    repo = await gitRepo('demo-app', { 'package.json': '{ "name": "demo-app", "private": true, "scripts": { "start": "node src/index.js" } }\n', 'src/index.js': "console.log('hello, world');\n" });
  });
  after(() => repo.cleanup());

  test('the assignment that failed 2 runs in 6 (instance-3 did only task-002, so it merges first) passes the check', async () => {
    assert.equal((await wtc(repo.dir, ['spawn', '3', '--install', 'none'])).exitCode, 0);
    writeJson(path.join(repo.parent, 'tasks.json'), DEMO_TASKS);
    assert.equal((await wtc(repo.dir, ['task', 'import', path.join(repo.parent, 'tasks.json')])).exitCode, 0);
    const who: [number, number][] = [[1, 1], [2, 3], [3, 2], [4, 1], [5, 2], [6, 1]];
    for (const [task, k] of who) {
      const claimed = await coordinate(repo, k, ['request-task', String(task)]);
      assert.equal(claimed.exitCode, 0, String(claimed.stderr));
      const spec = DEMO_TASKS.tasks.find((t: { id: string }) => t.id === String(task))!;
      const wt = instanceDir(repo, k);
      for (const f of spec.context.files) {
        mkdirSync(path.dirname(path.join(wt, f)), { recursive: true });
        writeFileSync(path.join(wt, f), `${spec.description}\n`);
      }
      await git(wt, ['add', '-A', '--', ...spec.context.files]);
      await git(wt, ['commit', '-q', '-m', `task-00${task}: ${spec.description}`]);
      assert.equal((await coordinate(repo, k, ['complete', String(task), 'done'])).exitCode, 0);
    }
    const r = await wtc(repo.dir, ['integrate', '--check', DEMO_CHECK]);
    assert.equal(r.exitCode, 0, `${r.stderr}${r.stdout}`);
    assert.match(r.stderr, /merging wt\/instance-3/);
  });
});

describe('items 2 and 3: a run works on its own tasks; re-running the same plan is a no-op import', () => {
  let repo: TempRepo;
  let tasks: string;
  before(async () => {
    repo = await gitRepo();
    writeFileSync(path.join(repo.dir, 'wt-coord.yaml'), 'max_attempts: 1\n');
    await git(repo.dir, ['add', 'wt-coord.yaml']);
    await git(repo.dir, ['commit', '-q', '-m', 'config']);
    tasks = writeJson(path.join(repo.parent, 'tasks.json'), { tasks: [{ id: '5', description: 'part five', context: { files: ['five.txt'] } }, { id: '6', description: 'part six', dependencies: ['5'], context: { files: ['six.txt'] } }] });
  });
  after(() => repo.cleanup());

  test('an older failed task (and one stuck behind it) neither stalls the run nor fails it', async () => {
    assert.equal((await wtc(repo.dir, ['task', 'add', 'an old task that will fail'])).exitCode, 0);
    assert.equal((await wtc(repo.dir, ['task', 'add', 'waits on the failed one', '--depends', '1'])).exitCode, 0);
    assert.equal((await wtc(repo.dir, ['spawn', '1', '--install', 'none'])).exitCode, 0);
    assert.equal((await coordinate(repo, 1, ['request-task', '1'])).exitCode, 0);
    assert.equal((await coordinate(repo, 1, ['fail', 'task-001', 'the old way does not work'])).exitCode, 0);
    const r = await run(repo, 'build parts five and six', tasks, ['--json']);
    assert.equal(r.exitCode, 0, r.stderr);
    const report = JSON.parse(r.stdout);
    assert.equal(report.outcome, 'done');
    assert.deepEqual(report.tasks.map((t: { id: string }) => t.id), ['task-005', 'task-006'], 'the run reports its own tasks');
    assert.deepEqual(report.tasks.map((t: { status: string }) => t.status), ['done', 'done']);
    assert.deepEqual(report.older_tasks.map((t: { id: string }) => t.id), ['task-001', 'task-002'], 'older tasks are shown apart');
  });

  test('running the same plan again: the import is a no-op, done tasks stay done, the run finishes', async () => {
    const before = tasksOf(repo);
    const r = await run(repo, 'build parts five and six', tasks);
    assert.equal(r.exitCode, 0, r.stderr);
    assert.doesNotMatch(r.stderr, /already in the queue/);
    assert.deepEqual(tasksOf(repo).map((t) => [t.id, t.status]), before.map((t) => [t.id, t.status]));
  });

  test('a different task under a used id is refused before anything is written (item 4 too)', async () => {
    const planBefore = readPlan(repo);
    const tasksBefore = readFileSync(path.join(coordDir(repo), 'tasks.json'), 'utf8');
    const changed = writeJson(path.join(repo.parent, 'changed.json'), { tasks: [{ id: '5', description: 'something else entirely' }] });
    const r = await run(repo, 'another goal', changed);
    assert.equal(r.exitCode, 1);
    assert.match(r.stderr, /^error: .*task-005.*(different|already)/m);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.equal(readPlan(repo), planBefore, 'master-plan.md changed before the task file was refused');
    assert.equal(readFileSync(path.join(coordDir(repo), 'tasks.json'), 'utf8'), tasksBefore);
    const imported = await wtc(repo.dir, ['task', 'import', changed]);
    assert.equal(imported.exitCode, 1);
    const same = await wtc(repo.dir, ['task', 'import', tasks]);
    assert.equal(same.exitCode, 0, `task import of the same tasks is a no-op: ${same.stderr}`);
  });
});

describe('item 4: run validates every input before it writes', () => {
  let repo: TempRepo;
  before(async () => {
    repo = await gitRepo();
  });
  after(() => repo.cleanup());

  test('a task file that names an unknown dependency or a bad id leaves master-plan.md and the queue as they were', async () => {
    assert.equal((await wtc(repo.dir, ['plan', 'the first goal'])).exitCode, 0);
    const planBefore = readPlan(repo);
    for (const body of [{ tasks: [{ id: '1', description: 'a' }, { id: 'one', description: 'b' }] }, { tasks: [{ description: 'a', priority: 1.5 }] }, { tasks: [{ description: '' }] }]) {
      const file = writeJson(path.join(repo.parent, 'bad.json'), body);
      const r = await run(repo, 'a goal', file);
      assert.notEqual(r.exitCode, 0);
      assert.equal(readPlan(repo), planBefore, `master-plan.md changed for ${JSON.stringify(body)}`);
      assert.equal(existsSync(path.join(coordDir(repo), 'tasks.json')) ? tasksOf(repo).length : 0, 0);
    }
  });
});

describe('item 5: one run at a time', () => {
  let repo: TempRepo;
  before(async () => {
    repo = await gitRepo();
  });
  after(async () => {
    await wtc(repo.dir, ['stop']);
    repo.cleanup();
  });

  test('a second run while one is running is refused, naming the first (pid, started at)', async () => {
    const file = writeJson(path.join(repo.parent, 'hang.json'), { tasks: [{ id: '10', description: 'a task the agent hangs on' }] });
    const first = execa(process.execPath, [CLI, 'run', 'the long run', '-w', '1', '--tasks', file, '--agent', FAKE_AGENT, '--no-tmux'], { cwd: repo.dir, reject: false, env: { FAKE_AGENT_HANG_ON: 'task-010', FAKE_AGENT_HANG_SECONDS: '120' } });
    try {
      for (let i = 0; i < 600 && !tasksOf(repo).some((t) => t.id === 'task-010' && t.status === 'claimed'); i++) await new Promise((r) => setTimeout(r, 200));
      const planBefore = readPlan(repo);
      const other = writeJson(path.join(repo.parent, 'other.json'), { tasks: [{ description: 'should not be imported' }] });
      const second = await run(repo, 'a competing run', other);
      assert.equal(second.exitCode, 1);
      assert.match(second.stderr, new RegExp(`^error: .*run .*pid ${first.pid}.*started`, 'm'));
      assert.equal(readPlan(repo), planBefore);
      assert.equal(tasksOf(repo).some((t) => t.description === 'should not be imported'), false);
    } finally {
      first.kill('SIGINT');
      await first;
      await wtc(repo.dir, ['stop']);
    }
  });

  test('a run lock left by a dead run does not block', async () => {
    writeFileSync(path.join(coordDir(repo), 'run.lock'), JSON.stringify({ pid: 2 ** 22 + 12345, started_at: '2026-01-01T00:00:00.000Z', goal: 'dead run' }));
    await wtc(repo.dir, ['task', 'cancel', '10']);
    const file = writeJson(path.join(repo.parent, 'after-dead.json'), { tasks: [{ description: 'after a dead run' }] });
    const r = await run(repo, 'after a dead run', file);
    assert.equal(r.exitCode, 0, r.stderr);
  });
});

describe('item 6: a second run reuses idle instances where nothing would be lost, and spawns only what is missing', () => {
  let repo: TempRepo;
  before(async () => {
    repo = await gitRepo();
  });
  after(() => repo.cleanup());

  test('integrated, clean instances are reused at the new base; one with an uncommitted file is not, and says why', async () => {
    const first = writeJson(path.join(repo.parent, 'first.json'), { tasks: [{ id: '1', description: 'part one', context: { files: ['one.txt'] } }, { id: '2', description: 'part two', context: { files: ['two.txt'] } }] });
    const r1 = await run(repo, 'parts one and two', first);
    assert.equal(r1.exitCode, 0, r1.stderr);
    const integrated = await wtc(repo.dir, ['integrate']);
    assert.equal(integrated.exitCode, 0, `${integrated.stderr}${integrated.stdout}`);
    // The main checkout moves on; instance-2 is left with a file nobody committed.
    writeFileSync(path.join(repo.dir, 'later.txt'), 'later\n');
    await git(repo.dir, ['add', 'later.txt']);
    await git(repo.dir, ['commit', '-q', '-m', 'later']);
    const head = (await git(repo.dir, ['rev-parse', 'HEAD'])).trim();
    writeFileSync(path.join(instanceDir(repo, 2), 'scratch.txt'), 'notes\n');

    const second = writeJson(path.join(repo.parent, 'second.json'), { tasks: [{ id: '3', description: 'part three', context: { files: ['three.txt'] } }] });
    const r2 = await run(repo, 'part three', second);
    assert.equal(r2.exitCode, 0, r2.stderr);
    const said = `${r2.stderr}${r2.stdout}`;
    assert.match(said, /reusing instance-1: .* moved to main/);
    assert.match(said, /not reusing instance-2: 1 uncommitted change\(s\) \(scratch\.txt\)/);
    assert.match(said, /spawning 1 instance\(s\)/);
    const registry = JSON.parse(readFileSync(path.join(coordDir(repo), 'instances.json'), 'utf8')).instances as { name: string; base_commit: string }[];
    assert.deepEqual(registry.map((i) => i.name), ['instance-1', 'instance-2', 'instance-3'], 'one new instance, not two');
    assert.equal(registry[0]!.base_commit, head, 'the reused instance starts from the new base');
    assert.ok(existsSync(path.join(instanceDir(repo, 1), 'later.txt')), 'its worktree is at the new base');
    assert.equal(readFileSync(path.join(instanceDir(repo, 2), 'scratch.txt'), 'utf8'), 'notes\n', 'the uncommitted file is untouched');
    const done = tasksOf(repo).find((t) => t.id === 'task-003');
    assert.equal(done?.status, 'done');
  });
});
