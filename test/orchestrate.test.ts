// Orchestration, the fast part: bad input refused before anything is spawned or changed, the
// launcher in tmux (and without it), integrate stopping cleanly at a conflict or a failing check,
// checkpoints and restore. The end-to-end runs are in orchestrate.slow.test.ts.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync, mkdirSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { orderByDependencies } from '../src/orchestrate/integrate.js';
import type { Task } from '../src/coord/queue/tasks.js';
import { git, gitRepo, instanceDir, type TempRepo } from './helpers.js';
import { FAKE_AGENT, wtc, killTmuxServer, tmuxHasSession, tmuxMissing, useOwnTmuxServer, writeJson } from './orchestrate-fixtures.js';

const socket = useOwnTmuxServer('fast');
const noTmux = await tmuxMissing();
after(() => killTmuxServer(socket));

const coordDir = (repo: TempRepo) => path.join(repo.dir, '.git', 'wt-coord');
const worktreeCount = async (repo: TempRepo) => (await git(repo.dir, ['worktree', 'list', '--porcelain'])).split('\n').filter((l) => l.startsWith('worktree ')).length;

function oneLineError(stderr: string, pattern: RegExp) {
  const lines = stderr.trim().split('\n');
  assert.equal(lines.length, 1, `expected a one-line error, got:\n${stderr}`);
  assert.match(lines[0]!, /^error: /);
  assert.match(lines[0]!, pattern);
}

describe('run refuses bad input before anything is created or spawned', () => {
  let repo: TempRepo;
  before(async () => {
    repo = await gitRepo();
  });
  after(() => repo.cleanup());

  const assertNothingChanged = async () => {
    assert.equal(existsSync(coordDir(repo)), false, 'the coordination folder was created');
    assert.equal(existsSync(path.join(repo.dir, 'wt-coord.yaml')), false, 'wt-coord.yaml was created');
    assert.equal(await worktreeCount(repo), 1, 'a worktree was spawned');
  };

  test('-w 0', async () => {
    const r = await wtc(repo.dir, ['run', 'build demo', '-w', '0', '--agent', FAKE_AGENT]);
    assert.equal(r.exitCode, 2);
    oneLineError(r.stderr, /-w \(workers\) must be at least 1/);
    await assertNothingChanged();
  });

  test('a tasks file with a dependency cycle', async () => {
    const file = writeJson(path.join(repo.parent, 'cycle.json'), { tasks: [{ id: '1', description: 'a', dependencies: ['3'] }, { id: '2', description: 'b', dependencies: ['1'] }, { id: '3', description: 'c', dependencies: ['2'] }] });
    const r = await wtc(repo.dir, ['run', 'build demo', '-w', '2', '--tasks', file, '--agent', FAKE_AGENT]);
    assert.equal(r.exitCode, 1);
    oneLineError(r.stderr, /dependency cycle task-00\d -> .* -> task-00\d/);
    await assertNothingChanged();
  });

  test('an agent command that does not exist', async () => {
    for (const agent of ['no-such-agent-xyz', './missing-agent.sh']) {
      const r = await wtc(repo.dir, ['run', 'build demo', '-w', '2', '--agent', agent]);
      assert.equal(r.exitCode, 2);
      oneLineError(r.stderr, /agent command not found/);
    }
    await assertNothingChanged();
  });

  test('an empty goal and a bad --task-timeout', async () => {
    const empty = await wtc(repo.dir, ['run', '  ', '-w', '1', '--agent', FAKE_AGENT]);
    oneLineError(empty.stderr, /the goal is empty/);
    const timeout = await wtc(repo.dir, ['run', 'x', '-w', '1', '--agent', FAKE_AGENT, '--task-timeout', 'soon']);
    oneLineError(timeout.stderr, /--task-timeout "soon" is not a duration/);
    await assertNothingChanged();
  });
});

describe('start, logs, stop', () => {
  let repo: TempRepo;
  let agent: string;
  before(async () => {
    repo = await gitRepo();
    assert.equal((await wtc(repo.dir, ['spawn', '2', '--install', 'none'])).exitCode, 0);
    agent = path.join(repo.parent, 'sleepy-agent.sh');
    writeFileSync(agent, '#!/usr/bin/env bash\necho "agent $WT_COORD_INSTANCE sees $WT_COORD_COORDINATE"\necho "prompt arg: $1" | head -c 60; echo\n[ "$1" = "$WT_COORD_PROMPT" ] && echo "prompt also in env"\nprintf "colour \\033[31mred\\033[0m title\\033]0;pwned\\007 end\\n"\nsleep 30\n', { mode: 0o755 });
  });
  after(async () => {
    await wtc(repo.dir, ['stop']);
    repo.cleanup();
  });

  test('each agent runs in its own tmux session, in its worktree, with a log', { skip: noTmux }, async () => {
    const r = await wtc(repo.dir, ['start', '--agent', agent, '--json']);
    assert.equal(r.exitCode, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.equal(out.tmux, true);
    assert.equal(out.started.length, 2);
    for (const a of out.started) {
      assert.match(a.session, /^wtc-app-[0-9a-f]{6}-instance-\d$/);
      assert.ok(await tmuxHasSession(socket, a.session), `tmux session ${a.session} is missing`);
    }
    // The pane's output reaches the log through pipe-pane.
    let log = '';
    for (let i = 0; i < 50 && !log.includes('colour red title end'); i++) {
      await new Promise((res) => setTimeout(res, 100));
      log = (await wtc(repo.dir, ['logs', '1'])).stdout;
    }
    assert.match(log, new RegExp(`agent 1 sees ${instanceDir(repo, 1)}/.claude-instance/coordinate.sh`));
    assert.match(log, /prompt arg: You are instance-1/);
    assert.match(log, /prompt also in env/);
    // What the agent drew reaches the user's terminal without its escapes, unless asked --raw.
    assert.doesNotMatch(log, /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/, 'logs printed a control character');
    assert.match(log, /colour red title end/);
    assert.match((await wtc(repo.dir, ['logs', '1', '--raw'])).stdout, /colour \u001b\[31mred\u001b\[0m title\u001b\]0;pwned\u0007 end/);
    // Without a terminal, attach says so (tmux itself would only say "not a terminal").
    const attach = await wtc(repo.dir, ['attach', '1'], { env: { TMUX: '' } });
    assert.equal(attach.exitCode, 1);
    oneLineError(attach.stderr, /attaching to instance-1's agent needs a terminal.*wt-coord logs 1 -f/);
    const again = await wtc(repo.dir, ['start', '1', '--agent', agent]);
    assert.equal(again.exitCode, 1);
    oneLineError(again.stderr, /already running/);
    const stop = await wtc(repo.dir, ['stop', '1', '2']);
    assert.equal(stop.exitCode, 0, stop.stderr);
    for (const a of out.started) assert.equal(await tmuxHasSession(socket, a.session), false, `${a.session} survived stop`);
    const logs = JSON.parse((await wtc(repo.dir, ['logs', '2', '--json'])).stdout);
    assert.equal(logs.state, 'stopped');
  });

  test('without tmux: a detached process with a log, and attach says why it cannot', async () => {
    const r = await wtc(repo.dir, ['start', '2', '--agent', agent], { env: { WT_COORD_NO_TMUX: '1' } });
    assert.equal(r.exitCode, 0, r.stderr);
    assert.match(r.stderr, /detached processes/);
    assert.match(r.stdout, /started instance-2: .* as pid \d+/);
    const attach = await wtc(repo.dir, ['attach', '2']);
    assert.equal(attach.exitCode, 1);
    oneLineError(attach.stderr, /runs as a detached process, not in tmux.*wt-coord logs 2 -f/);
    let log = '';
    for (let i = 0; i < 50 && !log.includes('colour red title end'); i++) {
      await new Promise((res) => setTimeout(res, 100));
      log = (await wtc(repo.dir, ['logs', '2'])).stdout;
    }
    assert.match(log, /agent 2 sees/);
    const last = await wtc(repo.dir, ['logs', '2', '-n', '1']);
    assert.equal(last.stdout.trim().split('\n').length, 1, last.stdout);
    const badLines = await wtc(repo.dir, ['logs', '2', '-n', 'abc']);
    assert.equal(badLines.exitCode, 2);
    oneLineError(badLines.stderr, /-n \(lines\) must be a whole number, got "abc"/);
    assert.equal((await wtc(repo.dir, ['stop', '2'])).exitCode, 0);
    const state = JSON.parse((await wtc(repo.dir, ['logs', '2', '--json'])).stdout);
    assert.equal(state.state, 'stopped');
  });

  test('a short-lived agent: logs -f follows until it exits and reports the exit code', async () => {
    const quick = path.join(repo.parent, 'quick-agent.sh');
    writeFileSync(quick, '#!/usr/bin/env bash\nfor i in 1 2 3; do echo "line $i"; sleep 0.2; done\nexit 7\n', { mode: 0o755 });
    assert.equal((await wtc(repo.dir, ['start', '1', '--agent', quick])).exitCode, 0);
    const follow = await wtc(repo.dir, ['logs', '1', '-f'], { timeout: 20_000 });
    assert.match(follow.stdout, /line 1\r?\n[\s\S]*line 3/);
    assert.match(follow.stderr, /exited, exit code 7/);
  });
});

test('teardown stops the agent of the instance it removes, and only that one', { skip: noTmux }, async () => {
  const repo = await gitRepo();
  try {
    assert.equal((await wtc(repo.dir, ['spawn', '2', '--install', 'none'])).exitCode, 0);
    const agent = path.join(repo.parent, 'long-agent.sh');
    writeFileSync(agent, '#!/usr/bin/env bash\nsleep 60\n', { mode: 0o755 });
    const started = JSON.parse((await wtc(repo.dir, ['start', '--agent', agent, '--json'])).stdout);
    const session = (k: number) => started.started.find((a: { instance: number }) => a.instance === k).session as string;
    assert.ok(await tmuxHasSession(socket, session(1)));
    const down = await wtc(repo.dir, ['teardown', '1', '--force']);
    assert.equal(down.exitCode, 0, down.stderr);
    assert.equal(await tmuxHasSession(socket, session(1)), false, 'the removed instance\'s agent still runs');
    assert.equal(await tmuxHasSession(socket, session(2)), true, 'the other instance\'s agent was stopped too');
  } finally {
    await wtc(repo.dir, ['stop']);
    repo.cleanup();
  }
});

test('integrate orders branches by task dependencies, not by instance or task number', () => {
  const branch = (instance: number, tasks: string[]) => ({ instance, name: `instance-${instance}`, branch: `wt/instance-${instance}`, worktree: `/tmp/app-instance-${instance}`, tasks, commits: 1, files: [] });
  const task = (id: string, dependencies: string[] = []) => ({ id, dependencies }) as unknown as Task;
  // instance-1 did task-002, which needed task-003, done on instance-2: instance-2 goes first.
  const order = orderByDependencies([branch(1, ['task-002']), branch(2, ['task-003']), branch(3, ['task-001'])], [task('task-001'), task('task-002', ['task-003']), task('task-003')]);
  assert.deepEqual(order.map((b) => b.name), ['instance-3', 'instance-2', 'instance-1']);
  // Branches that need each other (a cycle between branches) still all come, earliest task first.
  const cycle = orderByDependencies([branch(2, ['task-002', 'task-003']), branch(1, ['task-001', 'task-004'])], [task('task-001'), task('task-002', ['task-001']), task('task-003'), task('task-004', ['task-003'])]);
  assert.deepEqual(cycle.map((b) => b.name), ['instance-1', 'instance-2']);
});

describe('integrate', () => {
  let repo: TempRepo;
  before(async () => {
    repo = await gitRepo('app', { 'README.md': '# app\n', 'src/shared.txt': 'base\n' });
    assert.equal((await wtc(repo.dir, ['spawn', '3', '--install', 'none'])).exitCode, 0);
  });
  after(() => repo.cleanup());

  const commit = async (k: number, file: string, text: string) => {
    const wt = instanceDir(repo, k);
    mkdirSync(path.dirname(path.join(wt, file)), { recursive: true });
    writeFileSync(path.join(wt, file), text);
    await git(wt, ['add', file]);
    await git(wt, ['commit', '-q', '-m', `instance-${k}: ${file}`]);
  };

  test('with nothing to integrate it is a clear error and changes nothing', async () => {
    const r = await wtc(repo.dir, ['integrate']);
    assert.equal(r.exitCode, 1);
    oneLineError(r.stderr, /nothing to integrate into wt\/integration/);
    assert.equal(await git(repo.dir, ['branch', '--list', 'wt/integration']), '');
  });

  test('two branches conflict: the conflicting one is skipped and named with its files, the others land, the checkout is untouched', async () => {
    await commit(1, 'src/one.txt', 'one\n');
    await commit(2, 'src/shared.txt', 'changed by instance 2\n');
    await commit(3, 'src/shared.txt', 'changed by instance 3\n');
    const headBefore = await git(repo.dir, ['rev-parse', 'HEAD']);
    const r = await wtc(repo.dir, ['integrate']);
    assert.equal(r.exitCode, 4, r.stderr);
    assert.match(r.stderr, /files changed on more than one branch[^\n]*\n\s+src\/shared\.txt: wt\/instance-2, wt\/instance-3/);
    assert.match(r.stderr, /skipped wt\/instance-3 \(instance-3\): conflicts with wt\/instance-2 in src\/shared\.txt/);
    const last = r.stderr.trim().split('\n').at(-1)!;
    assert.match(last, /^error: 1 of 3 branch\(es\) did not land in wt\/integration: instance-3 \(conflicts with wt\/instance-2\); the other 2 landed/);
    const merged = await git(repo.dir, ['log', '--format=%s', 'wt/integration']);
    assert.match(merged, /Integrate instance-1/);
    assert.match(merged, /Integrate instance-2/);
    assert.doesNotMatch(merged, /Integrate instance-3/);
    assert.equal(await git(repo.dir, ['show', 'wt/integration:src/shared.txt']), 'changed by instance 2');
    assert.equal(await git(repo.dir, ['rev-parse', 'HEAD']), headBefore);
    assert.equal(await git(repo.dir, ['status', '--porcelain']), '');
    assert.equal(await worktreeCount(repo), 4, 'the temporary worktree was left behind');
  });

  test('a failing --check undoes that merge and skips the branch; the integration branch keeps only checked merges', async () => {
    await commit(1, 'src/later.txt', 'more\n');
    const tipBefore = await git(repo.dir, ['rev-parse', 'wt/integration']);
    const r = await wtc(repo.dir, ['integrate', '--check', 'test ! -e src/later.txt || { echo "later.txt is not allowed"; exit 1; }']);
    assert.equal(r.exitCode, 4, 'instance-3 still conflicts: a conflict outranks a failed check in the exit code');
    assert.match(r.stderr, /later\.txt is not allowed/);
    assert.match(r.stderr.trim().split('\n').at(-1)!, /^error: 2 of 2 branch\(es\) did not land in wt\/integration: instance-1 \(check failed\), instance-3 \(conflicts with wt\/integration\)/);
    assert.equal(await git(repo.dir, ['rev-parse', 'wt/integration']), tipBefore);
    assert.equal(await worktreeCount(repo), 4);
  });

  test('integrating into a checked-out branch is refused', async () => {
    const r = await wtc(repo.dir, ['integrate', '--into', 'main']);
    assert.equal(r.exitCode, 1);
    oneLineError(r.stderr, /main is checked out in .*integrate never touches a checkout/);
  });
});

describe('checkpoint and restore', () => {
  let repo: TempRepo;
  before(async () => {
    repo = await gitRepo();
    assert.equal((await wtc(repo.dir, ['spawn', '1', '--install', 'none'])).exitCode, 0);
  });
  after(() => repo.cleanup());

  const instancesJson = () => readFileSync(path.join(coordDir(repo), 'instances.json'), 'utf8');

  test('a checkpoint records the state; restore puts it back', async () => {
    writeFileSync(path.join(coordDir(repo), 'master-plan.md'), '# plan v1\n');
    const made = await wtc(repo.dir, ['checkpoint', 'first', '--json']);
    assert.equal(made.exitCode, 0, made.stderr);
    const { manifest } = JSON.parse(made.stdout);
    assert.ok(manifest.coordination.some((f: { path: string }) => f.path === 'instances.json'));
    assert.ok(manifest.memory_bank.some((f: { path: string }) => f.path === 'projectbrief.md'));
    assert.equal(manifest.heads[0].branch, 'wt/instance-1');
    assert.equal(manifest.heads[0].commit, await git(repo.dir, ['rev-parse', 'wt/instance-1']));
    const list = JSON.parse((await wtc(repo.dir, ['checkpoint', '--list', '--json'])).stdout);
    assert.deepEqual(list.map((c: { name: string; valid: boolean }) => [c.name, c.valid]), [['first', true]]);

    const before = instancesJson();
    writeFileSync(path.join(coordDir(repo), 'master-plan.md'), '# plan v2\n');
    writeFileSync(path.join(coordDir(repo), 'made-later.md'), 'later\n');
    assert.equal((await wtc(repo.dir, ['spawn', '1', '--install', 'none'])).exitCode, 0);
    assert.notEqual(instancesJson(), before);
    const restored = await wtc(repo.dir, ['restore', 'first', '--json']);
    assert.equal(restored.exitCode, 0, restored.stderr);
    assert.deepEqual(JSON.parse(instancesJson()), JSON.parse(before));
    assert.equal(readFileSync(path.join(coordDir(repo), 'master-plan.md'), 'utf8'), '# plan v1\n');
    assert.equal(existsSync(path.join(coordDir(repo), 'made-later.md')), false);
    assert.ok(JSON.parse(restored.stdout).removed.includes('made-later.md'));
  });

  test('restore of a missing checkpoint is a clear error', async () => {
    const r = await wtc(repo.dir, ['restore', 'nope']);
    assert.equal(r.exitCode, 1);
    oneLineError(r.stderr, /there is no checkpoint named nope/);
    const bad = await wtc(repo.dir, ['restore', '../escape']);
    assert.equal(bad.exitCode, 2);
    oneLineError(bad.stderr, /not a valid checkpoint name/);
  });

  test('restore of a corrupt checkpoint changes nothing', async () => {
    assert.equal((await wtc(repo.dir, ['checkpoint', 'second'])).exitCode, 0);
    const dir = path.join(coordDir(repo), 'checkpoints', 'second');
    writeFileSync(path.join(coordDir(repo), 'master-plan.md'), '# plan v3\n');
    const snapshot = () => readdirSync(coordDir(repo)).filter((f) => f !== 'events.jsonl').sort().map((f) => [f, existsSync(path.join(coordDir(repo), f)) && !f.includes('.') ? '' : safeRead(path.join(coordDir(repo), f))]);
    const stateBefore = JSON.stringify(snapshot());

    writeFileSync(path.join(dir, 'coordination', 'master-plan.md'), '# tampered\n');
    const tampered = await wtc(repo.dir, ['restore', 'second']);
    assert.equal(tampered.exitCode, 1);
    oneLineError(tampered.stderr, /master-plan\.md is invalid: its content does not match the checksum/);
    assert.equal(JSON.stringify(snapshot()), stateBefore);

    writeFileSync(path.join(dir, 'manifest.json'), '{"version": 1, "name": "second"');
    const torn = await wtc(repo.dir, ['restore', 'second']);
    assert.equal(torn.exitCode, 1);
    oneLineError(torn.stderr, /manifest\.json is invalid: not valid JSON/);
    assert.equal(JSON.stringify(snapshot()), stateBefore);
    const list = JSON.parse((await wtc(repo.dir, ['checkpoint', '--list', '--json'])).stdout);
    assert.equal(list.find((c: { name: string }) => c.name === 'second').valid, false);
  });

  test('restore refuses while an agent runs', async () => {
    const agent = path.join(repo.parent, 'sleeper.sh');
    writeFileSync(agent, '#!/usr/bin/env bash\nsleep 30\n', { mode: 0o755 });
    assert.equal((await wtc(repo.dir, ['start', '1', '--agent', agent], { env: { WT_COORD_NO_TMUX: '1' } })).exitCode, 0);
    try {
      const r = await wtc(repo.dir, ['restore', 'first']);
      assert.equal(r.exitCode, 1);
      oneLineError(r.stderr, /cannot restore a checkpoint while agents run \(instance-1\).*wt-coord stop 1/);
    } finally {
      await wtc(repo.dir, ['stop']);
    }
  });
});

function safeRead(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}
