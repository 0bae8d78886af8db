// integrate keeps going: a branch that conflicts or fails the check is skipped, left untouched and
// reported (files, the branch it collides with, the command that resolves it) while the others land;
// the exit code says whether everything landed. An integrate stopped by a signal leaves no scratch
// worktree; one killed outright leaves one that doctor reports and the next integrate removes.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { execa } from 'execa';
import { CLI, git, gitRepo, instanceDir, type TempRepo } from './helpers.js';
import { wtc } from './orchestrate-fixtures.js';

const worktrees = async (repo: TempRepo) => (await git(repo.dir, ['worktree', 'list', '--porcelain'])).split('\n').filter((l) => l.startsWith('worktree ')).map((l) => l.slice(9));

async function commit(repo: TempRepo, k: number, file: string, text: string): Promise<void> {
  const wt = instanceDir(repo, k);
  mkdirSync(path.dirname(path.join(wt, file)), { recursive: true });
  writeFileSync(path.join(wt, file), text);
  await git(wt, ['add', file]);
  await git(wt, ['commit', '-q', '-m', `instance-${k}: ${file}`]);
}

/** A private TMPDIR, so what integrate leaves in the temp folder is this test's to see. */
function privateTmp(repo: TempRepo): { dir: string; env: Record<string, string> } {
  const dir = path.join(repo.parent, 'tmp');
  mkdirSync(dir, { recursive: true });
  return { dir, env: { TMPDIR: dir } };
}

async function until(condition: () => boolean, what: string): Promise<void> {
  for (let k = 0; k < 6000 && !condition(); k++) await new Promise((r) => setTimeout(r, 20));
  assert.ok(condition(), `never happened: ${what}`);
}

describe('integrate over 3 instances, the middle one conflicting', () => {
  let repo: TempRepo;
  let tmp: ReturnType<typeof privateTmp>;
  before(async () => {
    repo = await gitRepo('app', { 'README.md': '# app\n', 'src/shared.txt': 'base\n' });
    tmp = privateTmp(repo);
    assert.equal((await wtc(repo.dir, ['spawn', '3', '--install', 'none'])).exitCode, 0);
    await commit(repo, 1, 'src/shared.txt', 'changed by instance 1\n');
    await commit(repo, 2, 'src/shared.txt', 'changed by instance 2\n');
    await commit(repo, 2, 'src/two.txt', 'two\n');
    await commit(repo, 3, 'src/three.txt', 'three\n');
  });
  after(() => repo.cleanup());

  test('the other two land, the conflicting one is named with its files, exit non-zero, the repository clean', async () => {
    const branch2Before = await git(repo.dir, ['rev-parse', 'wt/instance-2']);
    const r = await wtc(repo.dir, ['integrate'], { env: tmp.env });
    assert.equal(r.exitCode, 4, r.stderr);
    assert.match(r.stdout, /merged wt\/instance-1/);
    assert.match(r.stdout, /merged wt\/instance-3/);
    assert.match(r.stderr, /skipped wt\/instance-2 \(instance-2\): conflicts with wt\/instance-1 in src\/shared\.txt/);
    assert.match(r.stderr, /content: CONFLICT \(content\): Merge conflict in src\/shared\.txt/);
    assert.match(r.stderr, new RegExp(`to resolve: cd '${instanceDir(repo, 2).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}' && git merge 'wt/integration'`));
    const last = r.stderr.trim().split('\n').at(-1)!;
    assert.match(last, /^error: 1 of 3 branch\(es\) did not land in wt\/integration: instance-2 \(conflicts with wt\/instance-1\); the other 2 landed — /);

    const log = await git(repo.dir, ['log', '--format=%s', 'wt/integration']);
    assert.match(log, /Integrate instance-1/);
    assert.match(log, /Integrate instance-3/);
    assert.doesNotMatch(log, /Integrate instance-2/);
    assert.equal(await git(repo.dir, ['show', 'wt/integration:src/three.txt']), 'three');
    // Untouched: the skipped branch, the checkout; nothing left behind.
    assert.equal(await git(repo.dir, ['rev-parse', 'wt/instance-2']), branch2Before);
    assert.equal(await git(repo.dir, ['status', '--porcelain']), '');
    assert.equal(await git(instanceDir(repo, 2), ['status', '--porcelain']), '');
    assert.equal((await worktrees(repo)).length, 4, 'a scratch worktree was left behind');
    assert.deepEqual(readdirSync(tmp.dir).filter((n) => n.startsWith('wt-coord-integrate-')), []);
  });

  test('--json reports the skipped branch with files, the branch it collides with and the command', async () => {
    await commit(repo, 1, 'src/more.txt', 'more\n');
    const r = await wtc(repo.dir, ['integrate', '--json'], { env: tmp.env });
    assert.equal(r.exitCode, 4, r.stderr);
    const { result } = JSON.parse(r.stdout);
    assert.deepEqual(result.merged.map((m: { name: string }) => m.name), ['instance-1']);
    assert.equal(result.skipped.length, 1);
    assert.equal(result.skipped[0].name, 'instance-2');
    assert.deepEqual(result.skipped[0].files, ['src/shared.txt']);
    assert.deepEqual(result.skipped[0].conflicts_with, ['wt/instance-1']);
    assert.deepEqual(result.skipped[0].conflicts.map((c: { kind: string }) => c.kind), ['content']);
    assert.match(result.skipped[0].resolve, /git merge 'wt\/integration'/);
  });

  test('after resolving as told, integrate lands it and exits 0', async () => {
    const wt = instanceDir(repo, 2);
    await execa('git', ['merge', 'wt/integration'], { cwd: wt, reject: false });
    writeFileSync(path.join(wt, 'src/shared.txt'), 'both\n');
    await git(wt, ['commit', '-qam', 'resolve']);
    const r = await wtc(repo.dir, ['integrate'], { env: tmp.env });
    assert.equal(r.exitCode, 0, r.stderr);
    assert.equal(await git(repo.dir, ['show', 'wt/integration:src/shared.txt']), 'both');
  });
});

describe('integrate with a check', () => {
  let repo: TempRepo;
  let tmp: ReturnType<typeof privateTmp>;
  before(async () => {
    repo = await gitRepo('app', { 'README.md': '# app\n' });
    tmp = privateTmp(repo);
    assert.equal((await wtc(repo.dir, ['spawn', '3', '--install', 'none'])).exitCode, 0);
    await commit(repo, 1, 'one.txt', 'one\n');
    await commit(repo, 2, 'bad.txt', 'bad\n');
    await commit(repo, 3, 'three.txt', 'three\n');
  });
  after(() => repo.cleanup());

  test('a merge that fails the check is rolled back and reported; the branches after it still land', async () => {
    const r = await wtc(repo.dir, ['integrate', '--check', 'test ! -e bad.txt || { echo "bad.txt is not allowed"; exit 1; }'], { env: tmp.env });
    assert.equal(r.exitCode, 1, r.stderr);
    assert.match(r.stderr, /skipped wt\/instance-2 \(instance-2\): the check failed after merging it; the merge was undone\n {2}\| bad\.txt is not allowed/);
    assert.match(r.stderr.trim().split('\n').at(-1)!, /^error: 1 of 3 branch\(es\) did not land in wt\/integration: instance-2 \(check failed\)/);
    const tree = await git(repo.dir, ['ls-tree', '--name-only', 'wt/integration']);
    assert.deepEqual(tree.split('\n').sort(), ['README.md', 'one.txt', 'three.txt']);
    assert.equal((await worktrees(repo)).length, 4);
  });
});

describe('an interrupted integrate leaves nothing behind', () => {
  let repo: TempRepo;
  let tmp: ReturnType<typeof privateTmp>;
  const started = () => path.join(repo.parent, 'check-started');
  const checkPid = () => path.join(repo.parent, 'check-pid');
  // The check tells the test it runs (and its pid), then waits to be interrupted.
  const slowCheck = () => `echo $$ > '${checkPid()}'; touch '${started()}'; exec sleep 120`;
  before(async () => {
    repo = await gitRepo('app', { 'README.md': '# app\n' });
    tmp = privateTmp(repo);
    assert.equal((await wtc(repo.dir, ['spawn', '1', '--install', 'none'])).exitCode, 0);
    await commit(repo, 1, 'one.txt', 'one\n');
  });
  after(() => repo.cleanup());

  const scratchLeft = async () => ({ registered: (await worktrees(repo)).filter((w) => w.includes('wt-coord-integrate-')), folders: readdirSync(tmp.dir).filter((n) => n.startsWith('wt-coord-integrate-')) });
  const startIntegrate = () => {
    for (const f of [started(), checkPid()]) if (existsSync(f)) writeFileSync(f, '');
    return execa(process.execPath, [CLI, 'integrate', '--check', slowCheck()], { cwd: repo.dir, reject: false, env: tmp.env });
  };
  const checkStarted = () => existsSync(started()) && readFileSync(checkPid(), 'utf8').trim() !== '';

  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    test(`${signal} during the check: the scratch worktree is removed, the check stopped, the branch not moved, exit by ${signal}`, async () => {
      const run = startIntegrate();
      await until(checkStarted, 'the check started');
      assert.equal((await scratchLeft()).registered.length, 1, 'the scratch worktree exists while the check runs');
      run.kill(signal);
      const r = await run;
      assert.equal(r.signal, signal, `exit ${r.exitCode}: ${r.stderr}`);
      assert.deepEqual(await scratchLeft(), { registered: [], folders: [] });
      assert.equal(await git(repo.dir, ['branch', '--list', 'wt/integration']), '', 'an interrupted integrate moved the branch');
      const pid = Number(readFileSync(checkPid(), 'utf8'));
      await until(() => !isAlive(pid), 'the check process ended');
    });
  }

  test('SIGKILL: doctor reports the leftover; the next integrate removes it and lands', async () => {
    const run = startIntegrate();
    await until(checkStarted, 'the check started');
    run.kill('SIGKILL');
    await run;
    process.kill(Number(readFileSync(checkPid(), 'utf8')), 'SIGKILL');
    const left = await scratchLeft();
    assert.equal(left.registered.length, 1, 'SIGKILL cannot be caught: the worktree is still there');

    const doctor = await wtc(repo.dir, ['doctor'], { env: tmp.env });
    assert.equal(doctor.exitCode, 1, doctor.stdout);
    assert.match(doctor.stdout, new RegExp(`problem: ${left.registered[0]!.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: scratch worktree of an integrate that was killed`));

    const again = await wtc(repo.dir, ['integrate'], { env: tmp.env });
    assert.equal(again.exitCode, 0, again.stderr);
    assert.match(again.stderr, /removed the scratch worktree of a killed integrate/);
    assert.deepEqual(await scratchLeft(), { registered: [], folders: [] });
  });

  test('SIGKILL: doctor --fix removes the leftover', async () => {
    await commit(repo, 1, 'two.txt', 'two\n');
    const run = startIntegrate();
    await until(checkStarted, 'the check started');
    run.kill('SIGKILL');
    await run;
    process.kill(Number(readFileSync(checkPid(), 'utf8')), 'SIGKILL');
    assert.equal((await scratchLeft()).registered.length, 1);
    const fixed = await wtc(repo.dir, ['doctor', '--fix'], { env: tmp.env });
    assert.equal(fixed.exitCode, 0, fixed.stdout + fixed.stderr);
    assert.match(fixed.stdout, /fixed: .*wt-coord-integrate-\d+-.*: scratch worktree of an integrate that was killed/);
    assert.deepEqual(await scratchLeft(), { registered: [], folders: [] });
  });
});

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
