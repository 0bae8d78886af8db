// The real Claude Code (the pinned native binary), interactive in tmux the way `start`/`run` run
// it, against a scripted model on 127.0.0.1 (test/fakes/anthropic-api.ts), each test with its own
// HOME (test/support/claude-home.ts):
//   - an untrusted main checkout: run refuses before spawning, naming trust and the fix; `trust --yes` records it
//   - start with nothing to do, then `task add`: the idle agent takes the task without anyone typing
//   - a tool the policy does not allow: status reports the permission prompt with the instance and the tool
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { gitRepo, instanceDir } from './helpers.js';
import { killTmuxServer, tmuxHasSession, useOwnTmuxServer, writeJson, wtc } from './orchestrate-fixtures.js';
import { modelInput, requestsOf, workerScript } from './fakes/anthropic-api.js';
import { FAKE_API_KEY } from './support/claude-home.js';
import { CLAUDE_AGENT, claudeWorld, processList, tasksIn, waitFor } from './support/claude-run.js';

const socket = useOwnTmuxServer('claude');
after(() => killTmuxServer(socket));

interface AgentJson {
  name: string;
  state: string;
  tool: string | null;
  waiting_for_person: boolean;
  action: string | null;
  session_id: string | null;
}

async function agentsOf(dir: string, env: Record<string, string>): Promise<AgentJson[]> {
  const r = await wtc(dir, ['status', '--json'], { env });
  return r.exitCode === 0 ? (JSON.parse(r.stdout).agents ?? []) : [];
}

describe('the real Claude Code, unattended', () => {
  test('an untrusted main checkout: run refuses before spawning anything, naming trust and the fix; trust --yes records it', async () => {
    const repo = await gitRepo('app');
    const world = await claudeWorld({ script: workerScript() }, { trusted: [] });
    try {
      const tasks = writeJson(path.join(repo.parent, 'tasks.json'), { tasks: [{ description: 'write a', context: { files: ['a.txt'] } }] });
      const r = await wtc(repo.dir, ['run', 'build it', '-w', '2', '--tasks', tasks, '--agent', CLAUDE_AGENT], { env: world.env, timeout: 60_000 });
      assert.notEqual(r.exitCode, 0);
      const lines = r.stderr.trim().split('\n');
      assert.equal(lines.length, 1, r.stderr);
      assert.match(lines[0]!, /^error: Claude Code does not trust the main checkout .*app.* — run `wt-coord trust`/);
      assert.ok(!existsSync(instanceDir(repo, 1)), 'no instance was spawned');
      assert.ok(!(await tmuxHasSession(socket, 'x')) && world.api.requests.length === 0, 'no agent was started');

      const refused = await wtc(repo.dir, ['trust'], { env: world.env });
      assert.notEqual(refused.exitCode, 0, 'without a terminal, trust needs --yes');
      assert.match(refused.stderr, /--yes/);
      const trusted = await wtc(repo.dir, ['trust', '--yes'], { env: world.env });
      assert.equal(trusted.exitCode, 0, trusted.stderr);
      const config = JSON.parse(readFileSync(path.join(world.home.home, '.claude.json'), 'utf8'));
      assert.equal(config.projects[repo.dir].hasTrustDialogAccepted, true);
      assert.equal(config.hasCompletedOnboarding, true, 'every other key is kept');
    } finally {
      await world.close();
      repo.cleanup();
    }
  });

  test('start with nothing to do, then task add: the idle agent takes the task without anyone typing; no key in ps', async () => {
    const repo = await gitRepo('app');
    const world = await claudeWorld({ script: workerScript() }, { trusted: [] });
    world.env.WT_COORD_TEST_TOKEN = 'tok-wtcoord-secret-value-123';
    try {
      assert.equal((await wtc(repo.dir, ['trust', '--yes'], { env: world.env })).exitCode, 0);
      assert.equal((await wtc(repo.dir, ['spawn', '1', '--agent', CLAUDE_AGENT], { env: world.env })).exitCode, 0);
      const start = await wtc(repo.dir, ['start'], { env: world.env });
      assert.equal(start.exitCode, 0, start.stderr);
      // The agent asks for a task, finds the queue empty, ends its turn: idle.
      await waitFor('instance-1 idle after asking for a task', async () => requestsOf(world.api, 'instance-1').length > 0 && (await agentsOf(repo.dir, world.env)).find((a) => a.name === 'instance-1' && a.state === 'idle'));
      const first = requestsOf(world.api, 'instance-1')[0]!;
      assert.match(modelInput(first), /wt-coord tells you when there is work again/, 'the first prompt arrived whole after the variadic --allowedTools');

      const ps = await processList();
      for (const secret of [FAKE_API_KEY, 'tok-wtcoord-secret-value-123']) assert.ok(!ps.includes(secret), `a secret is visible in ps:\n${ps.split('\n').filter((l) => l.includes(secret)).join('\n')}`);

      const add = await wtc(repo.dir, ['task', 'add', 'write the late file', '--files', 'late.txt'], { env: world.env });
      assert.equal(add.exitCode, 0, add.stderr);
      await waitFor('task-001 done', () => tasksIn(repo.dir).find((t) => t.id === 'task-001' && t.status === 'done'));
      assert.match(readFileSync(path.join(instanceDir(repo, 1), 'late.txt'), 'utf8'), /task-001 done by instance-1/);
      const agents = await agentsOf(repo.dir, world.env);
      assert.match(agents[0]!.session_id ?? '', /^[0-9a-f-]{36}$/, 'the session id is recorded from the hooks');
      const usage = (agents[0] as unknown as { usage: { input_tokens: number; output_tokens: number } | null }).usage;
      assert.ok(usage && usage.input_tokens > 0 && usage.output_tokens > 0, `token usage from the transcript: ${JSON.stringify(usage)}`);

      // Killed mid-session and started again with --resume: the same conversation goes on, told it was restarted.
      const sessionId = agents[0]!.session_id!;
      const { claudePidOf } = await import('./support/claude-run.js');
      process.kill((await waitFor('the claude process', () => claudePidOf(repo.dir, 'instance-1')))!, 'SIGKILL');
      await waitFor('instance-1 exited', async () => (await agentsOf(repo.dir, world.env)).find((a) => a.state === 'exited'));
      const before = requestsOf(world.api, 'instance-1').length;
      const again = await wtc(repo.dir, ['start', '1', '--resume'], { env: world.env });
      assert.equal(again.exitCode, 0, again.stderr);
      const resumed = await waitFor('a request after the restart', () => requestsOf(world.api, 'instance-1').slice(before).find((r) => /You were restarted/.test(modelInput(r))));
      assert.match(modelInput(resumed), /late\.txt/, 'the resumed conversation carries the earlier work');
      assert.equal((await agentsOf(repo.dir, world.env))[0]!.session_id, sessionId, 'the same session continues');
    } finally {
      await wtc(repo.dir, ['stop'], { env: world.env });
      await world.close();
      repo.cleanup();
    }
  });

  test('a tool call the policy does not allow: status reports the permission prompt with the instance and the tool', async () => {
    const repo = await gitRepo('app');
    const world = await claudeWorld({ script: workerScript({ firstCall: { name: 'Bash', input: { command: 'npm publish --dry-run', description: 'publish' } } }) }, { trusted: [] });
    try {
      assert.equal((await wtc(repo.dir, ['trust', '--yes'], { env: world.env })).exitCode, 0);
      assert.equal((await wtc(repo.dir, ['spawn', '1', '--agent', CLAUDE_AGENT], { env: world.env })).exitCode, 0);
      assert.equal((await wtc(repo.dir, ['start'], { env: world.env })).exitCode, 0);
      const waiting = await waitFor('the permission prompt in status', async () => (await agentsOf(repo.dir, world.env)).find((a) => a.state === 'waiting-permission'), 60_000);
      assert.equal(waiting.name, 'instance-1');
      assert.match(waiting.tool ?? '', /^Bash: npm publish --dry-run/);
      assert.equal(waiting.waiting_for_person, true);
      assert.equal(waiting.action, 'wt-coord attach instance-1');
      const text = await wtc(repo.dir, ['status'], { env: world.env });
      assert.match(text.stdout, /instance-1 .*waiting for permission \(Bash: npm publish --dry-run\).*wt-coord attach instance-1/);
    } finally {
      await wtc(repo.dir, ['stop'], { env: world.env });
      await world.close();
      repo.cleanup();
    }
  });
});
