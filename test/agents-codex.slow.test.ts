// The real Codex CLI (@openai/codex 0.169.0) driven by `wt-coord run --agent codex` the way a user
// runs it: interactive, in tmux (a private server), sandboxed (workspace-write, never bypassed),
// against a scripted model on 127.0.0.1 (test/fakes/responses-api.ts) that records every request.
// The repositories live outside the temp folder: the sandbox makes /tmp writable, which would hide
// what it forbids.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, promises as fs, readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { CLI, git } from './helpers.js';
import { killTmuxServer, layeredTasks, useOwnTmuxServer, writeJson, wtc } from './orchestrate-fixtures.js';
import { requestText, startResponsesApi, workerScript, type ResponsesApi } from './fakes/responses-api.js';
import { makeCodexHome, outsideTmpDir, processesOf, type CodexHome } from './support/codex-home.js';

async function repoAt(parent: string): Promise<string> {
  const dir = path.join(parent, 'app');
  await execa('git', ['init', '-q', '-b', 'main', dir]);
  for (const [key, value] of Object.entries({ 'user.name': 'Test', 'user.email': 'test@example.com', 'commit.gpgsign': 'false', 'gc.auto': '0' })) await git(dir, ['config', key, value]);
  writeFileSync(path.join(dir, 'README.md'), '# app\n');
  await git(dir, ['add', '-A']);
  await git(dir, ['commit', '-q', '-m', 'initial']);
  return dir;
}

/** task 1, then tasks 2-6 that each depend on it; each writes src/part-<k>.txt. */
function twoLayers() {
  return { tasks: [1, 2, 3, 4, 5, 6].map((k) => ({ id: String(k), description: `part ${k} of the demo`, priority: 1, dependencies: k === 1 ? [] : ['1'], context: { files: [`src/part-${k}.txt`] } })) };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Polls until `check` holds; fails naming `what` after `limitMs` (a deadline, not a timing assertion). */
async function until(check: () => Promise<boolean> | boolean, what: string, limitMs = 120_000): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (!(await check())) {
    if (Date.now() > deadline) assert.fail(`gave up waiting: ${what}`);
    await sleep(250);
  }
}

describe('wt-coord run --agent codex: the real Codex, sandboxed, unattended', () => {
  let socket: string;
  let parent: string;
  let repo: string;
  let api: ResponsesApi;
  let home: CodexHome;
  let env: Record<string, string>;

  before(async () => {
    socket = useOwnTmuxServer('codex');
    parent = outsideTmpDir('codex-run-');
    repo = await repoAt(parent);
    // Waiting for layer 1, a worker ends its turn: only wt-coord waking it gets layer 2 done.
    api = await startResponsesApi(workerScript({ onWaiting: 'stop', holdFirstCompletionUntilIdle: true }));
    home = makeCodexHome({ baseUrl: api.baseUrl, trusted: [repo], parent });
    env = { ...home.env, WT_COORD_TMUX_SOCKET: socket };
  });

  after(async () => {
    await wtc(repo, ['stop'], { env }).catch(() => undefined);
    await api?.close();
    await killTmuxServer(socket);
    await execa('chmod', ['-R', 'u+w', parent], { reject: false });
    await fs.rm(parent, { recursive: true, force: true });
  });

  test('6 tasks in 2 dependent layers over 2 agents: done, committed in the sandbox, context and discoveries delivered, nothing left running', async () => {
    // Layer 1 is one task: the agent that does not get it finds nothing ready and ends its turn.
    const tasksFile = writeJson(path.join(parent, 'tasks.json'), twoLayers());
    const broadcast = 'BROADCAST-7731: the API moved to src/api/v2';
    const run = execa(process.execPath, [CLI, 'run', 'build the demo', '-w', '2', '--tasks', tasksFile, '--agent', 'codex'], { cwd: repo, env, reject: false, timeout: 240_000 });
    // Broadcast once the first task is done, while both agents are at work.
    let sentAt = -1;
    while (run.exitCode === null && sentAt < 0) {
      const list = await wtc(repo, ['task', 'list', '--json'], { env });
      const tasks = list.exitCode === 0 ? (JSON.parse(list.stdout) as { status: string }[]) : [];
      if (tasks.some((t) => t.status === 'done')) {
        const sent = await wtc(repo, ['msg', 'broadcast', broadcast], { env });
        assert.equal(sent.exitCode, 0, `broadcast failed: ${sent.stderr}`);
        sentAt = api.requests.length;
      } else await sleep(300);
    }
    const result = await run;
    assert.equal(result.exitCode, 0, `run failed:\n${result.stdout}\n${result.stderr}`);

    // Every task done, each in exactly one commit made by Codex inside its sandbox.
    const tasks = JSON.parse((await wtc(repo, ['task', 'list', '--json'], { env })).stdout) as { id: string; status: string; claimed_by: string }[];
    assert.deepEqual(tasks.map((t) => t.status), ['done', 'done', 'done', 'done', 'done', 'done']);
    const subjects = (await git(repo, ['log', '--format=%s', 'wt/instance-1', 'wt/instance-2', '--not', 'main'])).split('\n').filter(Boolean);
    for (const t of tasks) assert.equal(subjects.filter((s) => s.startsWith(`${t.id}:`)).length, 1, `one commit for ${t.id}: ${subjects.join(' | ')}`);
    assert.equal(subjects.length, 6);
    assert.equal(new Set(tasks.map((t) => t.claimed_by)).size, 2, `both agents worked:\n${result.stderr}`);

    // The rest of the protocol worked from inside the sandbox: claims, progress, messages.
    const events = (await fs.readFile(path.join(repo, '.git', 'wt-coord', 'events.jsonl'), 'utf8')).split('\n').filter(Boolean).map((l) => JSON.parse(l) as { type: string; instance?: string });
    for (const type of ['claim', 'progress.reported', 'message', 'claim.released']) {
      assert.deepEqual(new Set(events.filter((e) => e.type === type && e.instance?.startsWith('instance-')).map((e) => e.instance)), new Set(['instance-1', 'instance-2']), `${type} from both instances`);
    }

    // What reached the model: the goal, the AGENTS.md guidance, the SessionStart context, the broadcast (sent mid-run).
    const turns = api.turns();
    assert.ok(turns.some((r) => requestText(r).includes('The goal of this run: build the demo')), 'the goal reached Codex');
    assert.ok(turns.some((r) => requestText(r).includes('# You are instance-1 of a wt-coord team')), 'AGENTS.md reached Codex');
    assert.ok(turns.some((r) => requestText(r).includes('You are instance-2 of a wt-coord team: several agents')), 'the SessionStart hook ran (trusted through -c)');
    assert.ok(api.requests.slice(sentAt).some((r) => requestText(r).includes('BROADCAST-7731')), 'the broadcast reached a running agent');
    // An agent that ended its turn waiting on layer 1 was woken with a new prompt.
    assert.ok(turns.some((r) => requestText(r).includes('Nothing is ready for me yet')), 'a worker went idle');

    // Discoveries queued from inside the sandbox are merged by the leader; the bank is read-only again.
    const bank = path.join(repo, 'memory-bank');
    const patterns = await fs.readFile(path.join(bank, 'systemPatterns.md'), 'utf8');
    for (const t of tasks) assert.match(patterns, new RegExp(`pattern from ${t.id}:`));
    assert.equal(statSync(path.join(bank, 'systemPatterns.md')).mode & 0o222, 0, 'systemPatterns.md read-only');
    assert.equal(statSync(bank).mode & 0o222, 0, 'memory-bank/ read-only');
    const coordDir = path.join(repo, '.git', 'wt-coord');
    assert.equal(existsSync(path.join(coordDir, 'memory-merge.pending')), false, 'no merge left pending');
    assert.deepEqual(readdirSync(path.join(coordDir, 'memory-queue', 'new')), []);

    // integrate brings the 6 commits together.
    const integrated = await wtc(repo, ['integrate'], { env });
    assert.equal(integrated.exitCode, 0, integrated.stderr);
    const onIntegration = (await git(repo, ['log', '--format=%s', 'wt/integration', '--not', 'main'])).split('\n');
    for (const t of tasks) assert.ok(onIntegration.some((s) => s.startsWith(`${t.id}:`)), `${t.id} integrated`);
    for (let k = 1; k <= 6; k++) assert.equal(await git(repo, ['show', `wt/integration:src/part-${k}.txt`]).then((s) => s.includes(`part ${k}`), () => false), true);

    // After stop and teardown, no process of this test remains: none with its CODEX_HOME or its
    // folders in its arguments or environment (no app-server daemon, no MCP server, no hook).
    await wtc(repo, ['stop'], { env });
    assert.equal((await wtc(repo, ['teardown', '--all', '--force'], { env })).exitCode, 0);
    let left: string[] = [];
    for (let i = 0; i < 50; i++) {
      left = (await processesOf(parent)).filter((p) => !/\btmux\b/.test(p));
      if (left.length === 0) break;
      await sleep(100);
    }
    assert.deepEqual(left, []);
  });

  test('start: trusted with wt-coord trust, a message wakes the idle Codex, its discovery is merged while it runs', async () => {
    const other = await repoAt(outsideTmpDir('codex-start-'));
    try {
      const trusted = await wtc(other, ['trust', '--agent', 'codex', '--yes'], { env });
      assert.equal(trusted.exitCode, 0, trusted.stderr);
      assert.match(await fs.readFile(home.configFile, 'utf8'), new RegExp(`\\[projects\\."${escape(other)}"\\]\\ntrust_level = "trusted"`));
      assert.equal((await wtc(other, ['task', 'add', 'the only task', '--files', 'src/only.txt'], { env })).exitCode, 0);
      assert.equal((await wtc(other, ['spawn', '1', '--agent', 'codex'], { env })).exitCode, 0);
      const started = await wtc(other, ['start'], { env });
      assert.equal(started.exitCode, 0, started.stderr);
      // The discovery queued inside the sandbox is merged by the waker `start` left running.
      const patterns = path.join(other, 'memory-bank', 'systemPatterns.md');
      await until(async () => (await fs.readFile(patterns, 'utf8').catch(() => '')).includes('pattern from task-001'), 'the discovery merged while the agent runs');
      // The queue is empty: the agent ends its turn and waits at its prompt.
      const stateFile = path.join(other, '.git', 'wt-coord', 'agents', 'instance-1.state.json');
      await until(async () => /"state":"idle"/.test(await fs.readFile(stateFile, 'utf8').catch(() => '')), 'the agent idle');
      const before = api.requests.length;
      assert.equal((await wtc(other, ['msg', 'send', 'instance-1', 'PING-4242: check the API change'], { env })).exitCode, 0);
      await until(() => api.requests.slice(before).some((r) => requestText(r).includes('PING-4242')), 'the message reached the idle agent');
      await wtc(other, ['stop'], { env });
      assert.equal((await wtc(other, ['teardown', '--all', '--force'], { env })).exitCode, 0);
      let left: string[] = [];
      await until(async () => (left = (await processesOf(path.dirname(other))).filter((p) => !/\btmux\b/.test(p))).length === 0, `no process left: ${left.join(' | ')}`, 10_000);
    } finally {
      await execa('chmod', ['-R', 'u+w', path.dirname(other)], { reject: false });
      await fs.rm(path.dirname(other), { recursive: true, force: true });
    }
  });

  test('an untrusted repository is refused before anything is spawned, naming the fix', async () => {
    const other = await repoAt(outsideTmpDir('codex-untrusted-'));
    const before = api.requests.length;
    try {
      const tasksFile = writeJson(path.join(path.dirname(other), 'tasks.json'), layeredTasks(2));
      const result = await wtc(other, ['run', 'goal', '-w', '1', '--tasks', tasksFile, '--agent', 'codex'], { env });
      assert.notEqual(result.exitCode, 0);
      const lines = result.stderr.trim().split('\n');
      assert.equal(lines.length, 1, result.stderr);
      assert.match(lines[0]!, new RegExp(`^error: Codex does not trust ${other.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} yet: .* — run \`wt-coord trust --agent codex\` \\(it asks you first\\), or run \`codex\` once in .* and choose "Trust and continue"$`));
      assert.equal(existsSync(path.join(path.dirname(other), 'app-instance-1')), false, 'nothing spawned');
      assert.equal(api.requests.length, before, 'no Codex started');
      assert.doesNotMatch(await fs.readFile(home.configFile, 'utf8'), new RegExp(other.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')), 'trust not recorded without --yes');
    } finally {
      await fs.rm(path.dirname(other), { recursive: true, force: true });
    }
  });
});
