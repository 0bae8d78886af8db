// The store's lock: many real processes contending, and stale locks broken by exactly one.
import assert from 'node:assert/strict';
import { execa } from 'execa';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, writeFileSync, rmSync, readdirSync, utimesSync } from 'node:fs';
import { tmpdir, hostname } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { ROOT } from './helpers.js';
import { transact } from '../src/store/store.js';
import { runDoctor } from '../src/coord/doctor.js';
import { uniqueSuffix } from '../src/lib/unique.js';

const dir = mkdtempSync(path.join(tmpdir(), 'wtc-lock-'));
after(() => rmSync(dir, { recursive: true, force: true }));

// A child that takes the lock, records enter/leave with a pause inside, and releases it.
const worker = `
import { withLock } from ${JSON.stringify(path.join(ROOT, 'src/lib/lock.ts'))};
import { appendFileSync } from 'node:fs';
const [file, log, rounds] = process.argv.slice(2);
for (let i = 0; i < Number(rounds); i++) {
  await withLock(file, async () => {
    appendFileSync(log, 'enter ' + process.pid + '\\n');
    await new Promise((r) => setTimeout(r, 2));
    appendFileSync(log, 'leave ' + process.pid + '\\n');
  });
}
`;

function assertNoOverlap(log: string, expectedEntries: number) {
  const lines = readFileSync(log, 'utf8').trim().split('\n');
  let holder: string | null = null;
  let entries = 0;
  for (const line of lines) {
    const [what, pid] = line.split(' ');
    if (what === 'enter') {
      assert.equal(holder, null, `pid ${pid} entered while ${holder} held the lock`);
      holder = pid!;
      entries++;
    } else {
      assert.equal(holder, pid);
      holder = null;
    }
  }
  assert.equal(entries, expectedEntries);
}

test('8 processes x 20 rounds never hold the lock at once, and leave no lock file', async () => {
  const lock = path.join(dir, 'a.lock');
  const log = path.join(dir, 'a.log');
  writeFileSync(path.join(dir, 'worker.mts'), worker);
  await Promise.all(Array.from({ length: 8 }, () => execa(process.execPath, ['--import', 'tsx', path.join(dir, 'worker.mts'), lock, log, '20'], { cwd: ROOT })));
  assertNoOverlap(log, 160);
  assert.ok(!readdirSync(dir).includes('a.lock'));
});

test('a stale lock of a dead process is broken by exactly one of 8 contenders at a time', async () => {
  const lock = path.join(dir, 'b.lock');
  const log = path.join(dir, 'b.log');
  // pid 2^22+ is above pid_max defaults: a holder that is certainly dead, on this host.
  writeFileSync(lock, JSON.stringify({ pid: 4_194_304 + 12345, host: hostname(), started_at: new Date().toISOString(), nonce: 'dead' }));
  await Promise.all(Array.from({ length: 8 }, () => execa(process.execPath, ['--import', 'tsx', path.join(dir, 'worker.mts'), lock, log, '5'], { cwd: ROOT })));
  assertNoOverlap(log, 40);
  assert.ok(!readdirSync(dir).some((f) => f.startsWith('b.lock')));
});

test('a transaction removes the temp files of writers that died, and never a live writer\'s', async () => {
  const coord = path.join(dir, 'coord');
  mkdirSync(coord, { recursive: true });
  // Temp names carry their writer's pid: 2^22+ is above pid_max defaults (dead); ours is alive.
  const dead = path.join(coord, `tasks.json.tmp-${4_194_304 + 12345}-x-1-abc`);
  const live = path.join(coord, `tasks.json.tmp-${process.ppid}-x-1-abc`);
  for (const file of [dead, live]) writeFileSync(file, '{}');
  await transact(coord, async () => undefined);
  assert.equal(existsSync(dead), false, 'the dead writer\'s temp file is removed');
  assert.equal(existsSync(live), true, 'a live writer\'s temp file is left alone');
});

test('a temp file of another pid namespace (a writer in Codex\'s sandbox, or the leader seen from it) is never judged by its pid', async () => {
  const coord = path.join(dir, 'coord-ns');
  mkdirSync(coord, { recursive: true });
  const ours = /\[(\d+)\]/.exec(readlinkSync('/proc/self/ns/pid'))![1]!;
  const deadPid = 4_194_304 + 12345;
  const sameNamespace = path.join(coord, `tasks.json.tmp-${deadPid}p${ours}-x-1-abc`);
  const otherNamespace = path.join(coord, `tasks.json.tmp-${deadPid}p${Number(ours) + 1}-x-1-abc`);
  for (const file of [sameNamespace, otherNamespace]) writeFileSync(file, '{}');
  await transact(coord, async () => undefined);
  assert.equal(existsSync(sameNamespace), false, 'a dead pid of our own namespace: removed');
  assert.equal(existsSync(otherNamespace), true, 'a pid of another namespace means nothing here: left for its writer (or the hour)');
  assert.match(uniqueSuffix(), new RegExp(`^${process.pid}p${ours}-`), 'names carry the writer\'s pid and namespace');
});

test('a writer removes trash folders at once and a dead writer\'s undecided folder only when old; doctor --fix removes the rest', async () => {
  const coord = path.join(dir, 'coord-staging');
  mkdirSync(coord, { recursive: true });
  const deadNonce = (k: number) => `${4_194_304 + 12345}-x-${k}-abc`;
  const trash = path.join(coord, `.trash-${deadNonce(1)}`);
  const young = path.join(coord, `.txn-${deadNonce(2)}`);
  const old = path.join(coord, `.txn-${deadNonce(3)}`);
  for (const folder of [trash, young, old]) mkdirSync(folder);
  const twoHoursAgo = new Date(Date.now() - 2 * 60 * 60_000);
  utimesSync(old, twoHoursAgo, twoHoursAgo);
  await transact(coord, async () => undefined);
  assert.equal(existsSync(trash), false, 'a trash folder belongs to no waiter: removed by the next writer');
  assert.equal(existsSync(old), false, 'an undecided folder over an hour old is removed');
  assert.equal(existsSync(young), true, 'a young undecided folder may be a sandboxed waiter\'s: kept');

  const before = await runDoctor(coord, false);
  assert.deepEqual(before.findings.filter((f) => f.kind === 'lock').map((f) => [f.file, f.fixed]), [[young, false]]);
  const fixed = await runDoctor(coord, true);
  assert.deepEqual(fixed.findings.filter((f) => f.kind === 'lock').map((f) => [f.file, f.fixed]), [[young, true]]);
  assert.equal(existsSync(young), false, 'doctor --fix removes it');
  assert.deepEqual((await runDoctor(coord, false)).findings.filter((f) => f.kind === 'lock'), []);
});
