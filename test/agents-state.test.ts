// The agent-neutral state machinery and Claude Code's parts of it, without running an agent:
// pane readings of screens captured from the real binary (test/fixtures/claude-panes/), how hooks
// and pane combine, the prompt after `--`, preflight against a private HOME, the 0600 env file,
// token usage from a transcript. The real binary is driven in claude-code*.slow.test.ts.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import { ROOT } from './helpers.js';
import { claudeDriver } from '../src/agents/claude/driver.js';
import { readClaudePane } from '../src/agents/claude/pane.js';
import { claudePreflight } from '../src/agents/claude/preflight.js';
import { stateForHook } from '../src/agents/claude/hooks/hook-state.js';
import { transcriptUsage } from '../src/agents/claude/usage.js';
import { combine } from '../src/agents/observe/combine.js';
import { WaitAlerts } from '../src/agents/observe/wait-alerts.js';
import { readStateRaw, recordState } from '../src/agents/state/state-file.js';
import { envFileText, writeEnvFile } from '../src/agents/launch/env-file.js';
import { splitCommandLine } from '../src/agents/agent-command.js';
import { claudeConfig, FAKE_API_KEY } from './support/claude-home.js';

const pane = (name: string) => readFileSync(path.join(ROOT, 'test/fixtures/claude-panes', `${name}.txt`), 'utf8');

describe("Claude Code's screen", () => {
  test('each captured screen reads as its state; only the empty input box is idle', () => {
    assert.deepEqual({ ...readClaudePane(pane('pane-trust')), detail: undefined }, { state: 'waiting-dialog', dialog: 'trust', detail: undefined, idle: false });
    assert.equal(readClaudePane(pane('pane-apikey')).dialog, 'api-key');
    const permission = readClaudePane(pane('pane-permission'));
    assert.equal(permission.state, 'waiting-permission');
    assert.equal(permission.tool, 'Bash: .claude-instance/coordinate.sh request-task');
    assert.equal(readClaudePane(pane('pane-ratelimit')).state, 'rate-limited');
    assert.deepEqual(readClaudePane(pane('pane-working')), { state: 'working', idle: false });
    assert.deepEqual(readClaudePane(pane('pane-idle')), { state: 'idle', idle: true, input: '' });
    // An earlier nudge shows in the conversation with the same "❯": only the input box counts.
    assert.deepEqual(readClaudePane(pane('pane-idle-after-nudge')), { state: 'idle', idle: true, input: '' });
    assert.deepEqual(readClaudePane(''), { state: null, idle: false });
  });
});

describe('hooks and pane together', () => {
  const at = (msAgo: number) => new Date(Date.now() - msAgo).toISOString();
  const hook = (state: 'working' | 'idle' | 'waiting-permission' | 'starting', msAgo = 0) => ({ state, since: at(msAgo), at: at(msAgo), source: 'test', tool: state === 'waiting-permission' ? 'Bash: x' : null, dialog: null, detail: null });
  test('a dialog on screen wins over any hook; a fresh hook wins over the pane for working/idle; a stale one does not', () => {
    assert.equal(combine(hook('working'), readClaudePane(pane('pane-trust')), Date.now()).state, 'waiting-dialog');
    assert.equal(combine(null, readClaudePane(pane('pane-trust')), Date.now()).state, 'waiting-dialog');
    assert.equal(combine(hook('working'), readClaudePane(pane('pane-idle')), Date.now()).state, 'working');
    assert.equal(combine(hook('working', 10_000), readClaudePane(pane('pane-idle')), Date.now()).state, 'idle');
    const answered = combine(hook('waiting-permission'), readClaudePane(pane('pane-working')), Date.now());
    assert.equal(answered.state, 'working', 'a prompt answered in the pane is no longer waited on');
    assert.equal(combine(hook('waiting-permission'), readClaudePane(pane('pane-permission')), Date.now()).tool, 'Bash: x', "the hook's tool is kept");
    assert.equal(combine(hook('starting'), null, Date.now()).state, 'starting');
    assert.equal(combine(hook('starting'), readClaudePane(pane('pane-idle')), Date.now()).state, 'starting', 'a fresh start is not idle yet: the prompt is on its way');
  });

  test('hook events map to states; the same state again keeps its since and writes nothing', async () => {
    assert.equal(stateForHook('PermissionRequest', { tool_name: 'Bash', tool_input: { command: 'npm publish\nmore' } })?.tool, 'Bash: npm publish');
    assert.equal(stateForHook('Notification', { notification_type: 'idle_prompt' })?.state, 'idle');
    assert.equal(stateForHook('Notification', { notification_type: 'permission_prompt' }), null);
    assert.equal(stateForHook('StopFailure', { error: 'rate_limit' })?.state, 'rate-limited');
    assert.equal(stateForHook('SessionEnd', { reason: 'other' })?.state, 'exited');
    assert.equal(stateForHook('PostToolUse', {})?.state, 'working');
    const dir = mkdtempSync(path.join(tmpdir(), 'wtc-state-'));
    recordState(dir, 'instance-1', { state: 'working', source: 'a' }, new Date(1_000));
    recordState(dir, 'instance-1', { state: 'working', source: 'b' }, new Date(5_000));
    assert.equal(readStateRaw(dir, 'instance-1')?.source, 'a');
    recordState(dir, 'instance-1', { state: 'idle', source: 'Stop' }, new Date(9_000));
    assert.equal(readStateRaw(dir, 'instance-1')?.since, new Date(9_000).toISOString());
  });
});

describe('launching Claude Code', () => {
  test('the prompt comes after -- (so variadic options cannot take it), a resumed session before it', () => {
    const argv = ['/bin/claude', ...splitCommandLine("--permission-mode acceptEdits --allowedTools 'Bash(git add *)' 'Bash(git commit *)'")];
    const instance = {} as never;
    assert.deepEqual(claudeDriver.launchArgs({ argv, prompt: 'do it', instance, resumeSession: null }).slice(-3), ['Bash(git commit *)', '--', 'do it']);
    assert.deepEqual(claudeDriver.launchArgs({ argv, prompt: 'go on', instance, resumeSession: 'abc' }).slice(-4), ['--resume', 'abc', '--', 'go on']);
  });

  test('the environment file is 0600 and quotes every value', async () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'wtc-env-')), 'instance-1.env');
    await writeEnvFile(file, { ANTHROPIC_API_KEY: "sk-'x' $y", 'BAD-NAME': 'dropped' });
    assert.equal(statSync(file).mode & 0o777, 0o600);
    assert.equal(readFileSync(file, 'utf8'), `export ANTHROPIC_API_KEY='sk-'\\''x'\\'' $y'\n`);
    assert.equal(envFileText({}), '\n');
  });

  test('preflight names what would stop Claude Code at its first screen, with the fix', async () => {
    const home = mkdtempSync(path.join(tmpdir(), 'wtc-home-'));
    const env = { HOME: home, ANTHROPIC_API_KEY: FAKE_API_KEY };
    const main = '/work/app';
    const check = async (config: Record<string, unknown> | null, extra: Record<string, string> = {}, argv = ['claude', '--permission-mode', 'acceptEdits']) => {
      if (config) writeFileSync(path.join(home, '.claude.json'), JSON.stringify(config));
      return (await claudePreflight({ mainRepo: main, env: { ...env, ...extra }, argv })).map((p) => p.problem);
    };
    assert.deepEqual(await check(claudeConfig({ trusted: [main] })), []);
    assert.deepEqual(await check(claudeConfig({ trusted: ['/work'] })), [], 'a trusted parent covers the main checkout');
    assert.match((await check(claudeConfig({ trusted: [] })))[0]!, /does not trust the main checkout \/work\/app/);
    assert.match((await check(claudeConfig({ trusted: [main], approvedKey: null })))[0]!, /would ask whether to use the API key ending in …eyAA/);
    assert.match((await check(claudeConfig({ trusted: [main], onboarded: false })))[0]!, /first-run setup is not done/);
    assert.match((await check(claudeConfig({ trusted: [main] }), { ANTHROPIC_API_KEY: '' }))[0]!, /no credentials/);
    assert.match((await check(claudeConfig({ trusted: [main] }), { ANTHROPIC_BASE_URL: 'http://127.0.0.1:9' }, ['claude']))[0]!, /auto mode/);
  });

  test('usage counts each message of a transcript once', async () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'wtc-tr-')), 't.jsonl');
    const line = (id: string, input: number, output: number) => JSON.stringify({ type: 'assistant', message: { id, usage: { input_tokens: input, output_tokens: output, cache_read_input_tokens: 1 } } });
    writeFileSync(file, [line('m1', 100, 5), line('m1', 100, 7), JSON.stringify({ type: 'user', message: { usage: { input_tokens: 999 } } }), line('m2', 50, 3), '{"torn'].join('\n'));
    assert.deepEqual(await transcriptUsage(file), { input_tokens: 150, output_tokens: 10, cache_read_input_tokens: 2, cache_creation_input_tokens: 0 });
    assert.equal(await transcriptUsage(path.join(tmpdir(), 'missing.jsonl')), null);
  });
});

describe('waiting for a person', () => {
  test('one alert per wait, after the set time, through the command (with the details in its environment)', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'wtc-alert-'));
    const out = path.join(dir, 'alerts.txt');
    const alerts = new WaitAlerts(dir, { afterMs: 60_000, command: `printf '%s|%s|%s\\n' "$WT_COORD_ALERT_INSTANCE" "$WT_COORD_ALERT_STATE" "$WT_COORD_ALERT_TOOL" >> '${out}'`, bell: false, channel: false });
    const since = new Date(Date.now() - 90_000).toISOString();
    const agent = { instance: 2, name: 'instance-2', kind: 'claude', state: 'waiting-permission' as const, since, tool: 'Bash: npm publish', dialog: null, detail: null, exit_code: null, waiting_for_person: true, action: 'wt-coord attach instance-2', session_id: null };
    assert.deepEqual(await alerts.check([{ ...agent, since: new Date().toISOString() }]), [], 'not yet: under the set time');
    const lines = await alerts.check([agent]);
    assert.equal(lines.length, 1);
    assert.match(lines[0]!, /^alert: instance-2 waiting for permission \(Bash: npm publish\) for 9\ds: wt-coord attach instance-2$/);
    assert.deepEqual(await alerts.check([agent]), [], 'the same wait alerts once');
    const { waitFor } = await import('./support/claude-run.js');
    await waitFor('the alert command', () => (existsSync(out) ? readFileSync(out, 'utf8') : null), 10_000);
    assert.equal(readFileSync(out, 'utf8'), 'instance-2|waiting-permission|Bash: npm publish\n');
  });

  test('the alert is a low-priority line on #alerts (it wakes no agent), once per wait', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'wtc-alert-'));
    const alerts = new WaitAlerts(dir, { afterMs: 1_000, bell: false });
    const since = new Date(Date.now() - 5_000).toISOString();
    const agent = { instance: 1, name: 'instance-1', kind: 'claude', state: 'waiting-dialog' as const, since, tool: null, dialog: 'trust', detail: null, exit_code: null, waiting_for_person: true, action: 'wt-coord attach instance-1', session_id: null };
    assert.equal((await alerts.check([agent])).length, 1);
    assert.deepEqual(await alerts.check([agent]), []);
    const lines = readFileSync(path.join(dir, 'messages.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    assert.equal(lines.length, 1, 'one line for one wait');
    assert.deepEqual([lines[0].from, lines[0].to, lines[0].type, lines[0].priority], ['leader', '#alerts', 'alert', 'low']);
    assert.match(lines[0].body, /^alert: instance-1 .*wt-coord attach instance-1$/);
  });
});
