// Agents on two machines sharing one PostgreSQL store: two clones of one bare remote (machines a
// and b, each its own checkout and WT_COORD_MACHINE) joined to one database started for this file.
import assert from 'node:assert/strict';
import { execa, type ResultPromise } from 'execa';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { DIST } from './helpers.js';
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
    // Merging is left to an explicit merge-memory, so the test sees which machine merged.
    writeFileSync(path.join(m.dir, 'wt-coord.yaml'), 'memory_auto_merge: false\n');
    const init = await m.cli(['init', '--store', server.url]);
    assert.equal(init.exitCode, 0, init.stderr);
    assert.match(init.stdout, new RegExp(`store: PostgreSQL postgres://wtcoord@127\\.0\\.0\\.1:${server.port}/wtcoord .*machine ${m.name}`));
    assert.ok(!init.stdout.includes(server.password), 'init does not print the password');
  }
  // Numbered across machines: a gets instance-1 and 2, b gets 3 and 4.
  for (const m of [a, b]) {
    const spawn = await m.cli(['spawn', '2', '--install', 'none']);
    assert.equal(spawn.exitCode, 0, spawn.stderr);
  }
});
after(() => {
  setup?.cleanup();
  server?.destroy();
});

test('both clones joined one project; status on either shows every machine\'s instances', async () => {
  const status = await a.cli(['status']);
  assert.equal(status.exitCode, 0, status.stderr);
  for (const name of ['a/instance-1', 'a/instance-2', 'b/instance-3', 'b/instance-4']) assert.ok(status.stdout.includes(name), `${name} in:\n${status.stdout}`);
  assert.match(status.stdout, /b\/instance-3 .*on machine b/);
  assert.equal(server.psql('SELECT count(*) FROM wtc_projects', 'wtcoord'), '1');
  // Another machine's instance is torn down there, not from here.
  const teardown = await a.cli(['teardown', '3', '--dry-run']);
  assert.equal(teardown.exitCode, 1);
  assert.match(teardown.stderr, /^error: instance-3 runs on machine b — tear it down there/);
});

test('a path claimed on a is refused on b, naming the holder', async () => {
  const claim = await a.coordinate(1, ['claim', 'src/x.ts', 'refactoring', '--no-task']);
  assert.equal(claim.exitCode, 0, claim.stderr);
  const refused = await b.coordinate(3, ['claim', 'src/x.ts', '--no-task']);
  assert.equal(refused.exitCode, 4, refused.stderr);
  assert.match(refused.stderr, /src\/x\.ts claimed by instance-1/);
  assert.equal((await a.coordinate(1, ['release', 'src/x.ts'])).exitCode, 0);
});

test('a message sent on a reaches b\'s inbox and its prompt hook', async () => {
  const sent = await a.coordinate(1, ['send', 'instance-3', 'the schema moved to db/schema.sql']);
  assert.equal(sent.exitCode, 0, sent.stderr);
  const hook = await execa(process.execPath, [path.join(DIST, 'hook.js'), path.join(b.instanceDir(3), '.claude-instance'), 'UserPromptSubmit'], { input: '{"hook_event_name":"UserPromptSubmit"}', env: b.env });
  const context = JSON.parse(hook.stdout).hookSpecificOutput.additionalContext as string;
  assert.match(context, /the schema moved to db\/schema\.sql/);
  // The hook took it (the read position moved): the inbox has nothing new, --all still has it.
  assert.equal((await b.coordinate(3, ['inbox'])).stdout.includes('db/schema.sql'), false);
  assert.match((await b.coordinate(3, ['inbox', '--all'])).stdout, /db\/schema\.sql/);
  const second = await a.coordinate(2, ['send', 'instance-4', 'second note']);
  assert.equal(second.exitCode, 0);
  assert.match((await b.coordinate(4, ['inbox'])).stdout, /second note/);
});

test('a discovery queued on b is in a\'s systemPatterns.md after merge-memory on a', async () => {
  const queued = await b.coordinate(3, ['update-memory', 'Sessions are stored in Redis, keyed by user id', '--category', 'pattern']);
  assert.equal(queued.exitCode, 0, queued.stderr);
  const merged = await a.cli(['merge-memory']);
  assert.equal(merged.exitCode, 0, merged.stderr);
  assert.match(readFileSync(path.join(a.dir, 'memory-bank', 'systemPatterns.md'), 'utf8'), /Sessions are stored in Redis/);
  // b's next call (any verb) brings b's own memory bank to that merge, in the background.
  assert.equal((await b.coordinate(4, ['status'])).exitCode, 0);
  const bBank = path.join(b.dir, 'memory-bank', 'systemPatterns.md');
  for (let i = 0; i < 600 && !readFileSync(bBank, 'utf8').includes('Sessions are stored in Redis'); i++) await new Promise((r) => setTimeout(r, 100));
  assert.match(readFileSync(bBank, 'utf8'), /Sessions are stored in Redis/, "b's memory-bank-shared/ has the merge made on a");
  assert.match(readFileSync(path.join(b.instanceDir(3), 'memory-bank-shared', 'systemPatterns.md'), 'utf8'), /Sessions are stored in Redis/);
  // Exactly once: merging again (on either machine) adds nothing.
  assert.match((await b.cli(['merge-memory'])).stdout, /merged 0 new/);
  assert.equal(server.psql(`SELECT state, count(*) FROM wtc_log WHERE log = 'discoveries' GROUP BY state`, 'wtcoord'), 'merged|1');
});

// A worker as an agent would be: request-task, complete with the token printed, until nothing is ready.
const WORKER = `#!/usr/bin/env bash
cd "$1"
while :; do
  out=$(./.claude-instance/coordinate.sh request-task 2>&1); code=$?
  if [ $code -eq 3 ]; then exit 0; fi
  if [ $code -ne 0 ]; then sleep 0.2; continue; fi
  set -- "$1" $(printf '%s\\n' "$out" | sed -n 's/^.*\\(task-[0-9]*\\) (priority .*token \\([0-9]*\\)).*$/\\1 \\2/p' | head -1)
  [ -n "$2" ] || { echo "unparsed: $out" >&2; exit 9; }
  ./.claude-instance/coordinate.sh complete "$2" "done" --token "$3" >/dev/null 2>&1
done
`;

test('200 tasks taken by workers on both machines while workers are killed: each done once, no double claim, no reused token', { timeout: 600_000 }, async () => {
  const list = path.join(setup.root, 'tasks.json');
  writeFileSync(list, JSON.stringify(Array.from({ length: 200 }, (_, k) => ({ description: `job ${k + 1}`, priority: k % 4 }))));
  const add = await a.cli(['task', 'import', list]);
  assert.equal(add.exitCode, 0, add.stderr);
  const script = path.join(setup.root, 'worker.sh');
  writeFileSync(script, WORKER, { mode: 0o755 });
  const slots = [[a, 1], [a, 2], [b, 3], [b, 4]] as const;
  const running = new Map<number, ResultPromise>();
  const start = (m: Machine, k: number) => {
    const child = execa(script, [m.instanceDir(k)], { detached: true, reject: false, env: m.env });
    running.set(k, child);
    return child;
  };
  for (const [m, k] of slots) start(m, k);
  let kills = 0;
  const killer = (async () => {
    while (kills < 12) {
      await new Promise((r) => setTimeout(r, 700 + Math.random() * 700));
      const [m, k] = slots[Math.floor(Math.random() * slots.length)]!;
      const child = running.get(k)!;
      if (child.exitCode !== null || child.pid === undefined) continue;
      try {
        process.kill(-child.pid, 'SIGKILL'); // the worker, its coordinate.sh and node, wherever they were
      } catch {
        continue;
      }
      kills++;
      await child;
      start(m, k); // the agent comes back: it resumes the task it held
    }
  })();
  await killer;
  // Workers end when nothing is ready; one whose instance still holds a task (its peer was killed
  // while holding) is restarted until the queue is empty.
  for (let round = 0; round < 20; round++) {
    await Promise.all(running.values());
    const open = Number(server.psql(`SELECT count(*) FROM json_array_elements((SELECT body FROM wtc_docs WHERE name = 'tasks.json')->'tasks') t WHERE t->>'status' <> 'done'`, 'wtcoord'));
    if (open === 0) break;
    for (const [m, k] of slots) start(m, k);
  }
  assert.ok(kills >= 12, `workers were killed ${kills} times`);
  const db = (sql: string) => server.psql(sql, 'wtcoord');
  assert.equal(db(`SELECT count(*) FROM json_array_elements((SELECT body FROM wtc_docs WHERE name = 'tasks.json')->'tasks') t WHERE t->>'status' = 'done'`), '200');
  // Done exactly once: one completion event per task.
  assert.equal(db(`SELECT count(*) FROM (SELECT data->>'task' FROM wtc_events WHERE type = 'task.completed' GROUP BY 1 HAVING count(*) = 1) once`), '200');
  assert.equal(db(`SELECT count(*) FROM wtc_events WHERE type = 'task.completed'`), '200');
  // No double claims: one fenced claim per task (a killed worker's agent resumed its own claim).
  assert.equal(db(`SELECT count(*) FROM wtc_fences`), '200');
  assert.equal(db(`SELECT count(DISTINCT key) FROM wtc_fences`), '200');
  assert.equal(db(`SELECT count(DISTINCT token) FROM wtc_fences`), '200');
  assert.equal(db(`SELECT count(*) FROM wtc_fences WHERE ended IS DISTINCT FROM 'done'`), '0');
  // Both machines did work, and each checkout's view is current after its own last call.
  const byMachine = db(`SELECT DISTINCT machine FROM wtc_events WHERE type = 'task.completed' ORDER BY 1`);
  assert.equal(byMachine, 'a\nb');
  const view = JSON.parse(readFileSync(path.join(b.dir, '.git', 'wt-coord', 'task-assignments.json'), 'utf8'));
  assert.ok(view.done.length > 0);
});
