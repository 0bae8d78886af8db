// The PostgreSQL store when the server misbehaves: restarted mid-run (clients reconnect, nothing is
// lost or claimed twice), stopped (every command fails fast with one line naming host:port, never
// the password, and changes nothing local), and a schema newer than the binary (refused).
import assert from 'node:assert/strict';
import { execa, type ResultPromise } from 'execa';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { startPgServer, type PgServer } from './support/pg-server.js';
import { cloneMachines, type Machine, type Machines } from './support/machines.js';

let server: PgServer;
let setup: Machines;
let a: Machine;
let b: Machine;

before(async () => {
  server = await startPgServer();
  setup = await cloneMachines(['a', 'b']);
  [a, b] = setup.machines as [Machine, Machine];
  for (const m of [a, b]) {
    assert.equal((await m.cli(['init', '--store', server.url])).exitCode, 0);
    const spawn = await m.cli(['spawn', '2', '--install', 'none']);
    assert.equal(spawn.exitCode, 0, spawn.stderr);
  }
});
after(() => {
  setup?.cleanup();
  server?.destroy();
});

const db = (sql: string) => server.psql(sql, 'wtcoord');
const openTasks = () => Number(db(`SELECT count(*) FROM json_array_elements((SELECT body FROM wtc_docs WHERE name = 'tasks.json')->'tasks') t WHERE t->>'status' <> 'done'`));

// request-task, complete with the token, until nothing is ready; a failed call is tried again.
const WORKER = `#!/usr/bin/env bash
cd "$1"
while :; do
  out=$(./.claude-instance/coordinate.sh request-task 2>&1); code=$?
  if [ $code -eq 3 ]; then exit 0; fi
  if [ $code -ne 0 ]; then sleep 0.3; continue; fi
  set -- "$1" $(printf '%s\\n' "$out" | sed -n 's/^.*\\(task-[0-9]*\\) (priority .*token \\([0-9]*\\)).*$/\\1 \\2/p' | head -1)
  ./.claude-instance/coordinate.sh complete "$2" "done" --token "$3" >/dev/null 2>&1
done
`;

test('the server restarted twice mid-run (once as a crash): the run finishes, each task done once, none claimed twice', { timeout: 600_000 }, async () => {
  const list = path.join(setup.root, 'tasks.json');
  writeFileSync(list, JSON.stringify(Array.from({ length: 40 }, (_, k) => ({ description: `job ${k + 1}` }))));
  assert.equal((await a.cli(['task', 'import', list])).exitCode, 0);
  const script = path.join(setup.root, 'worker.sh');
  writeFileSync(script, WORKER, { mode: 0o755 });
  const slots = [[a, 1], [a, 2], [b, 3], [b, 4]] as const;
  const workers: ResultPromise[] = slots.map(([m, k]) => execa(script, [m.instanceDir(k)], { reject: false, env: m.env }));
  const waitFor = async (done: number) => {
    while (40 - openTasks() < done) await new Promise((r) => setTimeout(r, 500));
  };
  await waitFor(10);
  server.restart('fast');
  await waitFor(25);
  server.restart('immediate');
  for (let round = 0; round < 10 && openTasks() > 0; round++) {
    await Promise.all(workers.splice(0));
    if (openTasks() > 0) workers.push(...slots.map(([m, k]) => execa(script, [m.instanceDir(k)], { reject: false, env: m.env })));
  }
  await Promise.all(workers);
  assert.equal(openTasks(), 0, 'every task done');
  assert.equal(db(`SELECT count(*) FROM wtc_events WHERE type = 'task.completed'`), '40', 'each completed once');
  assert.equal(db(`SELECT count(*) FROM wtc_fences`), '40', 'one claim per task');
  assert.equal(db(`SELECT count(DISTINCT token) FROM wtc_fences`), '40', 'no token used twice');
});

test('the server stopped: commands fail fast with one line naming host:port, without the password, changing nothing', async () => {
  server.stop();
  try {
    const coordBefore = readdirSync(path.join(a.dir, '.git', 'wt-coord')).sort();
    const calls = [
      await a.cli(['status']),
      await a.cli(['task', 'add', 'while the server is down']),
      await a.coordinate(1, ['request-task']),
      await b.coordinate(3, ['send', 'instance-1', 'hello']),
      await b.cli(['init', '--store', server.url]),
    ];
    for (const call of calls) {
      assert.equal(call.exitCode, 1, call.stderr);
      const lines = call.stderr.trim().split('\n');
      assert.equal(lines.length, 1, call.stderr);
      assert.match(lines[0]!, new RegExp(`^error: cannot reach PostgreSQL at 127\\.0\\.0\\.1:${server.port} \\(ECONNREFUSED\\) — start the server`));
      assert.ok(!`${call.stdout}${call.stderr}`.includes(server.password), 'the password is never shown');
    }
    assert.deepEqual(readdirSync(path.join(a.dir, '.git', 'wt-coord')).sort(), coordBefore, 'nothing local changed');
  } finally {
    server.start();
  }
  assert.equal((await a.cli(['status'])).exitCode, 0, 'works again once the server is back');
});

test('init against a server that does not answer changes nothing local; a wrong password is refused without printing it', async () => {
  const fresh = await cloneMachines(['c']);
  try {
    const c = fresh.machines[0]!;
    const down = await c.cli(['init', '--store', `postgres://wtcoord:s3cret-pw@127.0.0.1:1/wtcoord`]);
    assert.equal(down.exitCode, 1);
    assert.match(down.stderr, /^error: cannot reach PostgreSQL at 127\.0\.0\.1:1 /);
    assert.ok(!down.stderr.includes('s3cret-pw'));
    assert.equal(existsSync(path.join(c.dir, 'wt-coord.yaml')), false, 'no wt-coord.yaml');
    assert.equal(existsSync(path.join(c.dir, '.git', 'wt-coord')), false, 'no coordination folder');
    const wrong = await c.cli(['init', '--store', server.url.replace(server.password, 'not-the-password')]);
    assert.equal(wrong.exitCode, 1);
    assert.match(wrong.stderr, /refused the login/);
    assert.ok(!wrong.stderr.includes('not-the-password'));
  } finally {
    fresh.cleanup();
  }
});

test('a schema newer than this binary is refused with the fix; init does not downgrade it', async () => {
  db(`INSERT INTO wtc_schema_version (version, binary_version) VALUES (99, 'a newer wt-coord')`);
  try {
    const status = await a.cli(['status']);
    assert.equal(status.exitCode, 1);
    assert.match(status.stderr, /^error: the database schema is version 99, this wt-coord knows up to version \d+ — upgrade wt-coord on this machine/);
    const init = await a.cli(['init']);
    assert.equal(init.exitCode, 1);
    assert.match(init.stderr, /schema is version 99/);
  } finally {
    db(`DELETE FROM wtc_schema_version WHERE version = 99`);
  }
  assert.equal((await a.cli(['status'])).exitCode, 0);
});
