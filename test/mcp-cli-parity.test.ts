// Every MCP tool and its CLI twin accept the same inputs (issue 14 item 15). For each tool, a table
// of inputs at the edge of each rule, each sent through the real MCP server (the SDK's Client over
// stdio, acting for instance-1 or the leader) and through the real twin (coordinate.sh of
// instance-2, or the leader's wt-coord): both must accept it, or both refuse it, as the table says;
// where a message is given, both refusals must carry it. The list of tools comes from the server:
// a tool with no table here fails the test, so no tool is added without its twin check.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { CLI, instanceDir } from './helpers.js';
import { agent, leader, queueRepo, type QueueRepo } from './tasks-fixtures.js';

interface ToolResult {
  isError?: boolean;
  content: { type: string; text: string }[];
  structuredContent?: Record<string, unknown>;
}

interface Outcome {
  ok: boolean;
  text: string;
}

/** What a side's call runs against: the instance acting (1: MCP, 2: CLI), its worktree, and what prepare made. */
interface Side {
  k: number;
  worktree: string;
  n: number;
  token: number;
}

interface Case<I> {
  name: string;
  input: I;
  accept: boolean;
  /** Both refusals (or both answers) must match this. */
  says?: RegExp;
  /** Runs once before the case, for both sides. */
  setup?: () => Promise<void>;
}

interface Pair<I> {
  twin: string;
  /** Per side, before its call: e.g. a fresh task for it. */
  prepare?: (side: Side) => Promise<void>;
  mcp: (input: I, side: Side) => Record<string, unknown>;
  cli: (input: I, side: Side) => Promise<Outcome>;
  /** Per side, after its call: free what the call took, so the other side starts from the same state. */
  cleanup?: (side: Side) => Promise<void>;
  cases: Case<I>[];
}

const MIB64 = 64 * 1024;
const YAML = 'memory_categories: [pattern, decision, solution, blocker, perf]\nmemory_auto_merge: false\n';
const YAML_MORE = 'memory_categories: [pattern, decision, solution, blocker, perf, security]\nmemory_auto_merge: false\n';
const padded = (n: number) => `task-${String(n).padStart(3, '0')}`;

let q: QueueRepo;
const clients: Client[] = [];
let leaderMcp: Client;
const instanceMcp = new Map<number, Client>();

async function connect(args: string[]): Promise<Client> {
  const client = new Client({ name: 'wt-coord-parity', version: '1.0.0' });
  await client.connect(new StdioClientTransport({ command: process.execPath, args: [CLI, 'mcp', ...args], cwd: q.repo.dir, stderr: 'pipe' }));
  clients.push(client);
  return client;
}

async function call(client: Client, name: string, args: Record<string, unknown>): Promise<Outcome> {
  const result = (await client.callTool({ name, arguments: args })) as ToolResult;
  return { ok: result.isError !== true, text: result.content.map((c) => c.text).join('\n') };
}

async function viaAgent(k: number, args: string[]): Promise<Outcome> {
  const r = await agent(q, k, args);
  return { ok: r.code === 0, text: `${r.out}\n${r.err}` };
}

async function viaLeader(args: string[]): Promise<Outcome> {
  const r = await leader(q, args);
  return { ok: r.code === 0, text: `${r.out}\n${r.err}` };
}

/** A fresh available task for this side (added through the leader's MCP server: quicker than a process). */
async function freshTask(side: Side): Promise<void> {
  const added = (await leaderMcp.callTool({ name: 'create_task', arguments: { description: `parity task for instance-${side.k}`, priority: 100 } })) as ToolResult;
  assert.notEqual(added.isError, true, JSON.stringify(added.content));
  side.n = Number(String((added.structuredContent!.task as { id: string }).id).slice('task-'.length));
}

/** Completes whatever the side's instance holds, so its next claim starts from nothing held. */
async function dropHeld(side: Side): Promise<void> {
  const status = (await leaderMcp.callTool({ name: 'get_status', arguments: {} })) as ToolResult;
  const me = (status.structuredContent!.instances as { name: string; tasks: string[] }[]).find((i) => i.name === `instance-${side.k}`)!;
  for (const id of me.tasks) {
    const done = await agent(q, side.k, ['complete', id, 'parity cleanup']);
    assert.equal(done.code, 0, done.err);
  }
}

async function releaseAll(side: Side): Promise<void> {
  const r = await agent(q, side.k, ['release', '--all']);
  assert.equal(r.code, 0, r.err);
}

const TASK_FORMS: [string, (n: number) => string][] = [
  ['task-010 (padded)', padded],
  ['task-10', (n) => `task-${n}`],
  ['10', (n) => String(n)],
  ['#10', (n) => `#${n}`],
  [' 10 (spaces around)', (n) => ` ${n} `],
];

const BAD_TASK_IDS = ['task-99999', '../../etc', '0', 'abc', '1234567', 'task-', ''];

function progressArgs(input: { progress?: number | string; message?: string }): string[] {
  return [...(input.progress === undefined ? [] : [String(input.progress)]), ...(input.message === undefined ? [] : [input.message])];
}

type Discovery = { text: string; category?: string; files?: string[]; task?: string };
type Message = { to: string; body: string; type?: string; priority?: string; paths?: string[]; requires_response?: boolean };

const PAIRS: Record<string, Pair<any>> = {
  init_coordination: {
    twin: 'wt-coord plan <goal> --force',
    mcp: (goal: string) => ({ goal, replace: true }),
    cli: (goal: string) => viaLeader(['plan', goal, '--force']),
    cases: [
      { name: 'a goal', input: 'Build the parser', accept: true },
      { name: 'empty', input: '', accept: false, says: /the goal is empty/ },
      { name: 'blank', input: '   ', accept: false, says: /the goal is empty/ },
      { name: '4000 characters (the limit)', input: 'g'.repeat(4000), accept: true },
      { name: '4000 characters and blanks around', input: `  ${'g'.repeat(4000)}  `, accept: true },
      { name: '4001 characters', input: 'g'.repeat(4001), accept: false, says: /over the limit of 4000/ },
      { name: '10001 characters', input: 'g'.repeat(10_001), accept: false, says: /over the limit of 4000/ },
    ],
  } satisfies Pair<string>,

  create_task: {
    twin: 'wt-coord task add',
    mcp: (t: { description: string; priority?: number; dependencies?: string[]; files?: string[]; hints?: string }) => ({ ...t }),
    cli: (t: { description: string; priority?: number; dependencies?: string[]; files?: string[]; hints?: string }) =>
      viaLeader([
        'task', 'add', t.description,
        ...(t.priority === undefined ? [] : [`--priority=${t.priority}`]),
        ...(t.dependencies ?? []).flatMap((d) => ['-d', d]),
        ...(t.files === undefined ? [] : ['--files', t.files.join(',')]),
        ...(t.hints === undefined ? [] : ['--hint', t.hints]),
      ]),
    cases: [
      { name: 'a description', input: { description: 'write the parser' }, accept: true },
      { name: 'empty description', input: { description: '' }, accept: false, says: /description is empty/ },
      { name: 'blank description', input: { description: '   ' }, accept: false, says: /description is empty/ },
      { name: '4000 characters (the limit)', input: { description: 'd'.repeat(4000) }, accept: true },
      { name: '4000 characters and blanks around', input: { description: ` ${'d'.repeat(4000)} ` }, accept: true },
      { name: '4001 characters', input: { description: 'd'.repeat(4001) }, accept: false, says: /over the limit of 4000/ },
      { name: 'priority 0', input: { description: 'p0', priority: 0 }, accept: true },
      { name: 'priority -5', input: { description: 'p-5', priority: -5 }, accept: true },
      { name: 'priority 1000000', input: { description: 'pmax', priority: 1_000_000 }, accept: true },
      { name: 'priority 1000001', input: { description: 'ptoo', priority: 1_000_001 }, accept: false, says: /priority must be a whole number/ },
      { name: 'priority 1.5', input: { description: 'pfrac', priority: 1.5 }, accept: false, says: /priority must be a whole number/ },
      ...TASK_FORMS.map(([form, id]) => ({ name: `dependency ${form}`, input: { description: `after ${form}`, dependencies: [id(1)] }, accept: true })),
      { name: 'dependency on no task', input: { description: 'after nothing', dependencies: ['task-99999'] }, accept: false, says: /unknown dependency task-99999/ },
      { name: 'dependency that is a path', input: { description: 'after a path', dependencies: ['../x'] }, accept: false, says: /is not a task id/ },
      { name: 'two files', input: { description: 'files', files: ['src/a.ts', 'src/b.ts'] }, accept: true },
      { name: '200 files (the limit)', input: { description: 'many files', files: Array.from({ length: 200 }, (_, i) => `f${i}.ts`) }, accept: true },
      { name: '201 files', input: { description: 'too many files', files: Array.from({ length: 201 }, (_, i) => `f${i}.ts`) }, accept: false, says: /more than 200 files/ },
      { name: 'hints of 4000', input: { description: 'hints', hints: 'h'.repeat(4000) }, accept: true },
      { name: 'hints of 4001', input: { description: 'long hints', hints: 'h'.repeat(4001) }, accept: false, says: /hints are over the limit of 4000/ },
    ],
  },

  claim_task: {
    twin: 'coordinate.sh request-task [id]',
    prepare: freshTask,
    mcp: (id: (n: number) => string, s: Side) => ({ task_id: id(s.n) }),
    cli: (id: (n: number) => string, s: Side) => viaAgent(s.k, ['request-task', id(s.n)]),
    cleanup: dropHeld,
    cases: [
      ...TASK_FORMS.map(([form, id]) => ({ name: `id ${form}`, input: id, accept: true })),
      ...BAD_TASK_IDS.filter(Boolean).map((bad) => ({ name: `id "${bad}"`, input: () => bad, accept: false, says: bad === 'task-99999' ? /no task task-99999/ : /is not a task id/ })),
    ],
  },

  complete_task: {
    twin: 'coordinate.sh complete [id] [summary] [--token N]',
    prepare: async (s) => {
      await freshTask(s);
      const claimed = (await instanceMcp.get(s.k)!.callTool({ name: 'claim_task', arguments: { task_id: padded(s.n) } })) as ToolResult;
      assert.notEqual(claimed.isError, true, JSON.stringify(claimed.content));
      s.token = (claimed.structuredContent!.task as { token: number }).token;
    },
    mcp: (c: { id?: (n: number) => string; summary?: string; token?: (t: number) => number }, s: Side) => ({
      ...(c.id ? { task_id: c.id(s.n) } : {}),
      ...(c.summary === undefined ? {} : { summary: c.summary }),
      ...(c.token ? { token: c.token(s.token) } : {}),
    }),
    cli: (c: { id?: (n: number) => string; summary?: string; token?: (t: number) => number }, s: Side) =>
      viaAgent(s.k, ['complete', ...(c.id ? [c.id(s.n)] : []), ...(c.summary === undefined ? [] : [c.summary]), ...(c.token ? ['--token', String(c.token(s.token))] : [])]),
    cleanup: dropHeld,
    cases: [
      { name: 'a summary', input: { summary: 'did it' }, accept: true },
      ...TASK_FORMS.map(([form, id]) => ({ name: `id ${form} and a summary`, input: { id, summary: 'did it' }, accept: true })),
      { name: 'no summary', input: {}, accept: true },
      { name: 'an empty summary', input: { summary: '' }, accept: true },
      { name: 'a summary of 100000 characters (the limit)', input: { summary: 's'.repeat(100_000) }, accept: true },
      { name: 'a summary of 100001 characters', input: { summary: 's'.repeat(100_001) }, accept: false, says: /over the limit of 100000/ },
      { name: 'the token of the claim', input: { summary: 'did it', token: (t: number) => t }, accept: true },
      { name: 'a stale token', input: { summary: 'did it', token: (t: number) => t + 1000 }, accept: false, says: /is not the current claim/ },
      { name: 'a task that does not exist', input: { id: () => 'task-99999', summary: 'did it' }, accept: false, says: /task-99999/ },
      { name: 'an id that is a path', input: { id: () => '../x', summary: 'did it' }, accept: false, says: /is not a task id/ },
    ],
  },

  get_status: {
    twin: 'coordinate.sh status',
    mcp: () => ({}),
    cli: (_: null, s: Side) => viaAgent(s.k, ['status']),
    cases: [{ name: 'no input', input: null, accept: true }],
  } satisfies Pair<null>,

  add_discovery: {
    twin: 'coordinate.sh update-memory',
    mcp: (d: Discovery) => ({ text: d.text, ...(d.category === undefined ? {} : { category: d.category }), ...(d.files ? { files: d.files } : {}), ...(d.task === undefined ? {} : { task_id: d.task }) }),
    cli: (d: Discovery, s: Side) =>
      viaAgent(s.k, ['update-memory', d.text, ...(d.category === undefined ? [] : ['--category', d.category]), ...(d.files ? ['--files', d.files.join(',')] : []), ...(d.task === undefined ? [] : ['--task', d.task])]),
    cases: [
      { name: 'a discovery, the default category', input: { text: 'the parser needs a tokenizer' }, accept: true },
      { name: 'empty', input: { text: '' }, accept: false, says: /the discovery is empty/ },
      { name: 'blank', input: { text: '   ' }, accept: false, says: /the discovery is empty/ },
      { name: '64 KiB (the limit)', input: { text: 'k'.repeat(MIB64) }, accept: true },
      { name: '64 KiB and one byte', input: { text: 'k'.repeat(MIB64 + 1) }, accept: false, says: /over the limit of 65536 bytes/ },
      { name: 'a default category', input: { text: 'a decision', category: 'decision' }, accept: true },
      { name: 'a category configured in wt-coord.yaml', input: { text: 'a perf finding', category: 'perf' }, accept: true },
      {
        name: 'a category added to wt-coord.yaml while the server runs',
        input: { text: 'a security finding', category: 'security' },
        accept: true,
        setup: async () => writeFileSync(path.join(q.repo.dir, 'wt-coord.yaml'), YAML_MORE),
      },
      { name: 'an unknown category', input: { text: 'gossip', category: 'gossip' }, accept: false, says: /unknown category "gossip".*use one of: pattern, decision, solution, blocker, perf, security/ },
      { name: 'a category in capitals', input: { text: 'capitals', category: 'Pattern' }, accept: false, says: /unknown category "Pattern".*use one of: pattern, decision/ },
      { name: 'an empty category', input: { text: 'no category', category: '' }, accept: false, says: /unknown category "".*use one of/ },
      ...TASK_FORMS.map(([form, id]) => ({ name: `task ${form}`, input: { text: `for the first task (${form})`, task: id(1) }, accept: true })),
      { name: 'a task that does not exist', input: { text: 'for no task', task: 'task-99999' }, accept: false, says: /no task task-99999/ },
      { name: 'a task id that is a path', input: { text: 'for a path', task: '../x' }, accept: false, says: /is not a task id/ },
      { name: '100 files (the limit)', input: { text: 'many files', files: Array.from({ length: 100 }, (_, i) => `f${i}.ts`) }, accept: true },
      { name: '101 files', input: { text: 'too many files', files: Array.from({ length: 101 }, (_, i) => `f${i}.ts`) }, accept: false, says: /over the limit of 100/ },
    ],
  } satisfies Pair<Discovery>,

  report_progress: {
    twin: 'coordinate.sh report-progress [progress] [message]',
    mcp: (p: { progress?: number | string; message?: string }) => ({ ...p }),
    cli: (p: { progress?: number | string; message?: string }, s: Side) => viaAgent(s.k, ['report-progress', ...progressArgs(p)]),
    cases: [
      { name: '0', input: { progress: 0 }, accept: true },
      { name: '1', input: { progress: 1 }, accept: true },
      { name: '0.5', input: { progress: 0.5 }, accept: true },
      { name: '"0.5" as text', input: { progress: '0.5' }, accept: true },
      { name: '".5"', input: { progress: '.5' }, accept: true },
      { name: '"70%"', input: { progress: '70%' }, accept: true },
      { name: '"100%"', input: { progress: '100%' }, accept: true },
      { name: '1.5', input: { progress: 1.5 }, accept: false, says: /progress must be between 0 and 1/ },
      { name: '-0.1', input: { progress: -0.1 }, accept: false, says: /progress must be between 0 and 1/ },
      { name: '"101%"', input: { progress: '101%' }, accept: false, says: /progress must be between 0 and 1/ },
      { name: '"0,5"', input: { progress: '0,5' }, accept: false, says: /"0,5" is not a progress/ },
      { name: '"50%%"', input: { progress: '50%%' }, accept: false, says: /"50%%" is not a progress/ },
      { name: 'a message only', input: { message: 'parser done' }, accept: true },
      { name: 'neither: the progress as recorded, renewed', input: {}, accept: true },
      { name: 'progress and message', input: { progress: 0.4, message: 'parser done' }, accept: true },
      { name: 'a message of 1000 characters', input: { message: 'm'.repeat(1000) }, accept: true },
      { name: 'a message of 1001 characters', input: { message: 'm'.repeat(1001) }, accept: false, says: /over 1000 characters/ },
    ],
  },

  send_message: {
    twin: 'coordinate.sh send <to> <text>',
    mcp: (m: Message) => ({ ...m }),
    cli: (m: Message, s: Side) =>
      viaAgent(s.k, [
        'send', m.to, m.body,
        ...(m.type === undefined ? [] : ['--type', m.type]),
        ...(m.priority === undefined ? [] : ['--priority', m.priority]),
        ...(m.paths === undefined ? [] : ['--paths', m.paths.join(',')]),
        ...(m.requires_response ? ['--requires-response'] : []),
      ]),
    cases: [
      ...['instance-3', '3', 'leader', 'LEADER', 'broadcast', '#general', 'general', '#alerts'].map((to) => ({ name: `to ${to}`, input: { to, body: 'hello' }, accept: true })),
      { name: 'to an unregistered instance', input: { to: 'instance-9', body: 'hello' }, accept: false, says: /unknown recipient "instance-9"/ },
      { name: 'to nobody known', input: { to: 'nobody', body: 'hello' }, accept: false, says: /unknown recipient "nobody"/ },
      { name: 'to an empty name', input: { to: '', body: 'hello' }, accept: false },
      { name: 'an empty text', input: { to: 'leader', body: '' }, accept: false, says: /the message is empty/ },
      { name: 'a blank text', input: { to: 'leader', body: '   ' }, accept: false, says: /the message is empty/ },
      { name: 'a text of 64 KiB (the limit)', input: { to: 'leader', body: 'b'.repeat(MIB64) }, accept: true },
      { name: 'a text of 64 KiB and one byte', input: { to: 'leader', body: 'b'.repeat(MIB64 + 1) }, accept: false, says: /over the limit of 65536 bytes/ },
      { name: 'type question', input: { to: 'leader', body: 'why?', type: 'question' }, accept: true },
      { name: 'type of 32 characters', input: { to: 'leader', body: 't', type: 't'.repeat(32) }, accept: true },
      { name: 'type of 33 characters', input: { to: 'leader', body: 't', type: 't'.repeat(33) }, accept: false, says: /is not a message type/ },
      { name: 'type in capitals', input: { to: 'leader', body: 't', type: 'Question' }, accept: false, says: /"Question" is not a message type/ },
      ...['urgent', 'normal', 'low'].map((priority) => ({ name: `priority ${priority}`, input: { to: 'leader', body: 'p', priority }, accept: true })),
      { name: 'priority high', input: { to: 'leader', body: 'p', priority: 'high' }, accept: false, says: /priority must be one of urgent, normal, low, got "high"/ },
      { name: 'paths', input: { to: 'leader', body: 'see these', paths: ['src/a.ts', 'src/b/'] }, accept: true },
      { name: '101 paths', input: { to: 'leader', body: 'see these', paths: Array.from({ length: 101 }, (_, i) => `p${i}`) }, accept: false, says: /101 paths is over the limit of 100/ },
      { name: 'requires a response', input: { to: 'leader', body: 'answer me', requires_response: true }, accept: true },
    ],
  } satisfies Pair<Message>,

  read_inbox: {
    twin: 'coordinate.sh inbox [--all]',
    mcp: (all: boolean) => (all ? { all: true } : {}),
    cli: (all: boolean, s: Side) => viaAgent(s.k, ['inbox', ...(all ? ['--all'] : [])]),
    cases: [
      { name: 'new messages', input: false, accept: true },
      { name: '--all', input: true, accept: true },
    ],
  } satisfies Pair<boolean>,

  claim_path: {
    twin: 'coordinate.sh claim <path> [reason] [--task id]',
    mcp: (c: { path: (s: Side) => string; reason?: string; task?: string }, s: Side) => ({ path: c.path(s), ...(c.reason === undefined ? {} : { reason: c.reason }), ...(c.task === undefined ? {} : { task_id: c.task }) }),
    cli: (c: { path: (s: Side) => string; reason?: string; task?: string }, s: Side) =>
      viaAgent(s.k, ['claim', c.path(s), ...(c.reason === undefined ? [] : [c.reason]), ...(c.task === undefined ? [] : ['--task', c.task])]),
    cleanup: releaseAll,
    cases: [
      { name: 'a folder', input: { path: () => 'src/api/' }, accept: true },
      { name: 'a glob', input: { path: () => 'src/**/*.sql' }, accept: true },
      { name: 'a file with a reason', input: { path: () => 'src/db.ts', reason: 'schema change' }, accept: true },
      { name: 'a path inside its own worktree, absolute', input: { path: (s: Side) => path.join(s.worktree, 'src', 'own') + '/' }, accept: true },
      { name: 'a path inside the main checkout, absolute', input: { path: () => path.join(q.repo.dir, 'src', 'main') + '/' }, accept: true },
      { name: 'empty', input: { path: () => '' }, accept: false },
      { name: 'blank', input: { path: () => '   ' }, accept: false, says: /a claim needs a path or glob/ },
      { name: 'outside the repository (..)', input: { path: () => '../x' }, accept: false, says: /contains "\.\."/ },
      { name: 'a negated pattern', input: { path: () => '!src/' }, accept: false, says: /is a negated pattern/ },
      { name: 'an absolute path elsewhere', input: { path: () => '/etc/passwd' }, accept: false, says: /is outside the repository/ },
      { name: 'the whole repository', input: { path: () => './' }, accept: false, says: /names the whole repository/ },
      { name: 'a reason of 500 characters', input: { path: () => 'src/r1/', reason: 'r'.repeat(500) }, accept: true },
      { name: 'a reason of 501 characters', input: { path: () => 'src/r2/', reason: 'r'.repeat(501) }, accept: false, says: /the reason is 501 characters/ },
      { name: 'for a task that does not exist', input: { path: () => 'src/t/', task: 'task-99999' }, accept: false, says: /no task task-99999/ },
      { name: 'for a task id that is a path', input: { path: () => 'src/t/', task: '../x' }, accept: false, says: /is not a task id/ },
    ],
  },

  release_path: {
    twin: 'coordinate.sh release <path>',
    prepare: async (s) => {
      const made = await agent(q, s.k, ['claim', 'src/rel/', '--no-task']);
      assert.equal(made.code, 0, made.err);
    },
    mcp: (p: (s: Side) => string, s: Side) => ({ path: p(s) }),
    cli: (p: (s: Side) => string, s: Side) => viaAgent(s.k, ['release', p(s)]),
    cleanup: releaseAll,
    cases: [
      { name: 'the path claimed', input: () => 'src/rel/', accept: true },
      { name: 'the path claimed, absolute in its worktree', input: (s: Side) => path.join(s.worktree, 'src', 'rel') + '/', accept: true },
      { name: 'the path claimed, absolute in the main checkout', input: () => path.join(q.repo.dir, 'src', 'rel') + '/', accept: true },
      { name: 'a path not claimed', input: () => 'src/other/', accept: false },
      { name: 'empty', input: () => '', accept: false },
      { name: 'outside the repository', input: () => '../x', accept: false, says: /contains "\.\."/ },
    ],
  } satisfies Pair<(s: Side) => string>,
};

/** Tools that act for the leader (its MCP server, its wt-coord); the rest act for an instance. */
const LEADER_TOOLS = new Set(['init_coordination', 'create_task']);

describe('every MCP tool and its CLI twin accept the same inputs', () => {
  before(async () => {
    q = await queueRepo(3, YAML);
    leaderMcp = await connect([]);
    instanceMcp.set(1, await connect(['--instance', '1']));
    instanceMcp.set(2, await connect(['--instance', '2']));
    // task-001, for the dependency and task cases.
    const first = await call(leaderMcp, 'create_task', { description: 'the first task', priority: 100 });
    assert.ok(first.ok, first.text);
  });
  after(async () => {
    await Promise.all(clients.map((c) => c.close().catch(() => undefined)));
    q.repo.cleanup();
  });

  test('every tool the server registers has a table here', async () => {
    const { tools } = await leaderMcp.listTools();
    const missing = tools.map((t) => t.name).filter((name) => !(name in PAIRS));
    assert.deepEqual(missing, [], `tools with no twin table in test/mcp-cli-parity.test.ts: ${missing.join(', ')}`);
    const gone = Object.keys(PAIRS).filter((name) => !tools.some((t) => t.name === name));
    assert.deepEqual(gone, [], `tables for tools the server no longer has: ${gone.join(', ')}`);
  });

  for (const [tool, pair] of Object.entries(PAIRS)) {
    test(`${tool} <-> ${pair.twin}`, async () => {
      const drift: string[] = [];
      for (const c of pair.cases) {
        await c.setup?.();
        const outcomes: Outcome[] = [];
        for (const [k, via] of [[1, 'mcp'], [2, 'cli']] as const) {
          const side: Side = { k, worktree: instanceDir(q.repo, k), n: 0, token: 0 };
          await pair.prepare?.(side);
          const outcome = via === 'mcp' ? await call(LEADER_TOOLS.has(tool) ? leaderMcp : instanceMcp.get(1)!, tool, pair.mcp(c.input, side)) : await pair.cli(c.input, side);
          outcomes.push(outcome);
          await pair.cleanup?.(side);
        }
        const [mcp, cli] = outcomes as [Outcome, Outcome];
        const word = (o: Outcome) => (o.ok ? 'accepted' : 'refused');
        const want = c.accept ? 'accepted' : 'refused';
        const show = (o: Outcome) => o.text.trim().replace(/\s+/g, ' ').slice(0, 300);
        if (word(mcp) !== want || word(cli) !== want) drift.push(`${c.name}: want ${want}; MCP ${word(mcp)} (${show(mcp)}); CLI ${word(cli)} (${show(cli)})`);
        else if (c.says && (!c.says.test(mcp.text) || !c.says.test(cli.text))) drift.push(`${c.name}: both ${want}, but not both with ${c.says}: MCP (${show(mcp)}); CLI (${show(cli)})`);
      }
      assert.deepEqual(drift, [], `${tool} and ${pair.twin} disagree:\n${drift.join('\n')}`);
    });
  }
});
