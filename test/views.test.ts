// The derived views follow the documents after every instance verb: progress-reports.json shows the
// same last_seen (and progress) as instances.json, whatever the verb touched. Before views were
// rendered by every transaction (src/coord/transact.ts), message and claim verbs left it behind.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { agent, leader, queueRepo, type QueueRepo } from './tasks-fixtures.js';

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
    });
  }
});
