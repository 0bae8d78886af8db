// One store contract, two backends: every case runs against the file store and against PostgreSQL
// (a real server started for this file). Concurrency cases use many real processes at once.
import assert from 'node:assert/strict';
import { execa } from 'execa';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ROOT } from './helpers.js';
import { startPgServer, type PgServer } from './support/pg-server.js';
import { fileCoordDir, pgCoordDir } from './support/pg-store.js';
import { readDoc } from '../src/store/store.js';
import { COUNTER_VIEW as VIEW, counterDoc, transactCounter } from './support/contract-doc.js';
import { transact } from '../src/coord/transact.js';
import { closeRemoteStores } from '../src/store/remote.js';
import { instancesDoc, type Instance } from '../src/coord/instances/index.js';
import { addTasks, listTasks } from '../src/coord/queue/index.js';
import { readInboxReport, sendMessage } from '../src/coord/messages/index.js';

const readInbox = async (dir: string, who: string, options: { all?: boolean } = {}) => (await readInboxReport(dir, who, options)).messages;
import { countQueue, moveRecords, queueDiscovery, queuePaths, readQueue } from '../src/coord/memory/index.js';

let server: PgServer;
before(async () => {
  server = await startPgServer();
});
after(async () => {
  await closeRemoteStores();
  server.destroy();
});

function fakeInstances(dir: string, count: number): Instance[] {
  return Array.from({ length: count }, (_, k) => {
    const worktree = path.join(dir, `wt-${k + 1}`);
    mkdirSync(path.join(worktree, '.claude-instance'), { recursive: true });
    return {
      id: k + 1, name: `instance-${k + 1}`, branch: `wt/instance-${k + 1}`, worktree, main_repo: path.join(dir, 'no-repo'), memory_bank: path.join(dir, 'bank'), coordination: dir,
      base_commit: 'x', base_ref: 'main', created_at: new Date().toISOString(), agent: null, status: 'active', progress: 0, progress_message: null, assigned_tasks: [], last_seen: new Date().toISOString(), machine: null, port: null,
    };
  });
}

// A claimer process: request-task and complete until nothing is ready, printing "task token" per claim.
const claimer = `
import { requestTask, completeTask } from ${JSON.stringify(path.join(ROOT, 'src/coord/queue/index.ts'))};
import { closeRemoteStores } from ${JSON.stringify(path.join(ROOT, 'src/store/remote.ts'))};
const [dir, id] = process.argv.slice(2);
for (;;) {
  const got = await requestTask(dir, Number(id));
  if (got.kind === 'none') break;
  process.stdout.write(got.task.id + ' ' + got.task.token + '\\n');
  await completeTask(dir, Number(id), got.task.id, 'done by ' + id, { token: got.task.token });
}
await closeRemoteStores();
`;

const backends: [string, () => Promise<string>][] = [
  ['files', async () => fileCoordDir()],
  ['postgres', async () => pgCoordDir(server)],
];

for (const [backend, makeDir] of backends) {
  describe(`store contract: ${backend}`, () => {
    test('a document reads as its empty value, then as committed; its view is rendered into the folder', async () => {
      const dir = await makeDir();
      assert.deepEqual(await readDoc(dir, counterDoc), { version: 1, n: 0, by: [] });
      await transactCounter(dir, async (tx) => {
        const doc = await tx.get(counterDoc);
        tx.set(counterDoc, { ...doc, n: doc.n + 1, by: [...doc.by, 'x'] });
      });
      assert.deepEqual(await readDoc(dir, counterDoc), { version: 1, n: 1, by: ['x'] });
      const { readFileSync } = await import('node:fs');
      assert.equal(readFileSync(path.join(dir, VIEW), 'utf8'), 'n=1\n');
    });

    test('a transaction that throws, or sets a value its schema refuses, changes nothing', async () => {
      const dir = await makeDir();
      await transactCounter(dir, async (tx) => tx.set(counterDoc, { version: 1, n: 5, by: [] }));
      await assert.rejects(transactCounter(dir, async (tx) => {
        tx.set(counterDoc, { version: 1, n: 6, by: [] });
        throw new Error('changed my mind');
      }), /changed my mind/);
      await assert.rejects(transactCounter(dir, async (tx) => tx.set(counterDoc, { version: 1, n: -1, by: [] })));
      assert.equal((await readDoc(dir, counterDoc)).n, 5);
    });

    test('6 processes x 8 read-modify-write transactions lose no update', async () => {
      const dir = await makeDir();
      const script = path.join(dir, 'inc.mts');
      writeFileSync(script, `

import { closeRemoteStores } from ${JSON.stringify(path.join(ROOT, 'src/store/remote.ts'))};
import { counterDoc as doc, transactCounter as transact } from ${JSON.stringify(path.join(ROOT, 'test/support/contract-doc.ts'))};
for (let i = 0; i < 8; i++) await transact(process.argv[2], async (tx) => { const d = await tx.get(doc); tx.set(doc, { ...d, n: d.n + 1, by: [...d.by, process.argv[3] + ':' + i] }); });
await closeRemoteStores();
`);
      await Promise.all(Array.from({ length: 6 }, (_, k) => execa(process.execPath, ['--import', 'tsx', script, dir, String(k)], { cwd: ROOT })));
      const final = await readDoc(dir, counterDoc);
      assert.equal(final.n, 48);
      assert.equal(new Set(final.by).size, 48);
    });

    test('6 claimer processes take 40 tasks: each done once, every token used once', async () => {
      const dir = await makeDir();
      await transact(dir, async (tx) => tx.set(instancesDoc, { version: 1, instances: fakeInstances(dir, 6) }));
      await addTasks(dir, Array.from({ length: 40 }, (_, k) => ({ description: `task ${k}`, priority: k % 3 })));
      const script = path.join(dir, 'claimer.mts');
      writeFileSync(script, claimer);
      const runs = await Promise.all(Array.from({ length: 6 }, (_, k) => execa(process.execPath, ['--import', 'tsx', script, dir, String(k + 1)], { cwd: ROOT })));
      const claims = runs.flatMap((r) => r.stdout.split('\n').filter(Boolean));
      assert.equal(claims.length, 40, 'one claim per task');
      assert.equal(new Set(claims.map((c) => c.split(' ')[0])).size, 40, 'no task claimed twice');
      assert.equal(new Set(claims.map((c) => c.split(' ')[1])).size, 40, 'no token used twice');
      const tasks = await listTasks(dir);
      assert.ok(tasks.every((t) => t.status === 'done' && t.attempts === 1), 'every task done on its first attempt');
    });

    test('messages: numbered in send order; each reader is shown each message once', async () => {
      const dir = await makeDir();
      await transact(dir, async (tx) => tx.set(instancesDoc, { version: 1, instances: fakeInstances(dir, 2) }));
      for (let i = 1; i <= 3; i++) await sendMessage(dir, { from: 'instance-1', to: 'instance-2', type: 'message', body: `hello ${i}` });
      await sendMessage(dir, { from: 'instance-2', to: 'broadcast', type: 'message', body: 'to all' });
      const first = await readInbox(dir, 'instance-2');
      assert.deepEqual(first.map((m) => m.body), ['hello 1', 'hello 2', 'hello 3']);
      assert.deepEqual(first.map((m) => m.seq), [1, 2, 3]);
      assert.deepEqual(await readInbox(dir, 'instance-2'), []);
      assert.deepEqual((await readInbox(dir, 'instance-1')).map((m) => m.body), ['to all']);
      assert.equal((await readInbox(dir, 'instance-2', { all: true })).length, 3);
    });

    test('the discovery queue: queued records are read in order, and once merged are not read again', async () => {
      const dir = await makeDir();
      const ids = [];
      for (const text of ['first', 'second']) ids.push((await queueDiscovery(dir, { instance: 'instance-1', task: null, category: 'pattern', text, files: [] })).id);
      const queue = await readQueue(dir);
      assert.deepEqual(queue.records.map((r) => r.text), ['first', 'second']);
      assert.deepEqual(await countQueue(dir), { pending: 2, corrupt: 0 });
      await moveRecords(queue.records.map((r) => r.file), queuePaths(dir).merged, dir);
      assert.deepEqual((await readQueue(dir)).records, []);
      assert.deepEqual(await countQueue(dir), { pending: 0, corrupt: 0 });
    });

    test('the discovery queue: a retry of the same discovery is a no-op that names the first; a different one is queued', async () => {
      const dir = await makeDir();
      const send = (text: string) => queueDiscovery(dir, { instance: 'instance-1', task: null, category: 'pattern', text, files: ['src/a.ts'] });
      const first = await send('the cache is per request');
      assert.equal(first.duplicate, false);
      const retries = await Promise.all([1, 2, 3].map(() => send('the cache is per request')));
      for (const retry of retries) assert.deepEqual([retry.duplicate, retry.id], [true, first.id]);
      assert.equal((await send('the cache is per session')).duplicate, false);
      assert.deepEqual((await readQueue(dir)).records.map((r) => r.text), ['the cache is per request', 'the cache is per session']);
    });
  });
}
