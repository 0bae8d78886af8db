// The conflict forecast against real merges: every generated branch pair (and cross pairs between
// unrelated scenarios) is forecast with git merge-tree and then merged for real with git merge;
// the outcome and the unmerged files must be the same. Also: the forecast touches no worktree,
// index or ref, and its cache recomputes only the merges of a branch that moved.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { forecastMerges, parseMergeTreeBatch } from '../src/workspace/merge-tree.js';
import { forecastConflicts } from '../src/workspace/conflict-forecast.js';
import { git, gitRepo, type TempRepo } from './helpers.js';
import { SCENARIO_KINDS, makeScenarioPairs, realMerge, seeded, type ScenarioPair } from './support/merge-scenarios.js';

describe('conflict forecast equals real merges', () => {
  let repo: TempRepo;
  let pairs: ScenarioPair[];
  let worktree: string;
  before(async () => {
    repo = await gitRepo();
    pairs = await makeScenarioPairs(repo.dir, 4, 16);
    // Cross pairs: side a of one scenario with side b of another touch different folders.
    const rng = seeded(7);
    for (let k = 0; k < 12; k++) {
      const [x, y] = [pairs[Math.floor(rng() * 56)]!, pairs[Math.floor(rng() * 56)]!];
      if (x !== y) pairs.push({ kind: 'cross', a: x.a, b: y.b });
    }
    worktree = path.join(repo.parent, 'merge-here');
    await git(repo.dir, ['worktree', 'add', '-q', '--detach', worktree, 'main']);
  });
  after(() => repo.cleanup());

  test('at least 50 pairs, forecast and git merge agree on every one', async () => {
    assert.ok(pairs.length >= 50, `only ${pairs.length} pairs`);
    const statusBefore = await git(repo.dir, ['status', '--porcelain=v1', '-z']);
    const refsBefore = await git(repo.dir, ['for-each-ref', '--format=%(refname) %(objectname)']);
    const forecast = await forecastMerges(repo.dir, pairs.map((p) => [p.a, p.b]));
    assert.equal(await git(repo.dir, ['status', '--porcelain=v1', '-z']), statusBefore, 'the forecast changed the checkout or index');
    assert.equal(await git(repo.dir, ['for-each-ref', '--format=%(refname) %(objectname)']), refsBefore, 'the forecast moved a ref');

    const seen = { clean: 0, conflict: 0 };
    const kindsSeen = new Set<string>();
    for (const [k, pair] of pairs.entries()) {
      const real = await realMerge(worktree, pair.a, pair.b);
      const predicted = forecast[k]!;
      assert.equal(predicted.result, real.clean ? 'clean' : 'conflict', `${pair.kind} ${pair.a} <- ${pair.b}: forecast ${predicted.result}, git merge ${real.clean ? 'clean' : 'conflicted'}`);
      assert.deepEqual([...predicted.files].sort(), real.files, `${pair.kind} ${pair.a} <- ${pair.b}: unmerged files differ`);
      seen[predicted.result === 'clean' ? 'clean' : 'conflict']++;
      for (const c of predicted.conflicts) kindsSeen.add(c.kind);
    }
    // The set must hold both outcomes and the hard kinds, or agreeing would prove little.
    assert.ok(seen.clean >= 20 && seen.conflict >= 20, `clean ${seen.clean}, conflict ${seen.conflict}`);
    for (const kind of ['content', 'add/add', 'rename/delete', 'modify/delete', 'binary', 'rename/rename', 'file/directory']) {
      assert.ok(kindsSeen.has(kind), `no ${kind} conflict among ${[...kindsSeen].join(', ')}`);
    }
    assert.equal(SCENARIO_KINDS.length, 14);
  });

  test('a pair git refuses (unrelated histories) is unmergeable; the other pairs still get their answer', async () => {
    await git(repo.dir, ['checkout', '-q', '--orphan', 'lonely']);
    await git(repo.dir, ['rm', '-rqf', '.']);
    await git(repo.dir, ['commit', '-q', '--allow-empty', '-m', 'unrelated']);
    await git(repo.dir, ['checkout', '-q', '-f', 'main']);
    const [first, refused, last] = await forecastMerges(repo.dir, [[pairs[0]!.a, pairs[0]!.b], ['main', 'lonely'], [pairs[2]!.a, pairs[2]!.b]]);
    assert.equal(refused!.result, 'unmergeable');
    assert.match(refused!.error!, /unrelated histories/);
    assert.equal(first!.result, 'clean');
    assert.equal(last!.result, 'clean');
  });
});

describe('forecast of instance branches', () => {
  let repo: TempRepo;
  let cacheDir: string;
  before(async () => {
    repo = await gitRepo('app', { 'shared.txt': 'one\ntwo\nthree\n', 'a.txt': 'a\n' });
    cacheDir = mkdtempSync(path.join(tmpdir(), 'wtc-cache-'));
    const branch = async (name: string, file: string, text: string) => {
      await git(repo.dir, ['checkout', '-q', '-b', name, 'main']);
      await import('node:fs/promises').then((fs) => fs.writeFile(path.join(repo.dir, file), text));
      await git(repo.dir, ['commit', '-qam', name]);
      await git(repo.dir, ['checkout', '-q', 'main']);
    };
    await branch('wt/i1', 'shared.txt', 'ONE\ntwo\nthree\n');
    await branch('wt/i2', 'a.txt', 'changed\n');
    await branch('wt/i3', 'shared.txt', 'uno\ntwo\nthree\n');
    // main moved on: i3 no longer merges cleanly into it.
    await import('node:fs/promises').then((fs) => fs.writeFile(path.join(repo.dir, 'shared.txt'), 'uno!\ntwo\nthree\n'));
    await git(repo.dir, ['commit', '-qam', 'main moves']);
  });
  after(() => {
    repo.cleanup();
    rmSync(cacheDir, { recursive: true, force: true });
  });
  const branches = [
    { name: 'instance-1', branch: 'wt/i1' },
    { name: 'instance-2', branch: 'wt/i2' },
    { name: 'instance-3', branch: 'wt/i3' },
    { name: 'instance-4', branch: 'wt/missing' },
  ];

  test('each branch into the target, each pair, with files; cached by commit ids', async () => {
    const f = await forecastConflicts(repo.dir, 'main', branches, cacheDir);
    assert.equal(f.computed, 6, 'three branches into main and three pairs');
    assert.deepEqual(f.branches.map((b) => b.into_target?.result ?? null), ['conflict', 'clean', 'conflict', null]);
    assert.deepEqual(f.branches[0]!.into_target!.files, ['shared.txt']);
    assert.deepEqual(f.pairs.map((p) => `${p.a}+${p.b}:${p.outcome.result}`), ['instance-1+instance-2:clean', 'instance-1+instance-3:conflict', 'instance-2+instance-3:clean']);
    const again = await forecastConflicts(repo.dir, 'main', branches, cacheDir);
    assert.equal(again.computed, 0, 'nothing moved, nothing recomputed');
    assert.deepEqual(again.pairs, f.pairs);

    await git(repo.dir, ['checkout', '-q', 'wt/i2']);
    await import('node:fs/promises').then((fs) => fs.writeFile(path.join(repo.dir, 'shared.txt'), 'two was here\ntwo\nthree\n'));
    await git(repo.dir, ['commit', '-qam', 'i2 moves']);
    await git(repo.dir, ['checkout', '-q', 'main']);
    const moved = await forecastConflicts(repo.dir, 'main', branches, cacheDir);
    assert.equal(moved.computed, 3, 'only the merges of the branch that moved: into main and its two pairs');
    assert.deepEqual(moved.pairs.map((p) => p.outcome.result), ['conflict', 'conflict', 'conflict']);
  });

  test('the batch parser rejects output that ends early instead of inventing an answer', () => {
    assert.throws(() => parseMergeTreeBatch('1\0abc\0', 1), /ended early/);
  });
});
