// Issue 15, writes that escape the worktree and work that must stay bounded, through the built CLI:
// symlinks a commit controls (.claude/, CLAUDE.local.md, a folder a .worktreeinclude copy enters,
// the memory bank root) are refused by name; the memory bank keeps the modes its user set; a
// repository path with a newline; checkpoint copies its records without holding the store lock.
import assert from 'node:assert/strict';
import { execa } from 'execa';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { cli, coordinate, git, gitRepo } from './helpers.js';

const outside = realpathSync(mkdtempSync(path.join(tmpdir(), 'wtc-outside-')));
after(() => rmSync(outside, { recursive: true, force: true }));

const modeOf = (file: string) => (statSync(file).mode & 0o777).toString(8);

test('spawn refuses to write through a .claude link (committed) or a CLAUDE.local.md link (copied in by .worktreeinclude), naming it', async () => {
  for (const [name, makeLink] of [
    ['.claude', async (dir: string) => {
      symlinkSync(path.join(outside, 'claude-folder'), path.join(dir, '.claude'));
      await git(dir, ['add', '-A']);
      await git(dir, ['commit', '-q', '-m', 'a .claude link']);
    }],
    ['CLAUDE.local.md', async (dir: string) => {
      writeFileSync(path.join(dir, '.gitignore'), 'CLAUDE.local.md\n');
      writeFileSync(path.join(dir, '.worktreeinclude'), 'CLAUDE.local.md\n');
      await git(dir, ['add', '-A']);
      await git(dir, ['commit', '-q', '-m', 'copy the personal guidance in']);
      symlinkSync(path.join(outside, 'guidance.md'), path.join(dir, 'CLAUDE.local.md'));
    }],
  ] as const) {
    const repo = await gitRepo();
    try {
      mkdirSync(path.join(outside, 'claude-folder'), { recursive: true });
      writeFileSync(path.join(outside, 'guidance.md'), 'someone else\'s file\n');
      await makeLink(repo.dir);
      const result = await cli(repo.dir, ['spawn', '1', '--install', 'none']);
      assert.deepEqual(readdirSync(path.join(outside, 'claude-folder')), [], 'nothing written into the folder the link points at');
      assert.equal(readFileSync(path.join(outside, 'guidance.md'), 'utf8'), 'someone else\'s file\n');
      assert.notEqual(result.exitCode, 0, `spawn wrote through ${name}`);
      assert.match(String(result.stderr), new RegExp(`${name.replace('.', '\\.')} is a symbolic link`));
    } finally {
      repo.cleanup();
    }
  }
});

test('a .worktreeinclude copy refuses a folder that is a link in the base commit', async () => {
  const repo = await gitRepo('app', { 'README.md': '# app\n', '.gitignore': '.env\n', 'config/settings.json': '{}\n', '.worktreeinclude': 'config/.env\n' });
  try {
    writeFileSync(path.join(repo.dir, 'config', '.env'), 'SECRET=1\n');
    await git(repo.dir, ['checkout', '-q', '-b', 'linked']);
    await git(repo.dir, ['rm', '-rq', '--cached', 'config']);
    rmSync(path.join(repo.dir, 'config', 'settings.json'));
    const real = path.join(repo.dir, 'config');
    const keep = path.join(repo.parent, 'config-kept');
    await execa('mv', [real, keep]);
    symlinkSync(outside, real);
    await git(repo.dir, ['add', '-A']);
    await git(repo.dir, ['commit', '-q', '-m', 'config is a link']);
    rmSync(real);
    await git(repo.dir, ['checkout', '-q', 'main']);
    await execa('cp', [path.join(keep, '.env'), path.join(repo.dir, 'config', '.env')]);
    const result = await cli(repo.dir, ['spawn', '1', '--install', 'none', '--base', 'linked']);
    assert.equal(existsSync(path.join(outside, '.env')), false, 'the copy went through the link, outside the worktree');
    assert.notEqual(result.exitCode, 0);
    assert.match(String(result.stderr), /config is a symbolic link/);
  } finally {
    repo.cleanup();
  }
});

test('init refuses a memory bank root that is a link', async () => {
  const repo = await gitRepo();
  try {
    symlinkSync(outside, path.join(repo.dir, 'memory-bank'));
    const result = await cli(repo.dir, ['init']);
    assert.notEqual(result.exitCode, 0);
    assert.match(String(result.stderr), /memory-bank is a symbolic link/);
    assert.equal(existsSync(path.join(outside, 'projectbrief.md')), false);
  } finally {
    repo.cleanup();
  }
});

test('the memory bank keeps the modes its user set: read-only takes only the write bits, a merge keeps each file\'s mode', async () => {
  const repo = await gitRepo();
  try {
    assert.equal((await cli(repo.dir, ['init'])).exitCode, 0);
    const bank = path.join(repo.dir, 'memory-bank');
    writeFileSync(path.join(bank, 'private.md'), 'mine\n');
    writeFileSync(path.join(bank, 'tool.sh'), '#!/bin/sh\n');
    chmodSync(path.join(bank, 'private.md'), 0o600);
    chmodSync(path.join(bank, 'tool.sh'), 0o755);
    chmodSync(path.join(bank, 'systemPatterns.md'), 0o640);
    const spawned = await cli(repo.dir, ['spawn', '1', '--install', 'none']);
    assert.equal(spawned.exitCode, 0, String(spawned.stderr));
    assert.deepEqual([modeOf(path.join(bank, 'private.md')), modeOf(path.join(bank, 'tool.sh'))], ['400', '555'], 'read-only: write bits off, the rest kept');
    const queued = await coordinate(repo, 1, ['update-memory', 'parsers live in src/parse', '--category', 'pattern']);
    assert.equal(queued.exitCode, 0, String(queued.stderr));
    const merged = await cli(repo.dir, ['merge-memory']);
    assert.equal(merged.exitCode, 0, String(merged.stderr));
    assert.match(readFileSync(path.join(bank, 'systemPatterns.md'), 'utf8'), /parsers live in src\/parse/);
    assert.equal(modeOf(path.join(bank, 'systemPatterns.md')), '440', 'the merged file keeps 0640 (read-only now: 0440)');
  } finally {
    repo.cleanup();
  }
});

test('a repository path with a newline: init writes inside that repository, nowhere else', async () => {
  const parent = realpathSync(mkdtempSync(path.join(tmpdir(), 'wtc-nl-')));
  try {
    const dir = path.join(parent, 'my\nrepo', 'app');
    mkdirSync(dir, { recursive: true });
    await execa('git', ['init', '-q', '-b', 'main', dir]);
    for (const [k, v] of Object.entries({ 'user.name': 'T', 'user.email': 't@example.com', 'commit.gpgsign': 'false' })) await execa('git', ['config', k, v], { cwd: dir });
    writeFileSync(path.join(dir, 'README.md'), '# app\n');
    await execa('git', ['add', '-A'], { cwd: dir });
    await execa('git', ['commit', '-q', '-m', 'initial'], { cwd: dir });
    const result = await cli(dir, ['init']);
    assert.equal(result.exitCode, 0, String(result.stderr));
    assert.ok(existsSync(path.join(dir, 'memory-bank', 'projectbrief.md')));
    assert.deepEqual(readdirSync(parent), ['my\nrepo'], 'nothing was made beside the folder with the newline');
  } finally {
    rmSync(parent, { recursive: true, force: true });
  }
});

test('checkpoint copies its records without holding the store lock (only the documents are read under it)', async () => {
  const repo = await gitRepo();
  try {
    assert.equal((await cli(repo.dir, ['init'])).exitCode, 0);
    const coord = path.join(repo.dir, '.git', 'wt-coord');
    mkdirSync(path.join(coord, 'results'), { recursive: true });
    for (let i = 0; i < 4000; i++) writeFileSync(path.join(coord, 'results', `task-${i}.md`), `# result ${i}\n`);
    let done = false;
    const checkpoint = cli(repo.dir, ['checkpoint', 'big']).finally(() => (done = true));
    let lockedWhileCopying = 0;
    let sawCopying = 0;
    const copiedSoFar = () => {
      try {
        const staging = readdirSync(path.join(coord, 'checkpoints')).find((n) => n.startsWith('.tmp-big'));
        return staging ? readdirSync(path.join(coord, 'checkpoints', staging, 'coordination', 'results')).length : 0;
      } catch {
        return 0; // not made yet, or renamed into place just now
      }
    };
    while (!done) {
      // The lock first, then the copy: the checkpoint's last step (an event, under the lock) comes
      // after the copy is renamed into place, so a lock seen before a copy still there was held
      // while copying. The other order counted that last event when this loop was slowed between.
      const locked = existsSync(path.join(coord, '.lock'));
      if (copiedSoFar() > 0) {
        sawCopying++;
        if (locked) lockedWhileCopying++;
      }
      await new Promise((r) => setTimeout(r, 2));
    }
    const result = await checkpoint;
    assert.equal(result.exitCode, 0, String(result.stderr));
    assert.ok(sawCopying > 0, 'the copy was observed');
    assert.equal(lockedWhileCopying, 0, `the store lock was held during ${lockedWhileCopying} of ${sawCopying} looks at the copy`);
  } finally {
    repo.cleanup();
  }
});
