// wt-coord land: after a green integrate the target fast-forwards (or merges) to the integration
// result, the checkout following it; it refuses a partial integrate, a target that moved and an
// integration branch that moved; the landed instances then tear down without --force.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { git, gitRepo, instanceDir, type TempRepo } from './helpers.js';
import { wtc } from './orchestrate-fixtures.js';

async function commit(dir: string, file: string, text: string): Promise<void> {
  mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
  writeFileSync(path.join(dir, file), text);
  await git(dir, ['add', file]);
  await git(dir, ['commit', '-q', '-m', `add ${file}`]);
}

describe('wt-coord land', () => {
  let repo: TempRepo;
  beforeEach(async () => {
    repo = await gitRepo('app', { 'README.md': '# app\n', 'shared.txt': 'base\n' });
    assert.equal((await wtc(repo.dir, ['spawn', '2', '--install', 'none'])).exitCode, 0);
    await commit(instanceDir(repo, 1), 'one.txt', 'one\n');
    await commit(instanceDir(repo, 2), 'two.txt', 'two\n');
  });
  afterEach(() => repo.cleanup());

  test('fast-forwards main to a green integration, the checkout follows; landed instances tear down without --force', async () => {
    assert.equal((await wtc(repo.dir, ['integrate'])).exitCode, 0);
    const integration = await git(repo.dir, ['rev-parse', 'wt/integration']);
    const r = await wtc(repo.dir, ['land']);
    assert.equal(r.exitCode, 0, r.stderr);
    assert.match(r.stdout, /^landed wt\/integration on main \(fast-forward\)/);
    assert.match(r.stderr, /these go without --force: wt-coord teardown 1 2/);
    assert.equal(await git(repo.dir, ['rev-parse', 'main']), integration);
    assert.ok(existsSync(path.join(repo.dir, 'one.txt')) && existsSync(path.join(repo.dir, 'two.txt')), 'the checkout did not follow');
    assert.equal(await git(repo.dir, ['status', '--porcelain']), '');
    const teardown = await wtc(repo.dir, ['teardown', '1', '2']);
    assert.equal(teardown.exitCode, 0, teardown.stderr);
  });

  test('--merge --teardown: a merge commit on main, then the landed instances are gone', async () => {
    assert.equal((await wtc(repo.dir, ['integrate'])).exitCode, 0);
    const before = await git(repo.dir, ['rev-parse', 'main']);
    const r = await wtc(repo.dir, ['land', '--merge', '--teardown']);
    assert.equal(r.exitCode, 0, r.stderr);
    assert.match(r.stdout, /tore down instance-1, instance-2/);
    const parents = (await git(repo.dir, ['rev-list', '--parents', '-n', '1', 'main'])).split(' ');
    assert.equal(parents.length, 3, 'not a merge commit');
    assert.equal(parents[1], before);
    assert.equal(existsSync(instanceDir(repo, 1)), false);
  });

  test('refuses when main moved since integrate ran, and changes nothing', async () => {
    assert.equal((await wtc(repo.dir, ['integrate'])).exitCode, 0);
    await commit(repo.dir, 'late.txt', 'late\n');
    const main = await git(repo.dir, ['rev-parse', 'main']);
    const r = await wtc(repo.dir, ['land']);
    assert.equal(r.exitCode, 4);
    assert.match(r.stderr, /^error: main moved since integrate ran \(from [0-9a-f]{10} to [0-9a-f]{10}\) — /);
    assert.equal(await git(repo.dir, ['rev-parse', 'main']), main);
  });

  test('refuses after an integrate that skipped a branch, and when the integration branch moved', async () => {
    await commit(instanceDir(repo, 1), 'shared.txt', 'one\n');
    await commit(instanceDir(repo, 2), 'shared.txt', 'two\n');
    assert.equal((await wtc(repo.dir, ['integrate'])).exitCode, 4);
    const partial = await wtc(repo.dir, ['land']);
    assert.equal(partial.exitCode, 4);
    assert.match(partial.stderr, /^error: the last integrate into wt\/integration did not land instance-2 \(conflict\) — /);

    await git(repo.dir, ['branch', '-f', 'wt/integration', 'main']);
    const moved = await wtc(repo.dir, ['land']);
    assert.equal(moved.exitCode, 1);
    assert.match(moved.stderr, /^error: wt\/integration moved since integrate ran/);
  });

  test('land: merge in wt-coord.yaml; without an integrate it says so', async () => {
    const none = await wtc(repo.dir, ['land']);
    assert.match(none.stderr, /^error: no integrate into wt\/integration has run — run wt-coord integrate first/);
    writeFileSync(path.join(repo.dir, 'wt-coord.yaml'), 'land: merge\n');
    await git(repo.dir, ['add', 'wt-coord.yaml']);
    await git(repo.dir, ['commit', '-q', '-m', 'config']);
    // main moved before integrate ran: integrate records it, so land may merge.
    assert.equal((await wtc(repo.dir, ['integrate'])).exitCode, 0);
    const r = await wtc(repo.dir, ['land', '--no-teardown']);
    assert.equal(r.exitCode, 0, r.stderr);
    assert.match(r.stdout, /\(merge\)/);
    assert.doesNotMatch(r.stderr, /teardown/);
  });
});
