// The queue under load and under SIGKILL, with real processes only: 16 concurrent coordinate.sh
// loops over 4 instances working through 520 tasks with dependencies, then writers killed at
// random moments. The event log (append-only, written under the lock) is the witness of order.
import assert from 'node:assert/strict';
import { execa } from 'execa';
import { readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { instanceDir } from './helpers.js';
import { leader, queueRepo, readJson, type QueueRepo } from './tasks-fixtures.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function random(seed: number) {
  return () => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed / 2 ** 31;
  };
}

function coordinateSh(q: QueueRepo, k: number, args: string[]) {
  const worktree = instanceDir(q.repo, k);
  return execa(path.join(worktree, '.claude-instance', 'coordinate.sh'), args, { cwd: worktree, reject: false });
}

function allFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? allFiles(full) : [full];
  });
}

/** Every JSON file parses; no lock, breaker or temp file is left behind. */
function assertCleanFolder(q: QueueRepo, instances: number) {
  const files = allFiles(q.coordDir);
  assert.deepEqual(files.filter((f) => /\.lock$|\.breaker$|\.tmp-/.test(path.basename(f))), [], 'no lock or temp file left');
  for (const file of files.filter((f) => f.endsWith('.json'))) assert.doesNotThrow(() => readJson(file), file);
  for (let k = 1; k <= instances; k++) readJson(path.join(instanceDir(q.repo, k), '.claude-instance', 'info.json'));
}

function readEventLines(q: QueueRepo) {
  const lines = readFileSync(path.join(q.coordDir, 'events.jsonl'), 'utf8').split('\n').filter(Boolean);
  return lines.map((l) => {
    try {
      return JSON.parse(l) as { type: string; instance?: string; data: { task?: string } };
    } catch {
      return null; // a line torn by a killed writer (only in the crash test)
    }
  });
}

/** Works until the queue is empty: request-task, then complete the task it got. */
async function workLoop(q: QueueRepo, k: number, another: boolean, log: string[]): Promise<void> {
  for (;;) {
    const req = await coordinateSh(q, k, ['request-task', '--json', ...(another ? ['--another'] : [])]);
    if (req.exitCode === 3) {
      if (JSON.parse(String(req.stdout)).reason === 'empty') return;
      await sleep(30);
      continue;
    }
    assert.equal(req.exitCode, 0, String(req.stderr));
    const { task } = JSON.parse(String(req.stdout));
    log.push(`claim ${task.id} instance-${k}`);
    const done = await coordinateSh(q, k, ['complete', task.id, `done by instance-${k}`]);
    assert.equal(done.exitCode, 0, `${task.id}: ${done.stderr}`);
    log.push(`complete ${task.id} instance-${k}`);
  }
}

describe('stress: 16 concurrent loops over 4 instances, 520 tasks with dependencies', () => {
  let q: QueueRepo;
  after(() => q?.repo.cleanup());

  test('every task done exactly once, never two holders, never before its dependencies, files whole', async () => {
    q = await queueRepo(4);
    const rand = random(42);
    const count = 520;
    const tasks = Array.from({ length: count }, (_, i) => {
      const n = i + 1;
      const deps = new Set<string>();
      for (let d = 0; d < 2 && n > 1; d++) if (rand() < 0.6) deps.add(`task-${String(Math.max(1, n - 1 - Math.floor(rand() * 40))).padStart(3, '0')}`);
      return { id: `task-${String(n).padStart(3, '0')}`, description: `stress task ${n}`, priority: 1 + Math.floor(rand() * 5), dependencies: [...deps] };
    });
    const file = path.join(q.repo.parent, 'stress.json');
    writeFileSync(file, JSON.stringify({ tasks }));
    const imported = await leader(q, ['task', 'import', file]);
    assert.equal(imported.code, 0, imported.err);

    const log: string[] = [];
    await Promise.all(Array.from({ length: 16 }, (_, i) => workLoop(q, 1 + (i % 4), true, log)));

    const events = readEventLines(q);
    assert.ok(events.every(Boolean), 'every event line parses');
    const claimedAt = new Map<string, number>();
    const completedAt = new Map<string, number>();
    const holder = new Map<string, string>();
    events.forEach((e, index) => {
      const id = e!.data.task!;
      if (e!.type === 'task.claimed') {
        assert.ok(!claimedAt.has(id), `${id} claimed twice`);
        claimedAt.set(id, index);
        holder.set(id, e!.instance!);
      }
      if (e!.type === 'task.completed') {
        assert.ok(!completedAt.has(id), `${id} completed twice`);
        assert.equal(e!.instance, holder.get(id), `${id} completed by its holder`);
        completedAt.set(id, index);
      }
    });
    for (const t of tasks) {
      assert.ok(completedAt.get(t.id)! > claimedAt.get(t.id)!, `${t.id} claimed then completed`);
      for (const d of t.dependencies) assert.ok(completedAt.get(d)! < claimedAt.get(t.id)!, `${t.id} started before ${d} was done`);
    }
    assert.equal(log.filter((l) => l.startsWith('claim')).length, count, 'each task handed out exactly once');
    assert.equal(new Set(log.filter((l) => l.startsWith('claim')).map((l) => l.split(' ')[1])).size, count);
    const doc = readJson(path.join(q.coordDir, 'tasks.json'));
    assert.ok(doc.tasks.every((t: { status: string }) => t.status === 'done'));
    assert.equal(readdirSync(path.join(q.coordDir, 'results')).length, count);
    assertCleanFolder(q, 4);
  });
});

describe('crash: writers killed with SIGKILL at random moments', () => {
  let q: QueueRepo;
  after(() => q?.repo.cleanup());

  test('50 writers killed mid-call: files always parse, the lock recovers, no task lost or duplicated', async () => {
    q = await queueRepo(2);
    const count = 40;
    const tasks = Array.from({ length: count }, (_, i) => ({ id: `task-${String(i + 1).padStart(3, '0')}`, description: `crash task ${i + 1}`, dependencies: i % 3 === 2 ? [`task-${String(i).padStart(3, '0')}`] : [] }));
    const file = path.join(q.repo.parent, 'crash.json');
    writeFileSync(file, JSON.stringify({ tasks }));
    assert.equal((await leader(q, ['task', 'import', file])).code, 0);
    const rand = random(7);
    // Kill at a random moment inside a verb's lifetime, measured here rather than guessed: the
    // machine's speed decides how long a call lives. Trials go on until 50 writers died mid-call.
    const started = Date.now();
    await coordinateSh(q, 1, ['report-progress', '0%', 'calibration']);
    const lifetime = Date.now() - started;
    let killed = 0;
    for (let trial = 0; killed < 50 && trial < 200; trial++) {
      const doc = readJson(path.join(q.coordDir, 'tasks.json'));
      const runs = [1, 2].map((k) => {
        const held = doc.tasks.find((t: { status: string; claimed_by: string }) => t.status === 'claimed' && t.claimed_by === `instance-${k}`);
        const verb = held && rand() < 0.6 ? ['complete', held.id, `done in trial ${trial}`] : rand() < 0.8 ? ['request-task', '--another'] : ['report-progress', '50%', `trial ${trial}`];
        return coordinateSh(q, k, verb);
      });
      const victim = runs[Math.floor(rand() * 2)]!;
      await sleep(rand() * lifetime * 1.2);
      if (victim.exitCode === null && victim.kill('SIGKILL')) killed++;
      await Promise.all(runs);
      // Between trials, as any reader would: every document and view parses.
      for (const name of ['tasks.json', 'instances.json', 'task-assignments.json', 'progress-reports.json']) readJson(path.join(q.coordDir, name));
    }
    assert.ok(killed >= 50, `killed ${killed} writers`);
    // The survivors finish the queue: held tasks come back through request-task.
    await Promise.all([1, 2].map((k) => workLoop(q, k, false, [])));
    const doc = readJson(path.join(q.coordDir, 'tasks.json'));
    assert.deepEqual(doc.tasks.filter((t: { status: string }) => t.status !== 'done').map((t: { id: string }) => t.id), [], 'no task lost');
    assert.equal(doc.tasks.length, count, 'no task duplicated');
    const completions = readEventLines(q).filter((e) => e?.type === 'task.completed').map((e) => e!.data.task);
    assert.equal(completions.length, new Set(completions).size, 'no task completed twice');
    assert.deepEqual(readdirSync(path.join(q.coordDir, 'results')).sort(), tasks.map((t) => `${t.id}.md`));
    await leader(q, ['task', 'list']); // one more transaction sweeps temp files of the last victims
    assertCleanFolder(q, 2);
    const doctor = await leader(q, ['doctor', '--fix']);
    assert.equal(doctor.code, 0, doctor.out);
  });
});
