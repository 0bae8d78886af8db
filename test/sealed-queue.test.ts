// tasks.json is sealed (src/lib/seal.ts): a build reads the queue it wrote without validating it
// again, and writes it validating only the tasks that changed (src/store/store.ts, setRecords).
// What must hold: nothing unvalidated is ever written, and any text not exactly as this build
// wrote it (edited by hand, torn, from another build) is validated like any other document.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { fingerprint } from '../src/lib/fingerprint.js';
import { toRecordsText } from '../src/lib/json-file.js';
import { intactChecksum, readSeal, seal } from '../src/lib/seal.js';
import { transact } from '../src/store/store.js';
import { tasksDoc, type Task, type TasksFile } from '../src/coord/queue/tasks.js';
import { agent, leader, queueRepo, type QueueRepo } from './tasks-fixtures.js';

const dirs: string[] = [];
after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function coordDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'wtc-sealed-'));
  dirs.push(dir);
  return dir;
}

function task(n: number, extra: Partial<Task> = {}): Task {
  return {
    id: `task-${String(n).padStart(3, '0')}`, description: `task ${n}`, status: 'available', claimed_by: null, priority: n, dependencies: [],
    context: { files: [], hints: '' }, created_at: '2026-12-04T00:00:00.000Z', claimed_at: null, completed_at: null, attempts: 0, result: null, token: 0, history: [], ...extra,
  };
}

const queueOf = (tasks: Task[]): TasksFile => ({ version: 1, next_id: tasks.length + 1, next_token: 1, tasks, lost_leases: {} });
const tasksFile = (dir: string) => path.join(dir, 'tasks.json');

describe('the seal', () => {
  test('marks the text as this build wrote it; one changed byte, a moved line or another build does not match', () => {
    const { text, checksum } = seal(toRecordsText(queueOf([task(1), task(2)])));
    assert.match(text, /,\n {2}"checksum": "[0-9a-f]{16}:[0-9a-f]{16}"\n\}\n$/);
    assert.equal(intactChecksum(text), checksum);
    assert.equal(JSON.parse(text).checksum, checksum, 'still one JSON document');
    assert.equal(intactChecksum(text.replace('task 2', 'task 3')), null, 'an edit of the same length');
    assert.equal(intactChecksum(text.replace('\n  "checksum"', '\n "checksum"')), null, 'the seal line moved');
    assert.equal(intactChecksum(text.slice(0, -1)), null, 'cut short');
    const otherBuild = text.replace(/"checksum": "[0-9a-f]{16}:/, `"checksum": "${'0'.repeat(16)}:`);
    assert.equal(intactChecksum(otherBuild), null, 'sealed by another build');
    assert.notEqual(readSeal(otherBuild), null, 'which is still a whole seal');
  });

  test('the fingerprint changes with any byte, and takes text and bytes alike', () => {
    const base = 'x'.repeat(1001);
    const seen = new Set([fingerprint(base)]);
    for (let i = 0; i < base.length; i += 97) seen.add(fingerprint(`${base.slice(0, i)}y${base.slice(i + 1)}`));
    assert.equal(seen.size, 1 + Math.ceil(base.length / 97));
    assert.equal(fingerprint('héllo'), fingerprint(Buffer.from('héllo')));
    assert.notEqual(fingerprint('ab'), fingerprint('ab\0'));
  });
});

describe('a sealed queue in the store', () => {
  test('is read back without validation only while intact: an edit by hand is validated, and refused when invalid', async () => {
    const dir = coordDir();
    await transact(dir, async (tx) => tx.set(tasksDoc, queueOf([task(1), task(2)])));
    const written = readFileSync(tasksFile(dir), 'utf8');
    assert.notEqual(intactChecksum(written), null, 'the store seals what it writes');
    // A record no schema accepts, sealed as this build would: read as written, proving the read skips validation.
    writeFileSync(tasksFile(dir), seal(written.slice(0, written.lastIndexOf(',\n  "checksum"')).concat('\n}\n').replace('"priority":2', '"priority":"high"')).text);
    const trusted = await transact(dir, async (tx) => (await tx.get(tasksDoc)).tasks[1]!.priority);
    assert.equal(trusted, 'high');
    // The same text with one byte changed and the seal left as it was: validated, and refused.
    writeFileSync(tasksFile(dir), readFileSync(tasksFile(dir), 'utf8').replace('"task 1"', '"task 9"'));
    await assert.rejects(transact(dir, async (tx) => tx.get(tasksDoc)), /tasks\.json.*tasks\.1\.priority|priority/);
  });

  test('a write validates the tasks it names; an invalid one refuses the whole commit and writes nothing', async () => {
    const dir = coordDir();
    await transact(dir, async (tx) => tx.set(tasksDoc, queueOf([task(1), task(2), task(3)])));
    const before = readFileSync(tasksFile(dir), 'utf8');
    await assert.rejects(
      transact(dir, async (tx) => {
        const doc = await tx.get(tasksDoc);
        (doc.tasks[2] as { status: string }).status = 'finished';
        tx.setRecords(tasksDoc, doc, [doc.tasks[2]!]);
      }),
      /status/,
    );
    assert.equal(readFileSync(tasksFile(dir), 'utf8'), before);
  });

  test('a named change is written, the others kept byte for byte; a new task is validated and written', async () => {
    const dir = coordDir();
    await transact(dir, async (tx) => tx.set(tasksDoc, queueOf([task(1), task(2), task(3)])));
    const lineOf = (text: string, id: string) => text.split('\n').find((l) => l.includes(`"id":"${id}"`))?.replace(/,$/, '');
    const before = readFileSync(tasksFile(dir), 'utf8');
    await transact(dir, async (tx) => {
      const doc = await tx.get(tasksDoc);
      doc.tasks[1]!.status = 'claimed';
      doc.tasks[1]!.claimed_by = 'instance-1';
      doc.tasks.push(task(4));
      doc.next_id = 5;
      tx.setRecords(tasksDoc, doc, [doc.tasks[1]!]);
    });
    const after = readFileSync(tasksFile(dir), 'utf8');
    assert.notEqual(intactChecksum(after), null);
    assert.equal(lineOf(after, 'task-001'), lineOf(before, 'task-001'));
    assert.equal(lineOf(after, 'task-003'), lineOf(before, 'task-003'));
    const doc = JSON.parse(after) as TasksFile;
    assert.equal(doc.tasks[1]!.claimed_by, 'instance-1');
    assert.deepEqual(doc.tasks.map((t) => t.id), ['task-001', 'task-002', 'task-003', 'task-004']);
    assert.equal(doc.next_id, 5);
    await assert.rejects(
      transact(dir, async (tx) => {
        const d = await tx.get(tasksDoc);
        d.tasks.push({ ...task(5), id: 'task-../x' });
        tx.setRecords(tasksDoc, d, []);
      }),
      /task id/,
      'a new task is validated though not named',
    );
  });

  test('under WT_COORD_CHECK_RECORDS (the test suite), a task changed but not named refuses the commit', async () => {
    assert.equal(process.env.WT_COORD_CHECK_RECORDS, '1', 'scripts/test.mjs sets it');
    const dir = coordDir();
    await transact(dir, async (tx) => tx.set(tasksDoc, queueOf([task(1), task(2)])));
    const before = readFileSync(tasksFile(dir), 'utf8');
    await assert.rejects(
      transact(dir, async (tx) => {
        const doc = await tx.get(tasksDoc);
        doc.tasks[0]!.result = 'changed';
        doc.tasks[1]!.result = 'changed too';
        tx.setRecords(tasksDoc, doc, [doc.tasks[0]!]);
      }),
      /record 1 changed but setRecords\(\) did not name it/,
    );
    assert.equal(readFileSync(tasksFile(dir), 'utf8'), before);
  });
});

describe('the queue of a repository, through the CLI and coordinate.sh', () => {
  let q: QueueRepo;
  after(() => q?.repo.cleanup());

  test('an edit by hand that keeps the layout and the seal line is noticed, used, and sealed again', async () => {
    q = await queueRepo(1);
    for (const d of ['first task', 'second task']) assert.equal((await leader(q, ['task', 'add', d])).code, 0);
    const file = path.join(q.coordDir, 'tasks.json');
    const sealed = readFileSync(file, 'utf8');
    assert.ok(readSeal(sealed), 'task add sealed it');
    writeFileSync(file, sealed.replace('"second task"', '"second task, by hand"'));
    assert.equal(readSeal(readFileSync(file, 'utf8')), null);
    assert.equal((await agent(q, 1, ['request-task'])).code, 0);
    const shown = await agent(q, 1, ['request-task', '--another']);
    assert.equal(shown.code, 0, shown.err);
    assert.match(shown.out, /second task, by hand/);
    assert.ok(readSeal(readFileSync(file, 'utf8')), 'sealed again by the call that wrote it');
    // And an edit that breaks a task: every call that reads the queue refuses, naming the file and the field.
    writeFileSync(file, readFileSync(file, 'utf8').replace(/"priority":\d+/, '"priority":"soon"'));
    const refused = await agent(q, 1, ['report-progress', '10%', 'x']);
    assert.notEqual(refused.code, 0);
    assert.match(refused.err, /tasks\.json.*priority/);
  });
});

test('a text and its UTF-8 bytes have one fingerprint, small or large, ASCII or not', () => {
  for (const text of ['a', 'héllo wörld ✓', 'x'.repeat(128 * 1024 - 1), 'x'.repeat(128 * 1024), `${'é'.repeat(50_000)}`, `${'✓'.repeat(43_700)}`, `${'✓'.repeat(43_690)}`]) {
    assert.equal(fingerprint(text), fingerprint(Buffer.from(text, 'utf8')), `${text.length} characters, ${Buffer.byteLength(text)} bytes`);
  }
});
