// The Codex agent kind without the binary: the launch it generates, the hook trust it computes,
// what preflight refuses, what it reads from a pane. test/agents-codex.slow.test.ts drives the real
// Codex with all of it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { codexArguments, codexWritableRoots } from '../src/agents/codex/launch.js';
import { hookTrustHash } from '../src/agents/codex/hooks.js';
import { codexPreflight } from '../src/agents/codex/preflight.js';
import { readCodexPane } from '../src/agents/codex/pane.js';
import { parseCodexSettings, recordTrust, setting } from '../src/agents/codex/codex-config.js';

function scratch(): { dir: string; done: () => void } {
  const dir = realpathSync(mkdtempSync(path.join(tmpdir(), 'wtc-codex-')));
  return { dir, done: () => rmSync(dir, { recursive: true, force: true }) };
}

test('the trust hash is the one Codex 0.169.0 recorded on "Trust all and continue" for the same hook', () => {
  // Recorded from the real binary: [hooks.state."…/hooks.json:user_prompt_submit:0:0"] for this handler (no timeout: 600).
  const command = `echo UPS >> /work/codex-test-tmp/exp/hooklog; echo '{"hookSpecificOutput":{"hookEventName":"UserPromptSubmit","additionalContext":"CTX-PROMPT"}}'`;
  assert.equal(hookTrustHash({ event: 'UserPromptSubmit', command, timeout: 600 }), 'sha256:b52078fc39a31601d47528dabc7d5250de5d688b3736e8602800dceba1be5b10');
  assert.notEqual(hookTrustHash({ event: 'UserPromptSubmit', command, timeout: 10 }), hookTrustHash({ event: 'UserPromptSubmit', command, timeout: 600 }));
});

test('the launch: workspace-write sandbox, never asking, no daemon, and exactly the writable roots the protocol needs', () => {
  const s = scratch();
  try {
    const common = path.join(s.dir, 'app', '.git');
    const admin = path.join(common, 'worktrees', 'app-instance-1');
    const worktree = path.join(s.dir, 'app-instance-1');
    mkdirSync(admin, { recursive: true });
    mkdirSync(worktree, { recursive: true });
    writeFileSync(path.join(worktree, '.git'), `gitdir: ${admin}\n`);
    const input = { worktree, commonDir: common, coordDir: path.join(common, 'wt-coord'), kitDir: path.join(worktree, '.claude-instance'), nodePath: '/usr/bin/node', hookEntry: '/opt/wt/dist/hook.js', mcpServer: { name: 'wt-coord', command: '/usr/bin/node', args: ['/opt/wt/dist/cli.js', 'mcp', '--instance', '1'] } };
    assert.deepEqual(codexWritableRoots(input), [path.join(common, 'wt-coord'), path.join(common, 'objects'), path.join(common, 'refs'), path.join(common, 'logs'), admin]);
    const args = codexArguments(input);
    assert.deepEqual(args.slice(0, 5), ['--no-daemon', '--sandbox', 'workspace-write', '--ask-for-approval', 'never']);
    assert.equal(args.filter((a) => a === '--add-dir').length, 5);
    for (const banned of ['--dangerously-bypass-approvals-and-sandbox', '--full-auto', 'danger-full-access', '--search']) assert.ok(!args.includes(banned), banned);
    assert.ok(!args.some((a) => /network_access|sandbox_workspace_write/.test(a)), 'no network widening');
    const state = args[args.indexOf(args.find((a) => a.startsWith('hooks.state='))!)]!;
    for (const event of ['session_start', 'user_prompt_submit', 'post_tool_use', 'permission_request', 'stop']) assert.match(state, new RegExp(`"/<session-flags>/config.toml:${event}:0:0"=\\{trusted_hash="sha256:[0-9a-f]{64}"\\}`));
    assert.ok(args.includes('mcp_servers.wt-coord.default_tools_approval_mode="approve"'));
  } finally {
    s.done();
  }
});

test('preflight: not logged in, an undefined provider, an unset key variable, --full-auto, an untrusted root; each with its fix', async () => {
  const s = scratch();
  try {
    const home = path.join(s.dir, 'home');
    mkdirSync(home);
    const env = { CODEX_HOME: home };
    const repo = path.join(s.dir, 'app');
    const run = (argv = ['/x/codex'], extra: NodeJS.ProcessEnv = {}) => codexPreflight({ mainRepo: repo, env: { ...env, ...extra }, argv });

    let problems = await run();
    assert.deepEqual(problems.map((p) => p.problem.split(' (')[0]!.split(':')[0]), ['Codex is not logged in', `Codex does not trust ${repo} yet`]);
    assert.match(problems[0]!.fix, /codex login/);
    assert.equal(problems[1]!.trustable, true);
    assert.match(problems[1]!.fix, /^run `wt-coord trust --agent codex` \(it asks you first\), or run `codex` once in .* "Trust and continue"$/);

    writeFileSync(path.join(home, 'config.toml'), 'model_provider = "gw"\n');
    assert.match((await run())[0]!.problem, /no \[model_providers\.gw\]/);
    writeFileSync(path.join(home, 'config.toml'), 'model_provider = "gw"\n[model_providers.gw]\nbase_url = "https://llm.example.com/v1"\nenv_key = "GW_KEY"\n');
    assert.match((await run())[0]!.problem, /\$GW_KEY, which is not set/);
    assert.deepEqual((await run(['/x/codex'], { GW_KEY: 'k' })).map((p) => p.trustable), [true]);
    assert.match((await run(['/x/codex', '--full-auto'], { GW_KEY: 'k' }))[0]!.fix, /no --full-auto/);

    await recordTrust(home, repo);
    assert.deepEqual(await run(['/x/codex'], { GW_KEY: 'k' }), []);
    assert.equal(setting(parseCodexSettings(readFileSync(path.join(home, 'config.toml'), 'utf8')), ['projects', repo], 'trust_level'), 'trusted');

    writeFileSync(path.join(home, 'config.toml'), `[projects."${repo}"]\ntrust_level = "untrusted"\n`);
    const refused = (await run(['/x/codex'], { OPENAI_API_KEY: 'k' }))[0]!;
    assert.equal(refused.trustable, undefined, 'an explicit "untrusted" is not overruled');
  } finally {
    s.done();
  }
});

test('recording trust keeps the file: into an existing table for the folder (a table appears once), else a new one at the end', async () => {
  const s = scratch();
  try {
    const repo = path.join(s.dir, 'app');
    writeFileSync(path.join(s.dir, 'config.toml'), `model = "m"\n\n[projects."${repo}"]\nnote = "mine"\n\n[tui]\nx = true\n`);
    await recordTrust(s.dir, repo);
    const text = readFileSync(path.join(s.dir, 'config.toml'), 'utf8');
    assert.equal(text, `model = "m"\n\n[projects."${repo}"]\ntrust_level = "trusted"\nnote = "mine"\n\n[tui]\nx = true\n`);
    const other = path.join(s.dir, 'other');
    await recordTrust(s.dir, other);
    assert.ok(readFileSync(path.join(s.dir, 'config.toml'), 'utf8').endsWith(`x = true\n\n[projects."${other}"]\ntrust_level = "trusted"\n`));
  } finally {
    s.done();
  }
});

test('the pane: first screens and approvals are dialogs, the empty composer is idle, a turn is working', () => {
  assert.deepEqual(readCodexPane('  Folder access\n  Trust this folder? Codex can read, edit…\n› 1. Trust and continue'), { state: 'waiting-dialog', dialog: 'trust', detail: 'Codex asks whether to trust this folder', idle: false });
  assert.equal(readCodexPane('  Meet GPT-6 Sol\n› 1. Try new model\n  2. Use existing model').dialog, 'model-migration');
  assert.equal(readCodexPane('  Hooks need review\n  4 hooks are new or changed.').dialog, 'hooks');
  assert.deepEqual(readCodexPane('• Working (13s • esc to interrupt)\n› Ask Codex to do anything\n  ← for agents · ? for shortcuts'), { state: 'working', idle: false });
  assert.deepEqual(readCodexPane('• No task left: stopping.\n  Worked for 30s\n› Ask Codex to do anything\n  ← for agents · ? for shortcuts'), { state: 'idle', idle: true });
});
