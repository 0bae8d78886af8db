// Issue 15, the store under faults, one test per fault class: a holder paused past the stale-lock
// time (SIGSTOP, real processes), a holder that simply works long, the message bus the same way, a
// full disk between two documents of one commit (a real tmpfs: CI runs as root), a FIFO where a
// document belongs, a runaway last line of the message log, and doctor's queue checks.
import assert from 'node:assert/strict';
import { execa, type ResultPromise } from 'execa';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statfsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { ROOT } from './helpers.js';
import { CODEX_BIN, makeCodexHome } from './support/codex-home.js';
import { transact } from '../src/store/store.js';
import { runDoctor } from '../src/coord/doctor.js';
import { postMessage } from '../src/coord/messages/messages.js';
import { instanceSchema, instancesDoc } from '../src/coord/instances/instances.js';
import { tasksDoc } from '../src/coord/queue/tasks.js';

const root = mkdtempSync(path.join(tmpdir(), 'wtc-rel-'));
after(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
const freshDir = () => {
  const dir = path.join(root, `c${++n}`);
  mkdirSync(dir, { recursive: true });
  return dir;
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const STALE = 300;

async function waitFor(file: string): Promise<void> {
  while (!existsSync(file)) await sleep(10);
}

/** A registry entry; the schema fills in every field with a default (so new fields need no change here). */
function instance(k: number) {
  return instanceSchema.parse({ id: k, name: `instance-${k}`, branch: `wt/instance-${k}`, worktree: `/nonexistent/i${k}`, main_repo: '/nonexistent/main', memory_bank: '/nonexistent/bank', coordination: '/nonexistent/coord', base_commit: 'abc', base_ref: 'main', created_at: new Date().toISOString() });
}

/** A child that opens a transaction, does `body` (TypeScript, `tx` in scope), says so in `ready`, then holds the lock `holdMs`. */
function holder(dir: string, ready: string, holdMs: number, body: string, after = ''): ResultPromise {
  const script = `
import { writeFileSync } from 'node:fs';
import { transact } from ${JSON.stringify(path.join(ROOT, 'src/store/store.ts'))};
import { postMessage } from ${JSON.stringify(path.join(ROOT, 'src/coord/messages/messages.ts'))};
import { tasksDoc } from ${JSON.stringify(path.join(ROOT, 'src/coord/queue/tasks.ts'))};
void postMessage; void tasksDoc;
await transact(${JSON.stringify(dir)}, async (tx) => {
  ${body}
  writeFileSync(${JSON.stringify(ready)}, '');
  await new Promise((r) => setTimeout(r, ${holdMs}));
  ${after}
}, { staleMs: ${STALE} });
`;
  const file = path.join(dir, '..', `holder-${++n}.mts`);
  writeFileSync(file, script);
  return execa(process.execPath, ['--import', 'tsx', file], { cwd: ROOT, reject: false });
}

test('a lock holder paused past the stale time cannot commit over what the next holder committed', async () => {
  const dir = freshDir();
  await transact(dir, async (tx) => tx.set(tasksDoc, { ...(await tx.get(tasksDoc)), next_id: 10 }));
  const ready = path.join(dir, '..', `ready-${n}`);
  const paused = holder(dir, ready, 1_000, 'const d = await tx.get(tasksDoc); tx.set(tasksDoc, { ...d, next_id: 99 });');
  await waitFor(ready);
  paused.kill('SIGSTOP');
  await sleep(STALE * 3); // its lock is stale now
  await transact(dir, async (tx) => tx.set(tasksDoc, { ...(await tx.get(tasksDoc)), next_id: 11 }), { staleMs: STALE });
  paused.kill('SIGCONT');
  const result = await paused;
  const doc = JSON.parse(readFileSync(path.join(dir, 'tasks.json'), 'utf8'));
  assert.equal(doc.next_id, 11, 'the newer commit stands');
  assert.notEqual(result.exitCode, 0, 'the paused holder is told it failed');
  assert.match(String(result.stderr), /lost the store lock/);
});

test('a lock holder that works longer than the stale time keeps its lock: it is refreshed', async () => {
  const dir = freshDir();
  const ready = path.join(dir, '..', `ready-${n}`);
  const slow = holder(dir, ready, STALE * 4, 'const d = await tx.get(tasksDoc); tx.set(tasksDoc, { ...d, next_id: d.next_id + 1 });');
  await waitFor(ready);
  // Waits for the slow holder instead of breaking its lock, so both increments count.
  await transact(dir, async (tx) => tx.set(tasksDoc, { ...(await tx.get(tasksDoc)), next_id: (await tx.get(tasksDoc)).next_id + 1 }), { staleMs: STALE });
  const result = await slow;
  assert.equal(result.exitCode, 0, String(result.stderr));
  assert.equal(JSON.parse(readFileSync(path.join(dir, 'tasks.json'), 'utf8')).next_id, 3);
});

test('a holder whose process blocked its event loop past the stale time keeps its lock from waiters in that process', async () => {
  // As in a 16-instance spawn on a loaded machine: one step holds the store lock and awaits I/O,
  // another step blocks the loop synchronously, and when it returns the lock's mtime is old (the
  // refresh timer had no turn). The waiters of that same process run: the holder is not paused.
  const dir = freshDir();
  const blockFor = (ms: number) => {
    const until = Date.now() + ms;
    while (Date.now() < until);
  };
  let holderIn: () => void = () => {};
  const inside = new Promise<void>((resolve) => (holderIn = resolve));
  const first = transact(dir, async (tx) => {
    const d = await tx.get(tasksDoc);
    holderIn();
    await sleep(STALE * 4);
    tx.set(tasksDoc, { ...d, next_id: d.next_id + 1 });
  }, { staleMs: STALE });
  await inside;
  const increment = () => transact(dir, async (tx) => tx.set(tasksDoc, { ...(await tx.get(tasksDoc)), next_id: (await tx.get(tasksDoc)).next_id + 1 }), { staleMs: STALE });
  const waiters = Array.from({ length: 8 }, increment);
  await sleep(30); // the waiters are polling the lock now
  blockFor(STALE * 3);
  const results = await Promise.allSettled([first, ...waiters]);
  const failed = results.filter((r) => r.status === 'rejected').map((r) => String((r as PromiseRejectedResult).reason));
  assert.deepEqual(failed, [], 'no transaction lost its lock');
  assert.equal(JSON.parse(readFileSync(path.join(dir, 'tasks.json'), 'utf8')).next_id, 10, 'all nine commits count, one after another');
});

test('a store call inside Codex\'s sandbox (a pid namespace of its own) waits for a lock held outside it, instead of taking it for dead', async () => {
  const dir = freshDir();
  await transact(dir, async (tx) => tx.set(tasksDoc, { ...(await tx.get(tasksDoc)), next_id: 10 }));
  const ready = path.join(dir, '..', `ready-${n}`);
  // Outside: holds the lock 1.5 s (refreshed, so never stale by age) and then commits.
  const outside = holder(dir, ready, 1_500, 'const d = await tx.get(tasksDoc); tx.set(tasksDoc, { ...d, next_id: d.next_id + 1 });');
  await waitFor(ready);
  const inner = path.join(dir, '..', `inside-${++n}.mts`);
  writeFileSync(inner, `
import { transact } from ${JSON.stringify(path.join(ROOT, 'src/store/store.ts'))};
import { tasksDoc } from ${JSON.stringify(path.join(ROOT, 'src/coord/queue/tasks.ts'))};
await transact(${JSON.stringify(dir)}, async (tx) => tx.set(tasksDoc, { ...(await tx.get(tasksDoc)), next_id: (await tx.get(tasksDoc)).next_id + 1 }), { staleMs: ${STALE} });
`);
  const home = makeCodexHome({ baseUrl: 'http://127.0.0.1:9' });
  try {
    // `codex sandbox`: the pinned Codex runs a command in the same sandbox it gives the agent.
    const inside = await execa(CODEX_BIN, ['sandbox', '-c', 'sandbox_mode="workspace-write"', '--', process.execPath, '--import', 'tsx', inner], { cwd: ROOT, env: { ...process.env, ...home.env }, reject: false });
    const held = await outside;
    assert.equal(held.exitCode, 0, `the holder outside lost its lock to the sandboxed call: ${held.stderr}`);
    assert.equal(inside.exitCode, 0, String(inside.stderr));
    assert.equal(JSON.parse(readFileSync(path.join(dir, 'tasks.json'), 'utf8')).next_id, 12, 'both commits count');
  } finally {
    home.cleanup();
  }
});

test('a sender paused past the stale time neither duplicates a sequence number nor slips a message in behind a reader', async () => {
  const dir = freshDir();
  await transact(dir, async (tx) => tx.set(instancesDoc, { version: 1, instances: [instance(1), instance(2)] }));
  const ready = path.join(dir, '..', `ready-${n}`);
  const send = (body: string) => `await postMessage(tx, { from: 'instance-1', to: 'instance-2', type: 'message', body: ${JSON.stringify(body)} });`;
  const paused = holder(dir, ready, 800, send('first from the paused sender'), send('second from the paused sender'));
  await waitFor(ready);
  paused.kill('SIGSTOP');
  await sleep(STALE * 3);
  await transact(dir, (tx) => postMessage(tx, { from: 'instance-2', to: 'instance-1', type: 'message', body: 'from the next holder' }), { staleMs: STALE });
  paused.kill('SIGCONT');
  await paused;
  const lines = readFileSync(path.join(dir, 'messages.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
  const seqs = lines.map((m) => m.seq);
  assert.equal(new Set(seqs).size, seqs.length, `duplicate sequence numbers: ${JSON.stringify(lines.map((m) => [m.seq, m.body]))}`);
  assert.deepEqual(seqs, [...seqs].sort((a, b) => a - b), 'every message is numbered above the ones before it');
});

const asRoot = process.getuid?.() === 0;

/** A small tmpfs (CI runs as root) holding a coordination folder. */
function tmpfs(sizeKb: number): { dir: string; fill: (leaveKb: number) => void; release: () => void } {
  const mount = path.join(root, `fs${++n}`);
  mkdirSync(mount);
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeKb}k`, 'tmpfs', mount]);
  after(() => execFileSync('umount', ['-l', mount]));
  const dir = path.join(mount, 'coord');
  mkdirSync(dir);
  const filler = path.join(mount, 'filler');
  return {
    dir,
    fill: (leaveKb) => {
      const free = statfsSync(mount).bavail * statfsSync(mount).bsize;
      writeFileSync(filler, Buffer.alloc(Math.max(0, free - leaveKb * 1024)));
    },
    release: () => rmSync(filler, { force: true }),
  };
}

test('a full disk between the two documents of a claim changes neither, and the error names the file', { skip: asRoot ? false : 'needs root to mount a tmpfs (CI runs as root)' }, async () => {
  const disk = tmpfs(1024);
  await transact(disk.dir, async (tx) => {
    tx.set(tasksDoc, { ...(await tx.get(tasksDoc)), next_id: 5 });
    tx.set(instancesDoc, { version: 1, instances: [instance(1)] });
  });
  const before = { tasks: readFileSync(path.join(disk.dir, 'tasks.json'), 'utf8'), instances: readFileSync(path.join(disk.dir, 'instances.json'), 'utf8') };
  disk.fill(24); // room for the small tasks.json, not for the large instances.json
  const big = { ...instance(1), progress_message: 'x'.repeat(200_000) };
  const error = await transact(disk.dir, async (tx) => {
    tx.set(tasksDoc, { ...(await tx.get(tasksDoc)), next_id: 6 });
    tx.set(instancesDoc, { version: 1, instances: [big] });
  }).then(() => null, (e: Error) => e);
  disk.release();
  assert.ok(error, 'the commit fails on the full disk');
  assert.match(error.message, /instances\.json|tasks\.json/, `the error names the file: ${error.message}`);
  assert.match(error.message, /ENOSPC/);
  assert.equal(readFileSync(path.join(disk.dir, 'tasks.json'), 'utf8'), before.tasks, 'tasks.json is unchanged');
  assert.equal(readFileSync(path.join(disk.dir, 'instances.json'), 'utf8'), before.instances, 'instances.json is unchanged');
});

test('a FIFO where a document belongs is refused by name instead of hanging the reader', async () => {
  const dir = freshDir();
  execFileSync('mkfifo', [path.join(dir, 'tasks.json')]);
  const script = path.join(root, `fifo-${n}.mts`);
  writeFileSync(script, `
import { readDoc } from ${JSON.stringify(path.join(ROOT, 'src/store/store.ts'))};
import { tasksDoc } from ${JSON.stringify(path.join(ROOT, 'src/coord/queue/tasks.ts'))};
try { await readDoc(${JSON.stringify(dir)}, tasksDoc); console.log('read'); } catch (e) { console.log((e as Error).message); }
`);
  // A reader that blocks is killed after a while: that is the failure, not a measured time.
  const result = await execa(process.execPath, ['--import', 'tsx', script], { cwd: ROOT, reject: false, timeout: 20_000 });
  assert.equal(result.timedOut, false, 'the reader hung on the FIFO');
  assert.match(String(result.stdout), /tasks\.json.*not a regular file \(a FIFO\)/);
});

test('a message too large to store is refused; a runaway last line of the log is skipped in one pass', async () => {
  const dir = freshDir();
  await transact(dir, async (tx) => tx.set(instancesDoc, { version: 1, instances: [instance(1), instance(2)] }));
  // Within the body limit (64 KiB) but escaped to six bytes a character, with 100 long paths: over a MiB as a line.
  const huge = { from: 'instance-1', to: 'instance-2', type: 'message', body: '\u0001'.repeat(60_000), paths: Array.from({ length: 100 }, (_, i) => `${'"'.repeat(4000)}${i}`) };
  await assert.rejects(transact(dir, (tx) => postMessage(tx, huge)), /over the limit/);
  await transact(dir, (tx) => postMessage(tx, { from: 'instance-1', to: 'instance-2', type: 'message', body: 'one' }));
  // A hand edit (or a runaway writer) left a 64 MB line at the end.
  writeFileSync(path.join(dir, 'messages.jsonl'), `${'x'.repeat(64 * 1024 * 1024)}\n`, { flag: 'a' });
  const next = await transact(dir, (tx) => postMessage(tx, { from: 'instance-1', to: 'instance-2', type: 'message', body: 'two' }));
  assert.equal(next.seq, 2, 'numbering continues after the runaway line');
});

test('doctor finds cycles, duplicate ids, missing dependencies, a next token below an issued one and documents that disagree; --fix repairs what needs no guess', async () => {
  const dir = freshDir();
  const task = (id: string, extra: Record<string, unknown> = {}) => ({ id, description: id, status: 'available', priority: 1, created_at: new Date().toISOString(), ...extra });
  writeFileSync(path.join(dir, 'tasks.json'), JSON.stringify({
    version: 1, next_id: 2, next_token: 3, lost_leases: {},
    tasks: [task('task-001', { dependencies: ['task-002'] }), task('task-002', { dependencies: ['task-001'] }), task('task-002'), task('task-003', { dependencies: ['task-009'] }), task('task-004', { status: 'claimed', claimed_by: 'instance-1', token: 7 })],
  }));
  writeFileSync(path.join(dir, 'instances.json'), JSON.stringify({ version: 1, instances: [{ ...instance(1), assigned_tasks: [] }, { ...instance(2), assigned_tasks: ['task-004'] }] }));
  const found = (await runDoctor(dir, false)).findings.map((f) => f.problem).join('\n');
  for (const expected of [/dependency cycle: task-00\d -> task-00\d -> task-00\d/, /duplicate task ids: task-002/, /task-003 depends on task-009, which do not exist/, /next_token 3 is not above token 7/, /next_id 2 is not above task-004/, /instance-1: instances.json assigns it \[\] but tasks.json has it holding \[task-004\]/, /instance-2: instances.json assigns it \[task-004\]/]) {
    assert.match(found, expected);
  }
  const fixed = await runDoctor(dir, true);
  const open = fixed.findings.filter((f) => !f.fixed).map((f) => f.problem);
  assert.equal(open.length, 3, `left for a person: ${open.join('; ')}`);
  const tasks = JSON.parse(readFileSync(path.join(dir, 'tasks.json'), 'utf8'));
  const instances = JSON.parse(readFileSync(path.join(dir, 'instances.json'), 'utf8')).instances;
  assert.equal(tasks.next_token, 8);
  assert.equal(tasks.next_id, 5);
  assert.deepEqual(instances.map((i: { assigned_tasks: string[] }) => i.assigned_tasks), [['task-004'], []]);
});
