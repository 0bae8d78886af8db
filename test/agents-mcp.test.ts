// `wt-coord mcp`: a real MCP client (the SDK's Client over stdio) against the built CLI. Three
// instance servers at once run claim -> progress -> discovery -> complete with no double claims;
// missing or invalid arguments come back as tool errors the model can read, and the server stays up.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { CLI, cli, gitRepo, instanceDir, type TempRepo } from './helpers.js';

const TOOLS = ['init_coordination', 'create_task', 'claim_task', 'complete_task', 'get_status', 'add_discovery', 'report_progress', 'send_message', 'read_inbox', 'claim_path', 'release_path'];

interface ToolResult {
  isError?: boolean;
  content: { type: string; text: string }[];
  structuredContent?: Record<string, unknown>;
}

async function connect(cwd: string, args: string[]): Promise<Client> {
  const client = new Client({ name: 'wt-coord-test', version: '1.0.0' });
  await client.connect(new StdioClientTransport({ command: process.execPath, args: [CLI, 'mcp', ...args], cwd, stderr: 'pipe' }));
  return client;
}

async function call(client: Client, name: string, args: Record<string, unknown> = {}): Promise<ToolResult> {
  return (await client.callTool({ name, arguments: args })) as ToolResult;
}

function text(result: ToolResult): string {
  return result.content.map((c) => c.text).join('\n');
}

describe('wt-coord mcp over stdio', () => {
  let repo: TempRepo;
  const clients: Client[] = [];
  const byInstance = new Map<number, Client>();
  before(async () => {
    repo = await gitRepo();
    const spawned = await cli(repo.dir, ['spawn', '3', '--install', 'none']);
    assert.equal(spawned.exitCode, 0, String(spawned.stderr));
  });
  after(async () => {
    await Promise.all(clients.map((c) => c.close().catch(() => undefined)));
    repo.cleanup();
  });

  test('lists the tools, with input schemas', async () => {
    const leader = await connect(repo.dir, []);
    clients.push(leader);
    const { tools } = await leader.listTools();
    assert.deepEqual(tools.map((t) => t.name).sort(), [...TOOLS].sort());
    const create = tools.find((t) => t.name === 'create_task')!;
    assert.deepEqual(create.inputSchema.required, ['description']);
    // The limit is the domain's (checked by addTask for the tool and `task add` alike), named in the description.
    assert.match((create.inputSchema.properties as Record<string, { description?: string }>).description!.description ?? '', /at most 4000 characters/, 'the limit of tasks.ts');
  });

  test('3 instances at once: claim -> progress -> discovery -> complete, every task done exactly once', async () => {
    const leader = clients[0]!;
    assert.equal((await call(leader, 'init_coordination', { goal: 'Build the parser' })).isError, undefined);
    const TASKS = 9;
    for (let i = 1; i <= TASKS; i++) {
      const added = await call(leader, 'create_task', { description: `part ${i}`, priority: i % 3, files: [`src/part${i}.ts`] });
      assert.equal(added.isError, undefined, text(added));
    }
    // Each instance's server as spawn registered it: started from its worktree, acting for it.
    const workers = await Promise.all([1, 2, 3].map(async (k) => {
      const mcp = JSON.parse(readFileSync(path.join(instanceDir(repo, k), '.mcp.json'), 'utf8')).mcpServers['wt-coord'];
      const client = new Client({ name: `agent-${k}`, version: '1.0.0' });
      await client.connect(new StdioClientTransport({ command: mcp.command, args: mcp.args, cwd: instanceDir(repo, k), stderr: 'pipe' }));
      clients.push(client);
      byInstance.set(k, client);
      return { k, client };
    }));
    const doneBy = new Map<string, number[]>();
    await Promise.all(workers.map(async ({ k, client }) => {
      for (;;) {
        const claimed = await call(client, 'claim_task');
        assert.equal(claimed.isError, undefined, text(claimed));
        if (claimed.structuredContent?.claimed !== true) break;
        const task = claimed.structuredContent.task as { id: string; token: number };
        assert.equal((await call(client, 'report_progress', { progress: 0.5, message: `halfway on ${task.id}` })).isError, undefined);
        const discovery = await call(client, 'add_discovery', { text: `${task.id} needs a tokenizer`, category: 'solution', task_id: task.id });
        assert.equal(discovery.isError, undefined, text(discovery));
        const completed = await call(client, 'complete_task', { summary: `did ${task.id}`, token: task.token });
        assert.equal(completed.isError, undefined, text(completed));
        doneBy.set(task.id, [...(doneBy.get(task.id) ?? []), k]);
      }
    }));
    assert.equal(doneBy.size, TASKS);
    for (const [id, who] of doneBy) assert.equal(who.length, 1, `${id} done by ${who.join(', ')}`);
    const status = await call(leader, 'get_status');
    assert.match(text(status), new RegExp(`queue: ${TASKS} tasks: .*${TASKS} done`));
    const tasks = JSON.parse(readFileSync(path.join(repo.dir, '.git', 'wt-coord', 'tasks.json'), 'utf8')).tasks as { id: string; status: string; claimed_by: string }[];
    assert.ok(tasks.every((t) => t.status === 'done'));
    for (const t of tasks) assert.equal(t.claimed_by, `instance-${doneBy.get(t.id)![0]}`);
  });

  test('messages and claims through the tools; the second claim on a path is refused, naming the holder', async () => {
    const [one, two] = [byInstance.get(1)!, byInstance.get(2)!];
    const claimed = await call(one, 'claim_path', { path: 'src/api/', reason: 'pagination' });
    assert.equal(claimed.isError, undefined, text(claimed));
    const refused = await call(two, 'claim_path', { path: 'src/api/users.ts' });
    assert.equal(refused.isError, true);
    assert.match(text(refused), /^error: src\/api\/users\.ts overlaps src\/api\/ claimed by instance-\d+ \("pagination"\).* — first claim wins/);
    const sent = await call(two, 'send_message', { to: 'instance-1', body: 'may I touch src/api/users.ts?', type: 'question', requires_response: true });
    assert.equal(sent.isError, undefined, text(sent));
    const inbox = await call(one, 'read_inbox');
    assert.match(text(inbox), /-> you \[question\] may I touch src\/api\/users\.ts\?/);
    assert.equal((await call(one, 'release_path', { path: 'src/api/' })).isError, undefined);
    assert.equal((await call(two, 'claim_path', { path: 'src/api/users.ts' })).isError, undefined);
  });

  test('missing or invalid arguments: a readable schema error, and the server stays up', async () => {
    const client = byInstance.get(1)!;
    const missing = await call(client, 'create_task', {});
    assert.equal(missing.isError, true);
    assert.match(text(missing), /Input validation error: Invalid arguments for tool create_task:.*description/s);
    const wrongType = await call(client, 'report_progress', { progress: 'half' });
    assert.equal(wrongType.isError, true);
    assert.match(text(wrongType), /progress/);
    const outOfRange = await call(client, 'report_progress', { progress: 7 });
    assert.equal(outOfRange.isError, true);
    assert.match(text(outOfRange), /progress/);
    const badId = await call(client, 'claim_task', { task_id: '../../etc' });
    assert.equal(badId.isError, true);
    assert.match(text(badId), /"\.\.\/\.\.\/etc" is not a task id/);
    const badCategory = await call(client, 'add_discovery', { text: 'x', category: 'gossip' });
    assert.equal(badCategory.isError, true);
    assert.match(text(badCategory), /unknown category "gossip".*use one of/);
    const leaderClaim = await call(clients[0]!, 'claim_task');
    assert.equal(leaderClaim.isError, true);
    assert.match(text(leaderClaim), /runs for the leader.*wt-coord mcp --instance/);
    // Still serving.
    const status = await call(client, 'get_status');
    assert.equal(status.isError, undefined);
    assert.equal(status.structuredContent?.you, 'instance-1');
  });

  test('an unknown --instance fails before serving, with a clear message', async () => {
    const result = await cli(repo.dir, ['mcp', '--instance', '9'], { input: '' });
    assert.equal(result.exitCode, 2);
    assert.match(String(result.stderr), /instance-9 is not registered/);
  });
});
