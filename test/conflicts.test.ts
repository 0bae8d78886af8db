// The conflict forecast where users see it: `wt-coord conflicts` and the markers in `status`
// (files with --verbose, the whole forecast in --json), recomputed only for a branch that moved.
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { git, gitRepo, instanceDir, type TempRepo } from './helpers.js';
import { wtc } from './orchestrate-fixtures.js';

async function commit(dir: string, file: string, text: string): Promise<void> {
  mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
  writeFileSync(path.join(dir, file), text);
  await git(dir, ['add', '-A']);
  await git(dir, ['commit', '-q', '-m', `change ${file}`]);
}

describe('conflicts and status markers', () => {
  let repo: TempRepo;
  before(async () => {
    repo = await gitRepo('app', { 'README.md': '# app\n', 'api.txt': 'v1\n', 'ui.txt': 'old\n' });
    assert.equal((await wtc(repo.dir, ['spawn', '3', '--install', 'none'])).exitCode, 0);
    await commit(instanceDir(repo, 1), 'api.txt', 'v2 by one\n');
    await commit(instanceDir(repo, 2), 'docs.txt', 'docs\n');
    await commit(instanceDir(repo, 3), 'api.txt', 'v2 by three\n');
    // main moves on: instance-2's new file now collides with main's.
    await commit(repo.dir, 'docs.txt', 'main docs\n');
  });
  after(() => repo.cleanup());

  test('wt-coord conflicts: each branch into main, each pair, with the files', async () => {
    const r = await wtc(repo.dir, ['conflicts']);
    assert.equal(r.exitCode, 0, r.stderr);
    assert.match(r.stdout, /^into main \([0-9a-f]{10}\):$/m);
    assert.match(r.stdout, /^ {2}instance-1 {2}wt\/instance-1 {2}clean$/m);
    assert.match(r.stdout, /^ {2}instance-2 {2}wt\/instance-2 {2}CONFLICT in docs\.txt \(add\/add\)$/m);
    assert.match(r.stdout, /^between instances: 1 of 3 pair\(s\) conflict$/m);
    assert.match(r.stdout, /^ {2}instance-1 \+ instance-3: CONFLICT in api\.txt \(content\)$/m);
  });

  test('status: a marker per instance; --verbose names the files; --json holds the forecast', async () => {
    const plain = await wtc(repo.dir, ['status']);
    assert.match(plain.stdout, /^instance-1 .*CONFLICTS with instance-3 /m);
    assert.match(plain.stdout, /^instance-2 .*CONFLICTS with main /m);
    assert.doesNotMatch(plain.stdout, /conflicts with .* in /, 'files only with --verbose');
    const verbose = await wtc(repo.dir, ['status', '--verbose']);
    assert.match(verbose.stdout, /^instance-3 .*\n {4}conflicts with instance-1 in api\.txt \(content\)$/m);
    const json = JSON.parse((await wtc(repo.dir, ['status', '--json'])).stdout);
    assert.deepEqual(json.instances.map((i: { merge: { state: string; with: string[] } }) => [i.merge.state, i.merge.with]), [['conflict', ['instance-3']], ['conflict', ['main']], ['conflict', ['instance-1']]]);
    assert.equal(json.conflicts.pairs.length, 3);
    assert.deepEqual(json.conflicts.branches[1].into_target.files, ['docs.txt']);
  });

  test('cached by commit ids: nothing moved, nothing recomputed; a branch that moved recomputes its merges only', async () => {
    const again = JSON.parse((await wtc(repo.dir, ['conflicts', '--json'])).stdout);
    assert.equal(again.computed, 0);
    await commit(instanceDir(repo, 3), 'api.txt', 'v2 by one\n');
    const moved = JSON.parse((await wtc(repo.dir, ['conflicts', '--json'])).stdout);
    assert.equal(moved.computed, 3, 'instance-3 into main and its two pairs');
    assert.equal(moved.pairs.find((p: { a: string; b: string }) => p.a === 'instance-1' && p.b === 'instance-3').outcome.result, 'clean');
  });

  test('a target that does not exist is one clear error', async () => {
    const r = await wtc(repo.dir, ['conflicts', '--target', 'nope']);
    assert.equal(r.exitCode, 1);
    assert.match(r.stderr, /^error: the integration target nope is not a commit in this repository — /);
  });
});
