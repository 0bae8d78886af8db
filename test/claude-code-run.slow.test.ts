// `wt-coord run` with the real Claude Code on 3 instances over a task graph of 3 dependent layers,
// against the scripted model: one agent is killed mid-task (its task is reclaimed and finished by
// another instance), a leader's broadcast during the run reaches the model input of every running
// agent, every task is done, exit 0, and `integrate` brings every task's commit together.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, test } from 'node:test';
import { execa } from 'execa';
import { git, gitRepo } from './helpers.js';
import { killTmuxServer, useOwnTmuxServer, writeJson, wtc } from './orchestrate-fixtures.js';
import { gate, modelInput, requestsOf, workerScript, type MessagesRequest } from './fakes/anthropic-api.js';
import { CLAUDE_AGENT, claudePidOf, claudeWorld, processList, tasksIn, waitFor, waitForAgent } from './support/claude-run.js';
import { FAKE_API_KEY } from './support/claude-home.js';

const socket = useOwnTmuxServer('claude-run');
after(() => killTmuxServer(socket));

const BROADCAST = 'leader says: keep each commit small (broadcast 7f3a)';

// Layer 1: 1, 2, 3; layer 2: 4 (after 1), 5 (after 2 and 3); layer 3: 6 (after 4 and 5).
const TASKS = {
  tasks: [
    { id: '1', description: 'layer one a', dependencies: [], context: { files: ['src/one-a.txt'] } },
    { id: '2', description: 'layer one b', dependencies: [], context: { files: ['src/one-b.txt'] } },
    { id: '3', description: 'layer one c', dependencies: [], context: { files: ['src/one-c.txt'] } },
    { id: '4', description: 'layer two a', dependencies: ['1'], context: { files: ['src/two-a.txt'] } },
    { id: '5', description: 'layer two b', dependencies: ['2', '3'], context: { files: ['src/two-b.txt'] } },
    { id: '6', description: 'layer three', dependencies: ['4', '5'], context: { files: ['src/three.txt'] } },
  ],
};

test('run -w 3 with the real Claude Code: a killed agent, a broadcast to all, every task done, integrate', { timeout: 420_000 }, async () => {
  const repo = await gitRepo('app');
  // The first holder of task-002 is held (its request unanswered) until it is killed.
  const killGate = gate();
  // The holder of task-005 waits until the broadcast has reached the others.
  const broadcastGate = gate();
  const firstHolders = new Map<string, string>();
  const world = await claudeWorld(
    {
      script: workerScript({
        beforeWork: async (taskId, request: MessagesRequest) => {
          const who = /\bYou are (instance-\d+)/.exec(modelInput(request))?.[1] ?? '?';
          if (firstHolders.has(taskId)) return;
          firstHolders.set(taskId, who);
          if (taskId === 'task-002') await killGate.wait(who);
          if (taskId === 'task-005') await broadcastGate.wait(who);
        },
      }),
    },
    { trusted: [] },
  );
  try {
    assert.equal((await wtc(repo.dir, ['trust', '--yes'], { env: world.env })).exitCode, 0);
    const tasks = writeJson(path.join(repo.parent, 'tasks.json'), TASKS);
    const run = execa(process.execPath, [path.resolve('dist/cli.js'), 'run', 'build the layered demo', '-w', '3', '--tasks', tasks, '--agent', CLAUDE_AGENT, '--max-restarts', '0'], {
      cwd: repo.dir,
      env: world.env,
      reject: false,
      timeout: 400_000,
    });

    // Kill the agent that holds task-002 while it works on it.
    const victim = await killGate.reached;
    const ps = await processList();
    assert.ok(!ps.includes(FAKE_API_KEY), 'the API key is visible in ps');
    const pid = await waitFor(`the claude process of ${victim}`, () => claudePidOf(repo.dir, victim));
    process.kill(pid, 'SIGKILL');
    killGate.release();

    // The broadcast, while task-005's holder is held: every other running agent sees it in its model input.
    const holder = await broadcastGate.reached;
    const sent = await wtc(repo.dir, ['msg', 'broadcast', BROADCAST], { env: world.env });
    assert.equal(sent.exitCode, 0, sent.stderr);
    const running = ['instance-1', 'instance-2', 'instance-3'].filter((n) => n !== victim);
    for (const name of running.filter((n) => n !== holder)) {
      await waitForAgent(repo.dir, name, `the broadcast in ${name}'s model input`, () => requestsOf(world.api, name).some((r) => modelInput(r).includes(BROADCAST)));
    }
    broadcastGate.release();
    await waitForAgent(repo.dir, holder, `the broadcast in ${holder}'s model input`, () => requestsOf(world.api, holder).some((r) => modelInput(r).includes(BROADCAST)));

    // The goal and the role reached every agent's model (first prompt and SessionStart context).
    for (const name of ['instance-1', 'instance-2', 'instance-3']) {
      const input = modelInput(requestsOf(world.api, name)[0]!);
      assert.match(input, /The goal of this run: build the layered demo/, `${name} was not shown the goal`);
      assert.match(input, /Your role: worker/);
    }
    const result = await run;
    assert.equal(result.exitCode, 0, `${result.stderr}\n${result.stdout}`);
    const done = tasksIn(repo.dir);
    assert.deepEqual(done.map((t) => t.status), ['done', 'done', 'done', 'done', 'done', 'done']);
    const two = done.find((t) => t.id === 'task-002')!;
    assert.notEqual(two.claimed_by, victim, 'task-002 was finished by another instance');
    assert.match(String(result.stderr), new RegExp(`${victim}'s agent exited .*task-002`));
    assert.match(String(result.stdout), /tokens/, 'the report shows token usage');
    // The live line never called a waiting agent "running", and showed states.
    assert.match(String(result.stderr), /working|idle/);

    const integrate = await wtc(repo.dir, ['integrate'], { env: world.env });
    assert.equal(integrate.exitCode, 0, integrate.stderr);
    const files = (await git(repo.dir, ['ls-tree', '-r', '--name-only', 'wt/integration'])).split('\n');
    for (const f of ['one-a', 'one-b', 'one-c', 'two-a', 'two-b', 'three']) assert.ok(files.includes(`src/${f}.txt`), `src/${f}.txt missing from wt/integration`);
  } finally {
    await wtc(repo.dir, ['stop'], { env: world.env });
    await new Promise((resolve) => setTimeout(resolve, 1_500)); // the run writes its report
    await world.close();
    repo.cleanup();
  }
});
