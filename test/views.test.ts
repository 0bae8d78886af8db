// The derived views follow the documents after every instance verb: progress-reports.json shows the
// same last_seen (and progress) as instances.json, whatever the verb touched. Before views were
// rendered by every transaction (src/coord/transact.ts), message and claim verbs left it behind.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { agent, leader, queueRepo, type QueueRepo } from './tasks-fixtures.js';
import { progressReportsView, taskAssignmentsView } from '../src/coord/views/queue-views.js';
import { readQueueSettings } from '../src/coord/queue/queue-settings.js';
import { tasksDoc } from '../src/coord/queue/tasks.js';
import { instancesDoc } from '../src/coord/instances/instances.js';
import { readSeal } from '../src/lib/seal.js';
import { fingerprint } from '../src/lib/fingerprint.js';

/** Puts instance-1's heartbeat an hour back (as after a long think), so any verb must renew it. */
function ageHeartbeat(q: QueueRepo): string {
  const file = path.join(q.coordDir, 'instances.json');
  const doc = JSON.parse(readFileSync(file, 'utf8'));
  const old = new Date(Date.now() - 3_600_000).toISOString();
  doc.instances.find((i: { name: string }) => i.name === 'instance-1').last_seen = old;
  writeFileSync(file, `${JSON.stringify(doc, null, 2)}\n`);
  return old;
}

function registry(q: QueueRepo): Record<string, { last_seen: string | null; progress: number }> {
  const doc = JSON.parse(readFileSync(path.join(q.coordDir, 'instances.json'), 'utf8'));
  return Object.fromEntries(doc.instances.map((i: { name: string; last_seen: string | null; progress: number }) => [i.name, { last_seen: i.last_seen, progress: i.progress }]));
}

function progressView(q: QueueRepo): Record<string, { last_seen: string | null; progress: number }> {
  const view = JSON.parse(readFileSync(path.join(q.coordDir, 'progress-reports.json'), 'utf8'));
  return Object.fromEntries(Object.entries(view.instances).map(([name, v]) => [name, { last_seen: (v as { last_seen: string | null }).last_seen, progress: (v as { progress: number }).progress }]));
}

describe('views after every instance verb', () => {
  let q: QueueRepo;
  before(async () => {
    q = await queueRepo(2);
    assert.equal((await leader(q, ['task', 'add', 'first task'])).code, 0);
  });
  after(() => q.repo.cleanup());

  // Each verb, run by instance-1, must move its last_seen (it touched the instance) and leave the view equal.
  const verbs: string[][] = [
    ['request-task'],
    ['report-progress', '40%', 'halfway'],
    ['send', 'instance-2', 'hello there'],
    ['inbox'],
    ['claim', 'src/api/', 'pagination'],
    ['release', 'src/api/'],
    ['join', 'backend'],
    ['leave', 'backend'],
    ['broadcast', 'a finding'],
    ['update-memory', 'the cache is per request', '--category', 'pattern'],
    ['complete', 'done'],
  ];
  for (const verb of verbs) {
    test(`${verb[0]} leaves progress-reports.json equal to instances.json`, async () => {
      const seenBefore = ageHeartbeat(q);
      const r = await agent(q, 1, verb);
      assert.equal(r.code, 0, `${verb.join(' ')}: ${r.err}`);
      const now = registry(q);
      assert.notEqual(now['instance-1']!.last_seen, seenBefore, `${verb[0]} did not touch the instance`);
      assert.deepEqual(progressView(q), now);
      // A verb that changed only instances.json updated the views in place (src/coord/views/queue-views.ts): still exactly a full render.
      assert.deepEqual(await viewsOnDisk(q), await fullRender(q), `${verb[0]}: the views differ from a render of the documents`);
    });
  }
});

/** Both views as a render of the documents on disk makes them. */
async function fullRender(q: QueueRepo): Promise<{ assignments: unknown; progress: unknown }> {
  const tasksText = readFileSync(path.join(q.coordDir, 'tasks.json'), 'utf8');
  const { tasks } = tasksDoc.schema.parse(JSON.parse(tasksText));
  const { instances } = instancesDoc.schema.parse(JSON.parse(readFileSync(path.join(q.coordDir, 'instances.json'), 'utf8')));
  const settings = await readQueueSettings(q.repo.dir, q.coordDir);
  // The digest the build under test gives it: the checksum it sealed it with, unless edited since (src/lib/seal.ts).
  const digest = readSeal(tasksText)?.checksum ?? fingerprint(tasksText);
  return { assignments: JSON.parse(JSON.stringify(taskAssignmentsView(tasks, instances, settings, digest))), progress: JSON.parse(JSON.stringify(progressReportsView(tasks, instances))) };
}

async function viewsOnDisk(q: QueueRepo): Promise<{ assignments: unknown; progress: unknown }> {
  return {
    assignments: JSON.parse(readFileSync(path.join(q.coordDir, 'task-assignments.json'), 'utf8')),
    progress: JSON.parse(readFileSync(path.join(q.coordDir, 'progress-reports.json'), 'utf8')),
  };
}

describe('a call that changes only instances.json updates the views in place, and only when it can trust them', () => {
  let q: QueueRepo;
  before(async () => {
    q = await queueRepo(2);
    for (const d of ['first task', 'second task', 'third task']) assert.equal((await leader(q, ['task', 'add', d])).code, 0);
    assert.equal((await agent(q, 1, ['request-task'])).code, 0);
  });
  after(() => q.repo.cleanup());
  const viewFile = () => path.join(q.coordDir, 'task-assignments.json');

  test('a tasks.json edited by hand (valid, so it is used) shows in the views after a heartbeat-only call', async () => {
    const file = path.join(q.coordDir, 'tasks.json');
    const doc = JSON.parse(readFileSync(file, 'utf8'));
    doc.tasks.find((t: { id: string }) => t.id === 'task-002').description = 'second task, reworded by hand';
    writeFileSync(file, JSON.stringify(doc, null, 2));
    assert.equal((await agent(q, 1, ['join', 'edits'])).code, 0);
    const view = JSON.parse(readFileSync(viewFile(), 'utf8'));
    assert.equal(view.available.find((t: { id: string }) => t.id === 'task-002').description, 'second task, reworded by hand');
    assert.deepEqual(await viewsOnDisk(q), await fullRender(q));
  });

  test('a view that was edited (its digest removed, an entry changed) is rendered again from the documents', async () => {
    const view = JSON.parse(readFileSync(viewFile(), 'utf8'));
    delete view.tasks_digest;
    view.available = [];
    writeFileSync(viewFile(), JSON.stringify(view));
    assert.equal((await agent(q, 1, ['claim', 'src/edits/', 'testing'])).code, 0);
    assert.deepEqual(await viewsOnDisk(q), await fullRender(q));
    assert.equal(JSON.parse(readFileSync(viewFile(), 'utf8')).available.length, 2);
  });

  test('a view rendered for other instances is rendered again: its lease of a vanished holder cannot be updated', async () => {
    const view = JSON.parse(readFileSync(viewFile(), 'utf8'));
    view.by_instance = { 'instance-1': view.by_instance['instance-1'] };
    writeFileSync(viewFile(), JSON.stringify(view));
    assert.equal((await agent(q, 2, ['join', 'edits'])).code, 0);
    assert.deepEqual(await viewsOnDisk(q), await fullRender(q));
  });
});

test('task-assignments.json sorts every task into its place: claimed, free, waiting (on what), ended', () => {
  const base = { description: 'd', claimed_by: null, priority: 1, dependencies: [] as string[], context: { files: [], hints: '' }, created_at: '2026-12-04T00:00:00.000Z', claimed_at: null, completed_at: null, attempts: 0, result: null, token: 0, history: [] };
  const tasks = [
    { ...base, id: 'task-001', status: 'done' as const },
    { ...base, id: 'task-002', status: 'claimed' as const, claimed_by: 'instance-2', claimed_at: '2026-12-04T00:00:00.000Z', token: 3 },
    { ...base, id: 'task-003', status: 'available' as const, dependencies: ['task-001'], priority: 2 },
    { ...base, id: 'task-004', status: 'available' as const, dependencies: ['task-001', 'task-002', 'task-009'] },
    { ...base, id: 'task-005', status: 'failed' as const },
    { ...base, id: 'task-006', status: 'cancelled' as const },
    { ...base, id: 'task-007', status: 'claimed' as const, claimed_by: 'instance-9', claimed_at: '2026-12-04T00:00:00.000Z' },
    { ...base, id: 'task-008', status: 'available' as const },
  ];
  const instance = (name: string) => ({ name, last_seen: '2026-12-04T00:10:00.000Z' }) as never;
  const view = taskAssignmentsView(tasks, [instance('instance-1'), instance('instance-2')], { leaseMinutes: 30, maxAttempts: 3 }, 'digest');
  assert.deepEqual(Object.keys(view.assignments), ['task-002', 'task-007']);
  assert.equal((view.assignments['task-002'] as { lease_expires_at: string }).lease_expires_at, '2026-12-04T00:40:00.000Z', 'from the holder\'s last call');
  assert.deepEqual(view.by_instance, { 'instance-1': [], 'instance-2': ['task-002'] }, 'only registered instances');
  assert.deepEqual(view.available, [{ id: 'task-003', priority: 2, description: 'd' }, { id: 'task-008', priority: 1, description: 'd' }]);
  assert.deepEqual(view.waiting, [{ id: 'task-004', waiting_on: ['task-002', 'task-009'] }]);
  assert.deepEqual([view.done, view.failed, view.cancelled, view.tasks_digest], [['task-001'], ['task-005'], ['task-006'], 'digest']);
});
