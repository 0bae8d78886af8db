// The CLI as a shell pipeline sees it: a reader that stops early (`| head`) is not a crash.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { execa } from 'execa';
import { CLI, cli, coordinate, gitRepo, instanceDir, type TempRepo } from './helpers.js';

let repo: TempRepo;
before(async () => {
  repo = await gitRepo();
  // Enough tasks that `task list --json` is far larger than a pipe's buffer (64 KiB).
  const tasks = Array.from({ length: 1500 }, (_, i) => ({ description: `task number ${i + 1} with some words to make the listing long` }));
  const file = path.join(repo.parent, 'tasks.json');
  writeFileSync(file, JSON.stringify({ tasks }));
  assert.equal((await cli(repo.dir, ['task', 'import', file])).exitCode, 0);
});
after(() => repo.cleanup());

test('`wt-coord task list --json | head -c 100` exits 0 and prints no error', async () => {
  const r = await execa('bash', ['-c', `set -o pipefail; "${process.execPath}" "${CLI}" task list --json | head -c 100 >/dev/null`], { cwd: repo.dir, reject: false });
  assert.equal(r.stderr, '', 'the CLI printed an error when its reader stopped early');
  assert.equal(r.exitCode, 0);
});

test('coordinate.sh help lists every verb, each with its summary, in lines a terminal shows whole', async () => {
  const r = await cli(repo.dir, ['spawn', '1', '--install', 'none']);
  assert.equal(r.exitCode, 0, String(r.stderr));
  const help = await coordinate(repo, 1, ['help']);
  const out = String(help.stdout);
  assert.equal(help.exitCode, 0, String(help.stderr));
  const { verbs } = await import('../src/instance/verbs.js');
  for (const [name, spec] of Object.entries(verbs)) {
    assert.ok(out.includes(`  ${spec.usage}\n`), `help does not list ${name}`);
    assert.ok(out.includes(spec.summary), `help does not say what ${name} does`);
  }
  const widest = Math.max(...out.split('\n').map((line) => line.length));
  assert.ok(widest <= 120, `help has a line of ${widest} characters`);
});

test('a repository whose path has spaces, quotes, $ and parentheses: spawn, coordinate.sh, the commit hook and teardown work', async () => {
  const odd = await gitRepo(`it's $HOME (app) "x"`);
  try {
    const spawned = await cli(odd.dir, ['spawn', '1', '--install', 'none']);
    assert.equal(spawned.exitCode, 0, String(spawned.stderr));
    const worktree = instanceDir(odd, 1);
    const whoami = await execa(path.join(worktree, '.claude-instance', 'coordinate.sh'), ['whoami', '--json'], { cwd: '/', reject: false });
    assert.equal(whoami.exitCode, 0, whoami.stderr);
    assert.equal(JSON.parse(whoami.stdout).worktree_path, worktree);
    // The generated pre-commit hook and the Claude Code hook commands embed these paths in shell.
    writeFileSync(path.join(worktree, 'note.txt'), 'hello\n');
    await execa('git', ['add', 'note.txt'], { cwd: worktree });
    const commit = await execa('git', ['commit', '-q', '-m', 'note'], { cwd: worktree, reject: false });
    assert.equal(commit.exitCode, 0, commit.stderr);
    const settings = JSON.parse(readFileSync(path.join(worktree, '.claude', 'settings.local.json'), 'utf8'));
    const hookCommand: string = settings.hooks.UserPromptSubmit[0].hooks[0].command;
    const hook = await execa('bash', ['-c', hookCommand], { cwd: worktree, input: JSON.stringify({ hook_event_name: 'UserPromptSubmit', prompt: 'hi', cwd: worktree }), reject: false });
    assert.equal(hook.exitCode, 0, hook.stderr);
    assert.equal(hook.stderr, '');
    const down = await cli(odd.dir, ['teardown', '--all', '--force']);
    assert.equal(down.exitCode, 0, String(down.stderr));
    assert.equal(existsSync(worktree), false);
  } finally {
    odd.cleanup();
  }
});

test('watch --once in a repository with nothing going on says so instead of printing nothing', async () => {
  const empty = await gitRepo();
  try {
    const r = await cli(empty.dir, ['watch', '--once']);
    assert.equal(r.exitCode, 0, String(r.stderr));
    assert.match(String(r.stdout), /^nothing to show: no instances, path claims or messages yet$/m);
  } finally {
    empty.cleanup();
  }
});
