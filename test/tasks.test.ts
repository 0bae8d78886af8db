// The task queue through the real CLI and coordinate.sh: the leader's commands, the instance verbs,
// the views, leases, doctor, and every bad input refused with nothing changed.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { instanceDir } from './helpers.js';
import { agent, assertUnchanged, leader, queueRepo, readJson, snapshot, type QueueRepo } from './tasks-fixtures.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('the queue, leader and instances', () => {
  let q: QueueRepo;
  before(async () => {
    q = await queueRepo(3);
  });
  after(() => q.repo.cleanup());

  test('plan, add and import, then request-task claims by priority and prints a briefing', async () => {
    assert.equal((await leader(q, ['plan', 'Build a REST API'])).code, 0);
    assert.match(readFileSync(path.join(q.coordDir, 'master-plan.md'), 'utf8'), /Build a REST API/);
    assert.equal((await leader(q, ['plan', 'Other goal'])).code, 1, 'an existing plan is kept');
    assert.equal((await leader(q, ['task', 'add', 'Create User model', '-p', '1', '--files', 'src/user.ts', '--hint', 'Use zod'])).code, 0);
    const file = path.join(q.repo.parent, 'tasks.yaml');
    writeFileSync(file, 'tasks:\n  - id: task-002\n    description: Login endpoint\n    priority: 2\n    dependencies: [task-001]\n  - description: Docs\n    priority: 5\n');
    const imported = await leader(q, ['task', 'import', file, '--json']);
    assert.equal(imported.code, 0, imported.err);
    assert.deepEqual(JSON.parse(imported.out).map((t: { id: string }) => t.id), ['task-002', 'task-003']);

    const first = await agent(q, 1, ['request-task']);
    assert.equal(first.code, 0, first.err);
    assert.match(first.out, /Claimed task-001 .*Create User model/);
    assert.match(first.out, /files: src\/user\.ts/);
    assert.match(first.out, /hints: Use zod/);
    const again = await agent(q, 1, ['request-task']);
    assert.match(again.out, /You already hold task-001/, 'an unfinished task comes back instead of a second one');

    const taken = await agent(q, 2, ['request-task', '#1']);
    assert.equal(taken.code, 4);
    assert.match(taken.err, /task-001 is held by instance-1/);
    const second = await agent(q, 2, ['request-task']);
    assert.match(second.out, /Claimed task-003/, 'task-002 waits on task-001, so the next ready one');
    const none = await agent(q, 3, ['request-task']);
    assert.equal(none.code, 3);
    assert.match(none.out, /task-002 waits on task-001 \(claimed by instance-1\)/);

    const assignments = readJson(path.join(q.coordDir, 'task-assignments.json'));
    assert.equal(assignments.assignments['task-001'].instance, 'instance-1');
    assert.deepEqual(assignments.by_instance['instance-2'], ['task-003']);
    assert.deepEqual(assignments.waiting, [{ id: 'task-002', waiting_on: ['task-001'] }]);
    const info = readJson(path.join(instanceDir(q.repo, 1), '.claude-instance', 'info.json'));
    assert.deepEqual(info.assigned_tasks, ['task-001']);
  });

  test('report-progress publishes to progress-reports.json; without arguments it publishes info.json', async () => {
    const r = await agent(q, 1, ['report-progress', '70%', 'model', 'written']);
    assert.equal(r.code, 0, r.err);
    let reports = readJson(path.join(q.coordDir, 'progress-reports.json'));
    assert.deepEqual({ ...reports.instances['instance-1'], last_seen: null }, { task: 'task-001', task_description: 'Create User model', progress: 0.7, message: 'model written', last_seen: null });
    const infoFile = path.join(instanceDir(q.repo, 2), '.claude-instance', 'info.json');
    writeFileSync(infoFile, JSON.stringify({ ...readJson(infoFile), progress: 0.25 }));
    // Another instance's call in between must not overwrite instance-2's own edit of its info.json.
    assert.equal((await agent(q, 1, ['report-progress', '75%'])).code, 0);
    assert.equal(readJson(infoFile).progress, 0.25);
    assert.equal((await agent(q, 2, ['report-progress'])).code, 0);
    reports = readJson(path.join(q.coordDir, 'progress-reports.json'));
    assert.equal(reports.instances['instance-2'].progress, 0.25);
  });

  test('complete writes the result, unblocks dependents and hands their results on', async () => {
    const leftover = path.join(q.coordDir, 'results', `task-009.md.tmp-${4_194_304 + 12345}-x-1-y`); // from a complete killed mid-write (its pid is gone)
    mkdirSync(path.dirname(leftover), { recursive: true });
    writeFileSync(leftover, 'torn');
    const done = await agent(q, 1, ['complete', 'User model in src/user.ts']);
    assert.ok(!existsSync(leftover), "a dead writer's temp file is cleaned up");
    assert.equal(done.code, 0, done.err);
    assert.match(done.out, /unblocked: task-002 \(Login endpoint\)/);
    assert.match(readFileSync(path.join(q.coordDir, 'results', 'task-001.md'), 'utf8'), /User model in src\/user\.ts/);
    const next = await agent(q, 3, ['request-task']);
    assert.match(next.out, /Claimed task-002/);
    assert.match(next.out, /task-001 by instance-1 .*\n\s+User model in src\/user\.ts/);
  });

  test('fail releases the task for another try, and status shows the queue', async () => {
    const failed = await agent(q, 2, ['fail', 'task-003', 'no docs tool']);
    assert.equal(failed.code, 0, failed.err);
    assert.match(failed.out, /available again/);
    const shown = JSON.parse((await leader(q, ['task', 'show', '3', '--json'])).out);
    assert.equal(shown.status, 'available');
    assert.equal(shown.attempts, 1);
    assert.equal(shown.result, 'no docs tool');
    const status = await leader(q, ['status']);
    assert.match(status.out, /tasks: 3 total: 1 available \(1 ready, 0 waiting on dependencies\), 1 claimed, 1 done/);
    assert.match(status.out, /task-002 -> instance-3/);
    const listed = JSON.parse((await leader(q, ['task', 'list', '--status', 'done', '--json'])).out);
    assert.deepEqual(listed.map((t: { id: string }) => t.id), ['task-001']);
  });

  test('requeue and cancel; teardown gives the tasks of a removed instance back', async () => {
    assert.equal((await leader(q, ['task', 'cancel', 'task-003'])).code, 0);
    assert.equal((await leader(q, ['task', 'requeue', 'task-003'])).code, 0);
    const torn = await leader(q, ['teardown', '3']);
    assert.equal(torn.code, 0, torn.err);
    const task = JSON.parse((await leader(q, ['task', 'show', 'task-002', '--json'])).out);
    assert.equal(task.status, 'available');
    assert.equal(task.claimed_by, null);
    const events = readFileSync(path.join(q.coordDir, 'events.jsonl'), 'utf8');
    assert.match(events, /"task.released","instance":"instance-3"/);
  });
});

describe('bad input: a clear error, a non-zero exit, nothing changed', () => {
  let q: QueueRepo;
  before(async () => {
    q = await queueRepo(2);
    await leader(q, ['task', 'add', 'first']);
    await leader(q, ['task', 'add', 'second']);
    await agent(q, 1, ['request-task', 'task-001']);
  });
  after(() => q.repo.cleanup());

  async function refused(run: () => Promise<{ code: number | undefined; err: string }>, code: number, message: RegExp) {
    const before = snapshot(q, 2);
    const r = await run();
    assert.equal(r.code, code, r.err);
    assert.match(r.err, message);
    assert.equal(r.err.trim().split('\n').length, 1, `one line: ${r.err}`);
    assertUnchanged(before, snapshot(q, 2), String(message));
  }

  function importFile(name: string, text: string) {
    const file = path.join(q.repo.parent, name);
    writeFileSync(file, text);
    return () => leader(q, ['task', 'import', file]);
  }

  test('unknown task ids', async () => {
    await refused(() => leader(q, ['task', 'show', '99']), 1, /no task task-099 in the queue/);
    await refused(() => agent(q, 2, ['request-task', '99']), 1, /no task task-099/);
    await refused(() => agent(q, 1, ['complete', 'task-099', 'x']), 1, /no task task-099/);
    await refused(() => leader(q, ['task', 'add', 'x', '-d', 'task-042']), 1, /unknown dependency task-042/);
  });

  test('completing or failing a task you do not hold', async () => {
    await refused(() => agent(q, 2, ['complete', 'task-001', 'mine now']), 5, /instance-2 does not hold task-001: it is held by instance-1/);
    await refused(() => agent(q, 2, ['fail', 'task-002', 'nope']), 5, /does not hold task-002: it is available/);
    await refused(() => agent(q, 2, ['complete', 'done']), 5, /instance-2 holds no task/);
    await refused(() => agent(q, 1, ['complete', 'task-001', 'x', '--token', '999']), 5, /token 999 is not the current claim/);
  });

  test('import: a cycle, an unknown id, malformed JSON and YAML name the problem and import nothing', async () => {
    await refused(importFile('cycle.json', JSON.stringify({ tasks: [{ id: 'task-010', description: 'a', dependencies: ['task-011'] }, { id: 'task-011', description: 'b', dependencies: ['task-010'] }] })), 1, /dependency cycle task-010 -> task-011 -> task-010/);
    await refused(importFile('unknown.json', JSON.stringify({ tasks: [{ description: 'a', dependencies: ['task-077'] }] })), 1, /tasks\[0\]\.dependencies\[0\] names task-077, which is neither in the file nor in the queue/);
    await refused(importFile('broken.json', '{\n  "tasks": [\n    { "description": "a", }\n  ]\n}\n'), 2, /broken\.json line 3: not valid JSON/);
    await refused(importFile('broken.yaml', 'tasks:\n  - description: a\n    priority: [1\n  - description: b\n'), 2, /broken\.yaml line \d+: not valid YAML/);
    await refused(importFile('field.yaml', 'tasks:\n  - description: a\n  - priority: 2\n'), 2, /field\.yaml line 3: tasks\.1\.description/);
    await refused(importFile('typo.json', '{\n  "tasks": [\n    { "description": "a",\n      "dependancies": [] }\n  ]\n}\n'), 2, /typo\.json line \d: tasks\.0: Unrecognized key/i);
  });

  test('progress below 0 or above 1', async () => {
    await refused(() => agent(q, 1, ['report-progress', '-0.5']), 2, /progress must be between 0 and 1/);
    await refused(() => agent(q, 1, ['report-progress', '1.5', 'too far']), 2, /progress must be between 0 and 1/);
    await refused(() => agent(q, 1, ['report-progress', '150%']), 2, /got 150%/);
    for (const garbled of ['0,5', '0.5.5', '50%%', '+0.5']) await refused(() => agent(q, 1, ['report-progress', garbled, 'msg']), 2, /is not a progress/);
  });

  test('a huge description is refused with its limit', async () => {
    await refused(() => leader(q, ['task', 'add', 'x'.repeat(100_000)]), 2, /100000 characters, over the limit of 4000/);
    await refused(importFile('huge.json', JSON.stringify({ tasks: [{ description: 'y'.repeat(1024 * 1024) }] })), 2, /1048576 characters, over the limit of 4000/);
  });

  test('ids with path separators or ..', async () => {
    await refused(() => leader(q, ['task', 'show', '../tasks']), 2, /"\.\.\/tasks" is not a task id/);
    await refused(() => agent(q, 2, ['request-task', '../../etc/passwd']), 2, /is not a task id/);
    await refused(() => agent(q, 1, ['complete', 'task-001/../x', 'summary']), 2, /is not a task id/);
    await refused(importFile('evil.json', JSON.stringify({ tasks: [{ id: '../evil', description: 'a' }] })), 2, /tasks\[0\]\.id: "\.\.\/evil" is not a task id/);
  });

  test('a hand-corrupted store file is refused, reported by doctor and restored by doctor --fix', async () => {
    const file = path.join(q.coordDir, 'tasks.json');
    const good = readFileSync(file, 'utf8');
    writeFileSync(file, good.slice(0, 40));
    await refused(() => leader(q, ['task', 'add', 'third']), 1, /tasks\.json is invalid: not valid JSON.*doctor --fix/);
    await refused(() => agent(q, 2, ['request-task']), 1, /tasks\.json is invalid/);
    const doctor = await leader(q, ['doctor']);
    assert.equal(doctor.code, 1);
    assert.match(doctor.out, /problem: .*tasks\.json: not valid JSON/);
    const fixed = await leader(q, ['doctor', '--fix']);
    assert.equal(fixed.code, 0, fixed.out + fixed.err);
    assert.ok(readdirSync(path.join(q.coordDir, '.backup')).some((f) => /^corrupt-.*tasks\.json$/.test(f)), 'the corrupt file is kept aside');
    assert.equal((await leader(q, ['task', 'list', '--json'])).code, 0);
    assert.equal((await leader(q, ['doctor'])).code, 0);
  });

  test('a hand-corrupted view never blocks a verb: the next change rebuilds it (issue 14 item 12)', async () => {
    const view = path.join(q.coordDir, 'task-assignments.json');
    writeFileSync(view, '{ "assignments": ');
    const r = await agent(q, 2, ['report-progress', '10%', 'still going']);
    assert.equal(r.code, 0, r.err);
    assert.match(r.err, /task-assignments\.json was not a valid view .*rebuilt it/);
    assert.ok(readJson(view).assignments);
  });
});

describe('leases', () => {
  let q: QueueRepo;
  before(async () => {
    q = await queueRepo(2, 'lease_minutes: 0.1\n'); // 6 s: short for the test, long enough for a loaded machine
  });
  after(() => q.repo.cleanup());

  test('a stopped holder loses its task after the lease; its late complete and progress are refused', async () => {
    await leader(q, ['task', 'add', 'slow work']);
    const script = path.join(instanceDir(q.repo, 1), '.claude-instance', 'coordinate.sh');
    const flag = path.join(q.repo.parent, 'claimed');
    const log = path.join(q.repo.parent, 'agent.log');
    // The scripted agent: claim, work (it gets stopped here), then report and complete.
    const holder = spawn('bash', ['-c', `"${script}" request-task > /dev/null && touch "${flag}" && sleep 0.5; "${script}" complete task-001 "late" 2>> "${log}"; echo "complete $?" >> "${log}"; "${script}" report-progress 90% 2>> "${log}"; echo "progress $?" >> "${log}"`], { stdio: 'ignore' });
    while (!existsSync(flag)) await sleep(20);
    holder.kill('SIGSTOP');
    await sleep(6_500);
    const taken = await agent(q, 2, ['request-task']);
    assert.match(taken.out, /Claimed task-001 .*attempt 2, token 2/, taken.err);
    holder.kill('SIGCONT');
    await new Promise((resolve) => holder.on('exit', resolve));
    const lines = readFileSync(log, 'utf8');
    assert.match(lines, /your lease on task-001 expired at .*instance-1 does not hold task-001: it is held by instance-2/);
    assert.match(lines, /complete 5/);
    assert.match(lines, /progress 5/);
    const task = JSON.parse((await leader(q, ['task', 'show', '1', '--json'])).out);
    assert.equal(task.claimed_by, 'instance-2');
    assert.equal(task.status, 'claimed');
    assert.match(readFileSync(path.join(q.coordDir, 'events.jsonl'), 'utf8'), /"task.lease_expired","instance":"instance-1","data":\{"task":"task-001","token":1/);
    assert.equal((await agent(q, 2, ['complete', 'on time'])).code, 0);
  });
});
