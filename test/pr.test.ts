// wt-coord pr against a bare repository as the remote (its fetch URL is GitHub's, so the compare
// URL can be built; pushes go to the bare repository) and a scripted gh on PATH that records every
// call: one pull request per instance with the tasks in the body, a second run updates them, and
// without gh (or not logged in) it pushes and prints the compare URL.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { execa } from 'execa';
import { ROOT, coordinate, git, gitRepo, instanceDir, type TempRepo } from './helpers.js';
import { wtc } from './orchestrate-fixtures.js';

const FAKES = path.join(ROOT, 'test', 'fakes');

interface FakePr { number: number; url: string; headRefName: string; baseRefName: string; title: string; body: string; isDraft: boolean; edits?: number }

describe('wt-coord pr', () => {
  let repo: TempRepo;
  let remote: string;
  let ghState: string;
  let env: Record<string, string>;
  const prs = (): FakePr[] => JSON.parse(readFileSync(path.join(ghState, 'prs.json'), 'utf8'));
  const ghCalls = (): string[][] => readFileSync(path.join(ghState, 'calls.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l).args);
  const remoteHead = async (branch: string) => (await git(remote, ['rev-parse', `refs/heads/${branch}`])).trim();

  before(async () => {
    repo = await gitRepo('app', { 'README.md': '# app\n' });
    remote = path.join(repo.parent, 'remote.git');
    await execa('git', ['init', '-q', '--bare', remote]);
    await git(repo.dir, ['remote', 'add', 'origin', 'https://github.com/acme/app.git']);
    await git(repo.dir, ['remote', 'set-url', '--push', 'origin', remote]);
    await git(repo.dir, ['push', '-q', 'origin', 'main']);
    ghState = mkdtempSync(path.join(repo.parent, 'gh-'));
    env = { PATH: `${FAKES}:${process.env.PATH}`, FAKE_GH_STATE: ghState };
    assert.equal((await wtc(repo.dir, ['spawn', '3', '--install', 'none'])).exitCode, 0);
    for (const [k, description] of [[1, 'Add the login form'], [2, 'Write the session store']] as const) {
      assert.equal((await wtc(repo.dir, ['task', 'add', description])).exitCode, 0);
      const claimed = await coordinate(repo, k, ['request-task']);
      assert.equal(claimed.exitCode, 0, String(claimed.stderr));
      const wt = instanceDir(repo, k);
      writeFileSync(path.join(wt, `part-${k}.txt`), `${description}\n`);
      await git(wt, ['add', '-A']);
      await git(wt, ['commit', '-q', '-m', `instance-${k}: ${description}`]);
      const id = `task-00${k}`;
      assert.equal((await coordinate(repo, k, ['update-memory', `instance ${k} decided to keep it small`, '--category', 'decision', '--task', id])).exitCode, 0);
      assert.equal((await coordinate(repo, k, ['complete', id, `finished part ${k}: see part-${k}.txt`])).exitCode, 0);
    }
  });
  after(() => repo.cleanup());

  test('one pull request per instance with commits, bodies listing the tasks; branches pushed', async () => {
    const r = await wtc(repo.dir, ['pr', '--draft'], { env });
    assert.equal(r.exitCode, 0, r.stderr);
    assert.match(r.stderr, /instance-3: no commits beyond main/);
    const opened = prs();
    assert.equal(opened.length, 2);
    const [one, two] = opened;
    assert.equal(one!.headRefName, 'wt/instance-1');
    assert.equal(one!.baseRefName, 'main');
    assert.equal(one!.isDraft, true);
    assert.equal(one!.title, 'Add the login form (task-001)');
    assert.match(one!.body, /### task-001: Add the login form/);
    assert.match(one!.body, /> finished part 1: see part-1\.txt/);
    assert.match(one!.body, /- decision: instance 1 decided to keep it small/);
    assert.match(one!.body, /## Commits\n\n- [0-9a-f]+ instance-1: Add the login form/);
    assert.doesNotMatch(one!.body, /task-002/, "another instance's task is not in this body");
    assert.match(two!.body, /### task-002: Write the session store/);
    assert.match(r.stdout, /instance-1: created https:\/\/github\.com\/acme\/app\/pull\/1 {2}Add the login form/);
    assert.equal(await remoteHead('wt/instance-1'), (await git(repo.dir, ['rev-parse', 'wt/instance-1'])).trim());
    assert.equal(await remoteHead('wt/instance-2'), (await git(repo.dir, ['rev-parse', 'wt/instance-2'])).trim());
    const creates = ghCalls().filter((a) => a[0] === 'pr' && a[1] === 'create');
    assert.equal(creates.length, 2);
    assert.ok(creates.every((a) => a.includes('--draft') && a.includes('--body-file') && a[a.indexOf('--base') + 1] === 'main'));
  });

  test('status shows each instance\'s pull request link', async () => {
    const r = await wtc(repo.dir, ['status']);
    assert.match(r.stdout, /instance-1 .*\n {4}pull request: https:\/\/github\.com\/acme\/app\/pull\/1/);
    const json = JSON.parse((await wtc(repo.dir, ['status', '--json'])).stdout);
    assert.deepEqual(json.instances.map((i: { pull_request: string | null }) => i.pull_request), ['https://github.com/acme/app/pull/1', 'https://github.com/acme/app/pull/2', null]);
  });

  test('a second pr updates the open pull requests instead of opening new ones, and pushes the new commits', async () => {
    const wt = instanceDir(repo, 1);
    writeFileSync(path.join(wt, 'part-1b.txt'), 'more\n');
    await git(wt, ['add', '-A']);
    await git(wt, ['commit', '-q', '-m', 'instance-1: more']);
    const r = await wtc(repo.dir, ['pr', '1', '2', '--base', 'main'], { env });
    assert.equal(r.exitCode, 0, r.stderr);
    assert.match(r.stdout, /instance-1: updated https:\/\/github\.com\/acme\/app\/pull\/1/);
    const after = prs();
    assert.equal(after.length, 2, 'a duplicate pull request was opened');
    assert.equal(after[0]!.edits, 1);
    assert.match(after[0]!.body, /instance-1: more/);
    assert.equal(ghCalls().filter((a) => a[1] === 'create').length, 2);
    assert.deepEqual(ghCalls().filter((a) => a[1] === 'edit').map((a) => a[2]), ['1', '2']);
    assert.equal(await remoteHead('wt/instance-1'), (await git(repo.dir, ['rev-parse', 'wt/instance-1'])).trim());
  });

  test('without gh it pushes and prints the compare URL', async () => {
    const bin = path.join(repo.parent, 'bin-without-gh');
    mkdirSync(bin, { recursive: true });
    symlinkSync((await execa('sh', ['-c', 'command -v git'])).stdout.trim(), path.join(bin, 'git'));
    const wt = instanceDir(repo, 2);
    writeFileSync(path.join(wt, 'part-2b.txt'), 'more\n');
    await git(wt, ['add', '-A']);
    await git(wt, ['commit', '-q', '-m', 'instance-2: more']);
    const r = await wtc(repo.dir, ['pr', '2'], { env: { PATH: bin, FAKE_GH_STATE: ghState } });
    assert.equal(r.exitCode, 0, r.stderr);
    assert.match(r.stderr, /the GitHub CLI \(gh\) is not installed: pushing only/);
    assert.match(r.stdout, /^instance-2: pushed wt\/instance-2; open the pull request: https:\/\/github\.com\/acme\/app\/compare\/main\.\.\.wt\/instance-2\?expand=1$/m);
    assert.equal(await remoteHead('wt/instance-2'), (await git(repo.dir, ['rev-parse', 'wt/instance-2'])).trim());
  });

  test('gh installed but not logged in: push and URL, and gh is asked nothing else', async () => {
    const before = ghCalls().length;
    const r = await wtc(repo.dir, ['pr', '1'], { env: { ...env, FAKE_GH_AUTH: 'none' } });
    assert.equal(r.exitCode, 0, r.stderr);
    assert.match(r.stderr, /gh is not logged in/);
    assert.match(r.stdout, /compare\/main\.\.\.wt\/instance-1\?expand=1/);
    assert.deepEqual(ghCalls().slice(before).map((a) => a.slice(0, 2).join(' ')), ['--version', 'auth status']);
  });

  test('bad input fails before anything is pushed', async () => {
    const unknown = await wtc(repo.dir, ['pr', '9'], { env });
    assert.equal(unknown.exitCode, 1);
    assert.match(unknown.stderr, /^error: no instance 9 — /);
    const noRemote = await wtc(repo.dir, ['pr', '--remote', 'nowhere'], { env });
    assert.match(noRemote.stderr, /^error: there is no remote "nowhere" — /);
    const badBase = await wtc(repo.dir, ['pr', '--base', 'no-such-branch'], { env });
    assert.match(badBase.stderr, /^error: the base no-such-branch is not a branch or commit here — /);
  });
});
