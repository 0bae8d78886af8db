// Agent integration: guidance files, the .claude/settings.local.json merge, and every Claude Code
// hook fed the documented JSON input (as real processes of the built hook.js), including bad input.
import assert from 'node:assert/strict';
import { execa } from 'execa';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync, mkdirSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { HOOK_MARKER, mergeSettings, parseSettings, wtCoordHooks } from '../src/agents/claude/claude-settings.js';
import { claimPath } from '../src/coord/claims/claims.js';
import { sendMessage } from '../src/coord/messages/messages.js';
import { DIST, cli, git, gitRepo, instanceDir, type TempRepo } from './helpers.js';

const HOOK = path.join(DIST, 'hook.js');

/**
 * Runs a hook with a large input, recording whether writing that input failed: a hook that exits
 * without reading stdin makes Claude Code's write fail (EPIPE), which it reports as a hook error.
 */
function runHookWithLargeInput(repo: TempRepo, k: number, event: string, input: Record<string, unknown>): Promise<{ code: number | null; stdinError: string | null; stdout: string }> {
  const worktree = instanceDir(repo, k);
  const child = spawn(process.execPath, [HOOK, path.join(worktree, '.claude-instance'), event], { cwd: worktree, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdinError: string | null = null;
  let stdout = '';
  child.stdin.on('error', (error: NodeJS.ErrnoException) => {
    stdinError = error.code ?? error.message;
  });
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stdin.end(JSON.stringify(input));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdinError, stdout })));
}

/** Runs a hook as Claude Code does: the command from settings.local.json, JSON on stdin. */
async function runHook(repo: TempRepo, k: number, event: string, input: unknown) {
  const worktree = instanceDir(repo, k);
  const stdin = typeof input === 'string' ? input : JSON.stringify(input);
  return execa(process.execPath, [HOOK, path.join(worktree, '.claude-instance'), event], { input: stdin, cwd: worktree, reject: false });
}

function baseInput(repo: TempRepo, k: number, event: string, extra: Record<string, unknown> = {}) {
  return { session_id: 'abc123', transcript_path: '/tmp/t.jsonl', cwd: instanceDir(repo, k), permission_mode: 'default', hook_event_name: event, ...extra };
}

function contextOf(stdout: string): string {
  const parsed = JSON.parse(stdout) as { hookSpecificOutput: { additionalContext: string } };
  return parsed.hookSpecificOutput.additionalContext;
}

describe('settings.local.json merge (pure)', () => {
  const hooks = wtCoordHooks('/usr/bin/node', '/opt/wt/dist/hook.js', '/w/app-instance-1/.claude-instance');

  test('keeps every key and hook a person wrote, and a re-run does not duplicate ours', () => {
    const existing = {
      permissions: { allow: ['Bash(npm test)'] },
      env: { FOO: '1' },
      hooks: { PreToolUse: [{ matcher: 'Bash', hooks: [{ type: 'command', command: 'my-guard.sh' }] }] },
      enabledMcpjsonServers: ['other'],
    };
    const once = mergeSettings(existing, hooks, 'wt-coord');
    const twice = mergeSettings(JSON.parse(JSON.stringify(once)), hooks, 'wt-coord');
    assert.deepEqual(twice, once);
    assert.deepEqual(once.permissions, existing.permissions);
    assert.deepEqual(once.env, existing.env);
    assert.deepEqual(once.enabledMcpjsonServers, ['other', 'wt-coord']);
    const pre = (once.hooks as Record<string, { matcher?: string; hooks: { command: string }[] }[]>).PreToolUse!;
    assert.equal(pre.length, 2);
    assert.equal(pre[0]!.hooks[0]!.command, 'my-guard.sh');
    assert.equal(pre[1]!.matcher, 'Edit|Write|MultiEdit');
    const all = Object.values(once.hooks as Record<string, { hooks: { command: string; type: string }[] }[]>).flat().flatMap((g) => g.hooks);
    assert.equal(all.filter((h) => h.command.includes(HOOK_MARKER)).length, hooks.length);
    assert.ok(all.every((h) => h.type === 'command'));
  });

  test('refuses a file it cannot keep intact, naming it', () => {
    assert.throws(() => parseSettings('/w/.claude/settings.local.json', '{ "permissions": '), /settings\.local\.json is not valid JSON.*will not overwrite/);
    assert.throws(() => parseSettings('f', '[1,2]'), /not a JSON object/);
    assert.throws(() => parseSettings('f', '{"hooks": {"Stop": {}}}'), /hooks\.Stop is not an array/);
    assert.deepEqual(parseSettings('f', ''), {});
  });
});

describe('spawn writes the agent integration', () => {
  let repo: TempRepo;
  const userSettings = {
    permissions: { allow: ['Bash(ls)'], deny: [] },
    model: 'sonnet',
    hooks: { Stop: [{ hooks: [{ type: 'command', command: 'echo done' }] }] },
  };

  before(async () => {
    // A personal, git-ignored settings.local.json that .worktreeinclude copies into each worktree.
    repo = await gitRepo('app', { 'README.md': '# app\n', '.gitignore': '.claude/settings.local.json\n', '.worktreeinclude': '.claude/settings.local.json\n' });
    mkdirSync(path.join(repo.dir, '.claude'));
    writeFileSync(path.join(repo.dir, '.claude', 'settings.local.json'), JSON.stringify(userSettings, null, 2));
    const result = await cli(repo.dir, ['spawn', '2', '--install', 'none']);
    assert.equal(result.exitCode, 0, String(result.stderr));
  });
  after(() => repo.cleanup());

  test('an existing .claude/settings.local.json keeps all its keys, gains our hooks once', () => {
    const settings = JSON.parse(readFileSync(path.join(instanceDir(repo, 1), '.claude', 'settings.local.json'), 'utf8'));
    // The user's rules first and kept; then the protocol's own (coordinate.sh verbs, the shared views), once.
    assert.deepEqual(settings.permissions.deny, userSettings.permissions.deny);
    assert.equal(settings.permissions.allow[0], 'Bash(ls)');
    assert.deepEqual(settings.permissions.allow.slice(1), [
      `Bash(${path.join(instanceDir(repo, 1), '.claude-instance', 'coordinate.sh')} *)`,
      'Bash(.claude-instance/coordinate.sh *)',
      `Read(/${path.join(repo.dir, 'memory-bank')}/**)`,
      `Read(/${path.join(repo.dir, '.git', 'wt-coord')}/**)`,
    ]);
    assert.equal(settings.model, 'sonnet');
    assert.deepEqual(settings.hooks.Stop[0], userSettings.hooks.Stop[0], "the user's Stop hook is kept, ours comes after it");
    assert.match(settings.hooks.Stop[1].hooks[0].command, new RegExp(`Stop ${HOOK_MARKER}$`));
    for (const event of ['SessionStart', 'UserPromptSubmit', 'PreToolUse', 'PostToolUse']) {
      assert.equal(settings.hooks[event].length, 1, event);
      const command: string = settings.hooks[event][0].hooks[0].command;
      assert.match(command, new RegExp(`hook\\.js' '.*app-instance-1/\\.claude-instance' ${event} ${HOOK_MARKER}$`));
    }
    assert.equal(settings.hooks.PreToolUse[0].matcher, 'Edit|Write|MultiEdit');
    assert.deepEqual(settings.enabledMcpjsonServers, ['wt-coord']);
    // The main checkout's own file is untouched.
    assert.deepEqual(JSON.parse(readFileSync(path.join(repo.dir, '.claude', 'settings.local.json'), 'utf8')), userSettings);
  });

  test('CLAUDE.local.md and .mcp.json are written per instance, and git status stays clean', async () => {
    const worktree = instanceDir(repo, 2);
    const guidance = readFileSync(path.join(worktree, 'CLAUDE.local.md'), 'utf8');
    assert.match(guidance, /You are \*\*instance-2\*\*/);
    assert.ok(guidance.includes(path.join(worktree, '.claude-instance', 'coordinate.sh')), 'the real coordinate.sh path');
    for (const word of ['request-task', 'report-progress', 'update-memory', 'claim', 'inbox', 'complete', 'memory-bank-shared/']) assert.ok(guidance.includes(word), word);
    const mcp = JSON.parse(readFileSync(path.join(worktree, '.mcp.json'), 'utf8'));
    assert.deepEqual(mcp.mcpServers['wt-coord'].args.slice(1), ['mcp', '--instance', '2', '--repo', worktree]);
    assert.equal(mcp.mcpServers['wt-coord'].command, process.execPath);
    assert.equal(existsSync(path.join(worktree, 'AGENTS.md')), false, 'Claude Code gets CLAUDE.local.md, not AGENTS.md');
    assert.equal(await git(worktree, ['status', '--porcelain']), '');
    assert.equal(await git(repo.dir, ['status', '--porcelain']), '');
  });

  test('--agent codex gets AGENTS.md and no Claude Code files; a tracked AGENTS.md is never changed', async () => {
    const codex = await cli(repo.dir, ['spawn', '1', '--install', 'none', '--agent', 'codex']);
    assert.equal(codex.exitCode, 0, String(codex.stderr));
    const worktree = instanceDir(repo, 3);
    assert.match(readFileSync(path.join(worktree, 'AGENTS.md'), 'utf8'), /You are \*\*instance-3\*\*/);
    assert.equal(existsSync(path.join(worktree, '.mcp.json')), false);
    assert.equal(existsSync(path.join(worktree, 'CLAUDE.local.md')), false);
    assert.equal(await git(worktree, ['status', '--porcelain']), '');
  });

  test('a tracked AGENTS.md and .mcp.json are left alone; spawn prints the exact `claude mcp add` command', async () => {
    const tracked = await gitRepo('lib', { 'AGENTS.md': '# our agents doc\n', '.mcp.json': '{"mcpServers":{}}\n', 'README.md': 'x\n' });
    try {
      const codex = await cli(tracked.dir, ['spawn', '1', '--install', 'none', '--agent', 'aider']);
      assert.equal(codex.exitCode, 0, String(codex.stderr));
      assert.equal(readFileSync(path.join(instanceDir(tracked, 1), 'AGENTS.md'), 'utf8'), '# our agents doc\n');
      assert.match(String(codex.stdout), /the project tracks AGENTS\.md/);
      const claude = await cli(tracked.dir, ['spawn', '1', '--install', 'none', '--agent', 'claude']);
      assert.equal(claude.exitCode, 0, String(claude.stderr));
      const worktree = instanceDir(tracked, 2);
      assert.equal(readFileSync(path.join(worktree, '.mcp.json'), 'utf8'), '{"mcpServers":{}}\n');
      assert.ok(String(claude.stdout).includes(`cd '${worktree}' && claude mcp add --scope local wt-coord -- '${process.execPath}' '${path.join(DIST, 'cli.js')}' 'mcp' '--instance' '2' '--repo' '${worktree}'`), String(claude.stdout));
      const settings = JSON.parse(readFileSync(path.join(worktree, '.claude', 'settings.local.json'), 'utf8'));
      assert.equal(settings.enabledMcpjsonServers, undefined, 'no approval for a server that is not in .mcp.json');
      assert.equal(await git(worktree, ['status', '--porcelain']), '');
    } finally {
      tracked.cleanup();
    }
  });

  test('an invalid settings.local.json is refused with its name, never overwritten', async () => {
    const bad = await gitRepo('bad', { 'README.md': 'x\n', '.gitignore': '.claude/settings.local.json\n', '.worktreeinclude': '.claude/settings.local.json\n' });
    try {
      mkdirSync(path.join(bad.dir, '.claude'));
      writeFileSync(path.join(bad.dir, '.claude', 'settings.local.json'), '{ "permissions": ');
      const result = await cli(bad.dir, ['spawn', '1', '--install', 'none']);
      assert.notEqual(result.exitCode, 0);
      assert.match(String(result.stderr), /settings\.local\.json is not valid JSON.*wt-coord will not overwrite it/);
      assert.equal(readFileSync(path.join(bad.dir, '.claude', 'settings.local.json'), 'utf8'), '{ "permissions": ');
    } finally {
      bad.cleanup();
    }
  });
});

describe('hooks, fed the documented input', () => {
  let repo: TempRepo;
  let coordDir: string;
  before(async () => {
    repo = await gitRepo();
    const result = await cli(repo.dir, ['spawn', '2', '--install', 'none']);
    assert.equal(result.exitCode, 0, String(result.stderr));
    coordDir = path.join(repo.dir, '.git', 'wt-coord');
  });
  after(() => repo.cleanup());

  test('SessionStart: who you are, your task, unread messages, the memory bank', async () => {
    const task = await cli(repo.dir, ['task', 'add', 'Write the parser', '-p', '1']);
    assert.equal(task.exitCode, 0, String(task.stderr));
    const claim = await execa(path.join(instanceDir(repo, 1), '.claude-instance', 'coordinate.sh'), ['request-task'], { reject: false });
    assert.equal(claim.exitCode, 0, String(claim.stderr));
    await sendMessage(coordDir, { from: 'instance-2', to: 'instance-1', type: 'question', body: 'where is the db config?', requires_response: true });
    const result = await runHook(repo, 1, 'SessionStart', baseInput(repo, 1, 'SessionStart', { source: 'startup' }));
    assert.equal(result.exitCode, 0, String(result.stderr));
    const output = JSON.parse(result.stdout);
    assert.equal(output.hookSpecificOutput.hookEventName, 'SessionStart');
    const context: string = output.hookSpecificOutput.additionalContext;
    assert.match(context, /You are instance-1/);
    assert.match(context, /Your task: task-001 .*Write the parser/);
    assert.match(context, /Unread messages for instance-1 \(1\):\n.*instance-2 -> you \[question\] where is the db config\?/);
    assert.match(context, /reply: .*coordinate\.sh answer m\d+/);
    assert.match(context, /projectbrief\.md/);
  });

  test('UserPromptSubmit and PostToolUse: nothing when nothing is new, the message once when one arrives', async () => {
    // SessionStart above showed the question: it is not new any more.
    for (const event of ['UserPromptSubmit', 'PostToolUse']) {
      const quiet = await runHook(repo, 1, event, baseInput(repo, 1, event, event === 'UserPromptSubmit' ? { prompt: 'go on' } : { tool_name: 'Bash', tool_input: { command: 'ls' }, tool_response: {} }));
      assert.equal(quiet.exitCode, 0, quiet.stderr);
      assert.equal(quiet.stdout, '', `${event} prints nothing when nothing is new`);
    }
    await sendMessage(coordDir, { from: 'leader', to: 'broadcast', type: 'alert', body: 'main is frozen for release', priority: 'urgent' });
    const news = await runHook(repo, 1, 'UserPromptSubmit', baseInput(repo, 1, 'UserPromptSubmit', { prompt: 'continue' }));
    assert.equal(news.exitCode, 0, news.stderr);
    const output = JSON.parse(news.stdout);
    assert.equal(output.hookSpecificOutput.hookEventName, 'UserPromptSubmit');
    assert.match(output.hookSpecificOutput.additionalContext, /New message for instance-1 .*\(1\):\nm\d+ .* leader -> broadcast \[alert, urgent\] main is frozen for release/);
    const again = await runHook(repo, 1, 'UserPromptSubmit', baseInput(repo, 1, 'UserPromptSubmit', { prompt: 'and again' }));
    assert.equal(again.stdout, '', 'a message is injected once');
    // The other instance gets the broadcast through PostToolUse.
    const other = await runHook(repo, 2, 'PostToolUse', baseInput(repo, 2, 'PostToolUse', { tool_name: 'Edit', tool_input: { file_path: 'x' }, tool_response: {} }));
    assert.equal(JSON.parse(other.stdout).hookSpecificOutput.hookEventName, 'PostToolUse');
    assert.match(contextOf(other.stdout), /main is frozen for release/);
    // A message between other instances is not news for instance-1: still nothing printed.
    await sendMessage(coordDir, { from: 'instance-2', to: 'leader', type: 'status', body: 'halfway' });
    const notMine = await runHook(repo, 1, 'PostToolUse', baseInput(repo, 1, 'PostToolUse', { tool_name: 'Read', tool_input: {}, tool_response: {} }));
    assert.equal(notMine.stdout, '');
  });

  test('PreToolUse: a write into memory-bank-shared/ is denied, pointing to update-memory', async () => {
    for (const [tool, file] of [['Write', 'memory-bank-shared/systemPatterns.md'], ['Edit', path.join(instanceDir(repo, 1), 'memory-bank-shared', 'projectbrief.md')], ['MultiEdit', path.join(repo.dir, 'memory-bank', 'requirements.md')]] as const) {
      const result = await runHook(repo, 1, 'PreToolUse', baseInput(repo, 1, 'PreToolUse', { tool_name: tool, tool_input: { file_path: file, content: 'x' } }));
      assert.equal(result.exitCode, 0, String(result.stderr));
      const out = JSON.parse(result.stdout).hookSpecificOutput;
      assert.equal(out.hookEventName, 'PreToolUse');
      assert.equal(out.permissionDecision, 'deny', `${tool} ${file}`);
      assert.match(out.permissionDecisionReason, /memory-bank-shared\/ is read-only .*coordinate\.sh update-memory/);
    }
  });

  test('PreToolUse: a path another instance claimed is allowed with a warning; an unclaimed or own path says nothing', async () => {
    await claimPath(coordDir, 2, 'src/api/', 'adding pagination');
    const claimed = await runHook(repo, 1, 'PreToolUse', baseInput(repo, 1, 'PreToolUse', { tool_name: 'Edit', tool_input: { file_path: path.join(instanceDir(repo, 1), 'src/api/users.ts'), old_string: 'a', new_string: 'b' } }));
    assert.equal(claimed.exitCode, 0, claimed.stderr);
    const out = JSON.parse(claimed.stdout);
    assert.equal(out.hookSpecificOutput.permissionDecision, undefined, 'a warning, not a decision');
    assert.match(out.hookSpecificOutput.additionalContext, /src\/api\/users\.ts is inside src\/api\/, claimed by instance-2 \("adding pagination"\)/);
    assert.match(out.systemMessage, /claimed by instance-2/);
    const own = await runHook(repo, 2, 'PreToolUse', baseInput(repo, 2, 'PreToolUse', { tool_name: 'Write', tool_input: { file_path: 'src/api/users.ts', content: '' } }));
    assert.equal(own.stdout, '');
    const free = await runHook(repo, 1, 'PreToolUse', baseInput(repo, 1, 'PreToolUse', { tool_name: 'Write', tool_input: { file_path: 'src/cli.ts', content: '' } }));
    assert.equal(free.stdout, '');
    assert.equal(free.exitCode, 0);
  });

  test('every hook reads its whole input, so Claude Code\'s write of a large one never fails (EPIPE)', async () => {
    const big = 'A'.repeat(2_000_000); // a PostToolUse after a large Read carries the whole file
    await runHook(repo, 1, 'UserPromptSubmit', baseInput(repo, 1, 'UserPromptSubmit', { prompt: 'take the news' }));
    const quiet = await runHookWithLargeInput(repo, 1, 'PostToolUse', baseInput(repo, 1, 'PostToolUse', { tool_name: 'Read', tool_input: { file_path: 'big.txt' }, tool_response: { content: big } }));
    assert.deepEqual(quiet, { code: 0, stdinError: null, stdout: '' }, 'nothing new: the cheap path');
    await sendMessage(coordDir, { from: 'instance-2', to: 'instance-1', type: 'status', body: 'big news' });
    const news = await runHookWithLargeInput(repo, 1, 'PostToolUse', baseInput(repo, 1, 'PostToolUse', { tool_name: 'Read', tool_input: { file_path: 'big.txt' }, tool_response: { content: big } }));
    assert.equal(news.stdinError, null);
    assert.match(contextOf(news.stdout), /big news/);
    for (const event of ['SessionStart', 'UserPromptSubmit', 'PreToolUse', 'Stop']) {
      const result = await runHookWithLargeInput(repo, 2, event, baseInput(repo, 2, event, { prompt: big, tool_name: 'Write', tool_input: { file_path: 'src/x.ts', content: big } }));
      assert.equal(result.code, 0, event);
      assert.equal(result.stdinError, null, `${event}: the hook exited before reading its input`);
    }
  });

  test('PreToolUse: a path that reaches the memory bank through a link is denied (real paths are compared)', async () => {
    const worktree = instanceDir(repo, 1);
    symlinkSync(path.join(repo.dir, 'memory-bank'), path.join(worktree, 'notes'));
    for (const file of ['notes/systemPatterns.md', path.join('..', path.basename(instanceDir(repo, 2)), 'memory-bank-shared', 'projectbrief.md')]) {
      const result = await runHook(repo, 1, 'PreToolUse', baseInput(repo, 1, 'PreToolUse', { tool_name: 'Write', tool_input: { file_path: file, content: 'x' } }));
      assert.equal(JSON.parse(result.stdout).hookSpecificOutput.permissionDecision, 'deny', file);
    }
  });

  test('PreToolUse: input the guard cannot check (over 8 MiB, not JSON) is denied, not waved through', async () => {
    const huge = await runHookWithLargeInput(repo, 1, 'PreToolUse', baseInput(repo, 1, 'PreToolUse', { tool_name: 'Write', tool_input: { file_path: 'memory-bank-shared/systemPatterns.md', content: 'A'.repeat(9 * 1024 * 1024) } }));
    assert.equal(huge.code, 0);
    assert.equal(huge.stdinError, null);
    const out = JSON.parse(huge.stdout).hookSpecificOutput;
    assert.equal(out.permissionDecision, 'deny');
    assert.match(out.permissionDecisionReason, /over the 8 MiB/);
    const garbage = await runHook(repo, 1, 'PreToolUse', 'not json {');
    assert.equal(garbage.exitCode, 0);
    assert.equal(JSON.parse(garbage.stdout).hookSpecificOutput.permissionDecision, 'deny');
  });

  test('bad input: empty, not JSON, unknown event, no instance: exit 0, a note on stderr; only the write guard refuses', async () => {
    const empty = await runHook(repo, 1, 'PreToolUse', '');
    assert.equal(empty.exitCode, 0);
    assert.equal(empty.stdout, '');
    const garbage = await runHook(repo, 1, 'UserPromptSubmit', 'not json {');
    assert.equal(garbage.exitCode, 0);
    assert.equal(garbage.stdout, '');
    const array = await runHook(repo, 1, 'PreToolUse', '[1,2]');
    assert.equal(array.exitCode, 0);
    assert.match(array.stderr, /not an object/);
    const unknown = await runHook(repo, 1, 'Frobnicate', { hook_event_name: 'Frobnicate', message: 'hi' });
    assert.equal(unknown.exitCode, 0);
    assert.equal(unknown.stdout, '');
    assert.match(unknown.stderr, /unknown hook event "Frobnicate"/);
    // The event from stdin when the command names none.
    const fromStdin = await execa(process.execPath, [HOOK, path.join(instanceDir(repo, 1), '.claude-instance')], { input: JSON.stringify({ hook_event_name: 'Frobnicate' }), reject: false });
    assert.equal(fromStdin.exitCode, 0);
    assert.match(fromStdin.stderr, /unknown hook event "Frobnicate"/);
    const nowhere = await execa(process.execPath, [HOOK, path.join(repo.parent, 'nope'), 'SessionStart'], { input: '{}', reject: false });
    assert.equal(nowhere.exitCode, 0, 'wt-coord failing never blocks the agent');
    assert.equal(nowhere.stdout, '');
    assert.match(nowhere.stderr, /wt-coord hook: .*info\.json is missing/);
  });
});
