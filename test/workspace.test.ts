// The workspace lifecycle against real git repositories, driving the built CLI as a child process:
// init, spawn (layout, rollback, concurrency), status, teardown (refusals, --force, numbering).
import assert from 'node:assert/strict';
import { execa } from 'execa';
import { existsSync, promises as fs, realpathSync } from 'node:fs';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { CLI, cli as runCli, coordinate as runCoordinate, git, gitRepo, instanceDir, type TempRepo } from './helpers.js';
import { gitStatus, repoState } from './workspace-fixtures.js';

// Setup approvals (setup-approval.ts) go to a config folder of this test run, not the person's.
process.env.XDG_CONFIG_HOME = (await import('node:fs')).mkdtempSync(path.join((await import('node:os')).tmpdir(), 'wtc-config-'));

interface Run {
  exitCode: number | undefined;
  stdout: string;
  stderr: string;
}
const cli = async (cwd: string, args: string[]): Promise<Run> => {
  const r = await runCli(cwd, args);
  return { exitCode: r.exitCode, stdout: String(r.stdout), stderr: String(r.stderr) };
};
const coordinate = async (repo: TempRepo, k: number, args: string[], options: { cwd?: string } = {}): Promise<Run> => {
  const r = await runCoordinate(repo, k, args, options);
  return { exitCode: r.exitCode, stdout: String(r.stdout), stderr: String(r.stderr) };
};

const repos: TempRepo[] = [];
async function newRepo(files?: Record<string, string>): Promise<TempRepo> {
  const repo = await gitRepo('app', files);
  repos.push(repo);
  return repo;
}
after(() => repos.forEach((r) => r.cleanup()));

const coordDir = (repo: TempRepo) => path.join(repo.dir, '.git', 'wt-coord');
const registry = async (repo: TempRepo) => JSON.parse(await fs.readFile(path.join(coordDir(repo), 'instances.json'), 'utf8')) as { instances: { id: number; name: string; status: string }[] };
const branches = async (repo: TempRepo) => (await git(repo.dir, ['branch', '--list', 'wt/*', '--format=%(refname:short)'])).split('\n').filter(Boolean).sort();
const worktreePaths = async (repo: TempRepo) => (await git(repo.dir, ['worktree', 'list', '--porcelain'])).split('\n').filter((l) => l.startsWith('worktree ')).map((l) => l.slice(9));
const mode = async (p: string) => (await fs.stat(p)).mode & 0o777;

describe('init', () => {
  it('creates config, memory bank and coordination folder, from a subfolder, and a second run changes nothing', async () => {
    const repo = await newRepo({ 'README.md': '# app\n', 'src/index.js': 'export {}\n' });
    const first = await cli(path.join(repo.dir, 'src'), ['init', '--json']);
    assert.equal(first.exitCode, 0, first.stderr);
    const created = JSON.parse(first.stdout).created as string[];
    for (const rel of ['wt-coord.yaml', 'memory-bank/projectbrief.md', 'memory-bank/requirements.md', 'memory-bank/systemPatterns.md', '.git/wt-coord']) {
      assert.ok(created.includes(path.join(repo.dir, rel)), `${rel} created`);
    }
    await fs.writeFile(path.join(repo.dir, 'memory-bank', 'projectbrief.md'), 'written by a person\n');
    const before = await repoState(repo);
    const again = await cli(repo.dir, ['init']);
    assert.equal(again.exitCode, 0, again.stderr);
    assert.match(again.stdout, /nothing changed/);
    assert.deepEqual(await repoState(repo), before);
    // The memory bank is shared by links, not commits: it stays out of git status.
    assert.equal(await gitStatus(repo.dir), '?? wt-coord.yaml');
  });
});

describe('spawn 3', () => {
  it('makes 3 worktrees on 3 branches with links, kit and info.json, all with a clean git status', async () => {
    const repo = await newRepo({ 'README.md': '# app\n', '.gitignore': '.env\n', '.worktreeinclude': '.env\n.env.example\n', '.env.example': 'TRACKED=1\n' });
    await fs.writeFile(path.join(repo.dir, '.env'), 'SECRET=42\n');
    await fs.writeFile(path.join(repo.dir, '.env.example'), 'TRACKED=changed-in-main-only\n'); // tracked: must not be copied over
    await cli(repo.dir, ['init']);
    await git(repo.dir, ['add', 'wt-coord.yaml']);
    await git(repo.dir, ['commit', '-qm', 'wt-coord config']);
    await git(repo.dir, ['checkout', '-q', '.env.example']);

    const result = await cli(repo.dir, ['spawn', '3', '--json']);
    assert.equal(result.exitCode, 0, result.stderr);
    const out = JSON.parse(result.stdout) as { created: { id: number; name: string; branch: string; worktree: string }[] };
    assert.deepEqual(out.created.map((i) => i.name), ['instance-1', 'instance-2', 'instance-3']);
    assert.deepEqual(await branches(repo), ['wt/instance-1', 'wt/instance-2', 'wt/instance-3']);
    const head = (await git(repo.dir, ['rev-parse', 'HEAD'])).trim();
    const bank = realpathSync(path.join(repo.dir, 'memory-bank'));

    for (const k of [1, 2, 3]) {
      const wt = instanceDir(repo, k);
      assert.equal(out.created[k - 1]!.worktree, wt);
      assert.ok((await worktreePaths(repo)).includes(wt));
      assert.equal((await git(wt, ['rev-parse', '--abbrev-ref', 'HEAD'])).trim(), `wt/instance-${k}`);
      assert.equal((await git(wt, ['rev-parse', 'HEAD'])).trim(), head);
      assert.equal(realpathSync(path.join(wt, 'memory-bank-shared')), bank);
      assert.equal(realpathSync(path.join(wt, '.claude-coordination-shared')), realpathSync(coordDir(repo)));
      assert.equal(await fs.readFile(path.join(wt, '.env'), 'utf8'), 'SECRET=42\n', '.worktreeinclude copied the ignored .env');
      assert.equal(await fs.readFile(path.join(wt, '.env.example'), 'utf8'), 'TRACKED=1\n', 'a tracked file is never overwritten');
      const info = JSON.parse(await fs.readFile(path.join(wt, '.claude-instance', 'info.json'), 'utf8'));
      assert.deepEqual(
        { id: info.id, name: info.name, branch: info.branch, worktree_path: info.worktree_path, main_repo_path: info.main_repo_path, memory_bank_path: info.memory_bank_path, coordination_path: info.coordination_path, assigned_tasks: info.assigned_tasks, progress: info.progress, status: info.status },
        { id: k, name: `instance-${k}`, branch: `wt/instance-${k}`, worktree_path: wt, main_repo_path: repo.dir, memory_bank_path: path.join(repo.dir, 'memory-bank'), coordination_path: coordDir(repo), assigned_tasks: [], progress: 0, status: 'active' },
      );
      assert.ok(!Number.isNaN(Date.parse(info.created_at)));
      assert.ok((await mode(path.join(wt, '.claude-instance', 'coordinate.sh'))) & 0o100, 'coordinate.sh is executable');
      assert.equal(await gitStatus(wt), '', `git status of instance-${k} is clean`);
    }
    assert.equal(await gitStatus(repo.dir), '', 'git status of main is clean');

    // The bank is read-only by mode while instances exist (the tests run as root, so modes, not writes, are checked).
    assert.equal(await mode(bank), 0o555);
    for (const file of await fs.readdir(bank)) assert.equal(await mode(path.join(bank, file)), 0o444, file);

    // coordinate.sh works from any folder, through absolute paths fixed at spawn time.
    const whoami = await coordinate(repo, 2, ['whoami', '--json'], { cwd: '/' });
    assert.equal(whoami.exitCode, 0, whoami.stderr);
    assert.equal(JSON.parse(whoami.stdout).name, 'instance-2');
    const unknown = await coordinate(repo, 2, ['frobnicate']);
    assert.notEqual(unknown.exitCode, 0);
    assert.match(unknown.stderr, /unknown verb "frobnicate"[\s\S]*usage: coordinate.sh/);

    // status lists every instance with its facts; a folder deleted by hand is reported, not a crash.
    await fs.writeFile(path.join(instanceDir(repo, 1), 'work.txt'), 'x\n');
    await git(instanceDir(repo, 3), ['commit', '-q', '--allow-empty', '-m', 'one']);
    await fs.rm(instanceDir(repo, 2), { recursive: true, force: true });
    const status = await cli(repo.dir, ['status', '--json']);
    assert.equal(status.exitCode, 0, status.stderr);
    const byName = Object.fromEntries((JSON.parse(status.stdout).instances as { name: string }[]).map((i) => [i.name, i])) as Record<string, Record<string, unknown>>;
    assert.deepEqual(
      [1, 2, 3].map((k) => { const i = byName[`instance-${k}`]!; return [i.folder_exists, i.dirty_files, i.commits_ahead, i.branch, i.worktree, i.progress]; }),
      [[true, 1, 0, 'wt/instance-1', instanceDir(repo, 1), 0], [false, 0, 0, 'wt/instance-2', instanceDir(repo, 2), 0], [true, 0, 1, 'wt/instance-3', instanceDir(repo, 3), 0]],
    );
    const text = await cli(repo.dir, ['status']);
    assert.equal(text.exitCode, 0);
    assert.match(text.stdout, /instance-2 .*FOLDER MISSING/);

    // teardown of the hand-deleted one prunes git's record of it.
    const torn = await cli(repo.dir, ['teardown', '2']);
    assert.equal(torn.exitCode, 0, torn.stderr);
    assert.ok(!(await worktreePaths(repo)).includes(instanceDir(repo, 2)));
    assert.deepEqual(await branches(repo), ['wt/instance-1', 'wt/instance-3']);
  });

  it('shows progress per instance and step on a terminal', { skip: !existsSync('/usr/bin/script') && 'needs script(1) for a pseudo-terminal' }, async () => {
    const repo = await newRepo();
    const run = await execa('script', ['-qec', `${process.execPath} ${CLI} spawn 2`, '/dev/null'], { cwd: repo.dir, reject: false });
    assert.equal(run.exitCode, 0, run.stdout);
    assert.match(run.stdout, /spawning instance-1, instance-2/);
    assert.match(run.stdout, /instance-1 +\[1\/\d\] worktree/);
    assert.match(run.stdout, /instance-1 +\[\d\/\d\] dependencies/);
    assert.match(run.stdout, /instance-2 +\[(\d)\/\1\] ready/);
  });
});

describe('teardown', () => {
  it('refuses dirty and unmerged work, listing it; recognises merged work; --force removes; numbering stays sane', async () => {
    const repo = await newRepo();
    assert.equal((await cli(repo.dir, ['spawn', '4'])).exitCode, 0);
    const [i1, i2, i3, i4] = [1, 2, 3, 4].map((k) => instanceDir(repo, k)) as [string, string, string, string];
    await fs.writeFile(path.join(i1, 'draft.txt'), 'not committed\n');
    await fs.writeFile(path.join(i2, 'feature.txt'), 'feature\n');
    await git(i2, ['add', 'feature.txt']);
    await git(i2, ['commit', '-qm', 'add the feature']);
    // instance-3's work is merged into main; instance-4's is squash-merged.
    await fs.writeFile(path.join(i3, 'merged.txt'), 'merged\n');
    await git(i3, ['add', '-A']);
    await git(i3, ['commit', '-qm', 'merged work']);
    await git(repo.dir, ['merge', '-q', '--no-edit', 'wt/instance-3']);
    await fs.writeFile(path.join(i4, 'squashed.txt'), 'one\n');
    await git(i4, ['add', '-A']);
    await git(i4, ['commit', '-qm', 'squash me 1']);
    await fs.appendFile(path.join(i4, 'squashed.txt'), 'two\n');
    await git(i4, ['commit', '-qam', 'squash me 2']);
    await git(repo.dir, ['merge', '-q', '--squash', 'wt/instance-4']);
    await git(repo.dir, ['commit', '-qm', 'squashed instance-4']);

    const before = await repoState(repo);
    const refused = await cli(repo.dir, ['teardown', '--all']);
    assert.equal(refused.exitCode, 6, refused.stderr);
    assert.equal(refused.stderr.trim().split('\n').length, 1, 'one line');
    assert.match(refused.stderr, /instance-1: 1 uncommitted change\(s\): draft\.txt/);
    assert.match(refused.stderr, /instance-2: 1 commit\(s\) on wt\/instance-2 not merged: [0-9a-f]{8} add the feature/);
    assert.doesNotMatch(refused.stderr, /instance-[34]/);
    assert.deepEqual(await repoState(repo), before, 'a refused teardown changes nothing');

    const dry = await cli(repo.dir, ['teardown', '1', '2', '--dry-run']);
    assert.equal(dry.exitCode, 0);
    assert.match(dry.stdout, /would remove instance-1[\s\S]*would lose: instance-1: 1 uncommitted/);
    assert.deepEqual(await repoState(repo), before, '--dry-run changes nothing');

    const merged = await cli(repo.dir, ['teardown', '3', '4']);
    assert.equal(merged.exitCode, 0, merged.stderr);
    assert.deepEqual(await branches(repo), ['wt/instance-1', 'wt/instance-2']);
    assert.ok(!existsSync(i3) && !existsSync(i4), 'folders moved out of the way at once');

    // Numbered after the highest existing one, never reusing a live number.
    const next = await cli(repo.dir, ['spawn', '1', '--json']);
    assert.equal(next.exitCode, 0, next.stderr);
    assert.equal(JSON.parse(next.stdout).created[0].name, 'instance-3');

    const kept = await cli(repo.dir, ['teardown', '2', '--force', '--keep-branch']);
    assert.equal(kept.exitCode, 0, kept.stderr);
    assert.ok((await branches(repo)).includes('wt/instance-2'), '--keep-branch keeps it');

    const forced = await cli(repo.dir, ['teardown', '--all', '--force']);
    assert.equal(forced.exitCode, 0, forced.stderr);
    assert.deepEqual(await branches(repo), ['wt/instance-2']);
    assert.deepEqual(await worktreePaths(repo), [repo.dir]);
    assert.deepEqual((await registry(repo)).instances, []);
    // Modes restored once no instance is left.
    const bank = path.join(repo.dir, 'memory-bank');
    assert.equal(await mode(bank), 0o755);
    for (const file of await fs.readdir(bank)) assert.equal(await mode(path.join(bank, file)), 0o644);

    // After a kept branch, numbering continues past it; with nothing left it starts again at 1.
    assert.equal(JSON.parse((await cli(repo.dir, ['spawn', '1', '--json'])).stdout).created[0].name, 'instance-3');
    assert.equal((await cli(repo.dir, ['teardown', '--all', '--force'])).exitCode, 0);
    await git(repo.dir, ['branch', '-D', 'wt/instance-2']);
    assert.equal(JSON.parse((await cli(repo.dir, ['spawn', '1', '--json'])).stdout).created[0].name, 'instance-1');
    assert.equal(await gitStatus(repo.dir), '');

    // --purge: the shared memory bank and coordination history go too.
    const purge = await cli(repo.dir, ['teardown', '--all', '--force', '--purge']);
    assert.equal(purge.exitCode, 0, purge.stderr);
    assert.ok(!existsSync(bank) && !existsSync(coordDir(repo)));
  });
});

describe('spawn failures', () => {
  it('Ctrl-C during spawn rolls back every instance not yet made, as a failed step does, and dies of the signal', async () => {
    const repo = await newRepo({ 'README.md': '# app\n', 'wt-coord.yaml': 'setup:\n  - \'touch "$WT_COORD_WORKTREE.started"; sleep 30\'\n' });
    // Its own process group, as a terminal's foreground job: Ctrl-C reaches wt-coord and its children.
    const spawn = execa(process.execPath, [CLI, 'spawn', '2', '--yes'], { cwd: repo.dir, reject: false, detached: true });
    const started = [1, 2].map((k) => `${instanceDir(repo, k)}.started`);
    for (let i = 0; i < 300 && !started.every((f) => existsSync(f)); i++) await new Promise((r) => setTimeout(r, 100));
    assert.ok(started.every((f) => existsSync(f)), 'both instances reached their setup step');
    assert.equal((await branches(repo)).length, 2, 'the branches exist mid-spawn');
    process.kill(-spawn.pid!, 'SIGINT');
    const result = await spawn;
    assert.equal(result.signal, 'SIGINT', `spawn exited ${result.exitCode}: ${result.stderr}`);
    assert.deepEqual(await branches(repo), [], 'no branch left');
    assert.deepEqual(await worktreePaths(repo), [repo.dir], 'no worktree left');
    assert.ok(!existsSync(instanceDir(repo, 1)) && !existsSync(instanceDir(repo, 2)), 'no folder left');
    assert.deepEqual((await registry(repo)).instances, [], 'no registration left');
    // And the next spawn works (the spawn lock of the interrupted one is broken: its holder is gone).
    await fs.writeFile(path.join(repo.dir, 'wt-coord.yaml'), 'setup: []\n');
    const again = await cli(repo.dir, ['spawn', '1', '--install', 'none']);
    assert.equal(again.exitCode, 0, again.stderr);
  });

  it('a failing setup command rolls back only its instance, naming the step and showing its output', async () => {
    const repo = await newRepo({ 'README.md': '# app\n', 'wt-coord.yaml': 'setup:\n  - echo preparing $WT_COORD_INSTANCE\n  - \'if [ "$WT_COORD_INSTANCE" = 2 ]; then echo "boom: cannot build" >&2; exit 3; fi\'\n' });
    const result = await cli(repo.dir, ['spawn', '3', '--yes']);
    assert.equal(result.exitCode, 1);
    const error = result.stderr.trim().split('\n').at(-1)!;
    assert.match(error, /instance-2: step "setup" failed: .*exited 3: .*boom: cannot build/);
    assert.match(error, /rolled back instance-2; instance-1, instance-3 ready/);
    assert.match(result.stdout, /created instance-1[\s\S]*created instance-3/);
    assert.deepEqual(await branches(repo), ['wt/instance-1', 'wt/instance-3']);
    assert.ok(!existsSync(instanceDir(repo, 2)));
    assert.deepEqual(await worktreePaths(repo), [repo.dir, instanceDir(repo, 1), instanceDir(repo, 3)]);
    assert.deepEqual((await registry(repo)).instances.map((i) => [i.name, i.status]), [['instance-1', 'active'], ['instance-3', 'active']]);
    assert.match(await fs.readFile(path.join(coordDir(repo), 'logs', 'instance-1-setup.log'), 'utf8'), /preparing 1/);
    // The survivors are usable.
    assert.equal((await coordinate(repo, 3, ['whoami'])).exitCode, 0);
    assert.equal(await gitStatus(instanceDir(repo, 1)), '');
  });

  it('a spawn killed mid-way is reported by status, removed by teardown --force, and the next spawn proceeds', async () => {
    const repo = await newRepo({ 'README.md': '# app\n', 'wt-coord.yaml': 'setup:\n  - sleep 20\n' });
    const child = runCli(repo.dir, ['spawn', '2', '--yes']);
    const kits = [1, 2].map((k) => path.join(instanceDir(repo, k), '.claude-instance', 'coordinate.sh'));
    for (let waited = 0; !kits.every((k) => existsSync(k)); waited += 50) {
      assert.ok(waited < 20_000, 'spawn reached its setup step');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    child.kill('SIGKILL');
    await child;
    const status = await cli(repo.dir, ['status', '--json']);
    assert.equal(status.exitCode, 0, status.stderr);
    assert.deepEqual((JSON.parse(status.stdout).instances as { name: string; spawn_interrupted: boolean }[]).map((i) => [i.name, i.spawn_interrupted]), [['instance-1', true], ['instance-2', true]]);
    assert.match((await cli(repo.dir, ['status'])).stdout, /instance-1 .*SPAWN INTERRUPTED/);
    const torn = await cli(repo.dir, ['teardown', '--all', '--force']);
    assert.equal(torn.exitCode, 0, torn.stderr);
    assert.deepEqual(await branches(repo), []);
    assert.deepEqual(await worktreePaths(repo), [repo.dir]);
    await fs.writeFile(path.join(repo.dir, 'wt-coord.yaml'), 'setup: []\n');
    const again = await cli(repo.dir, ['spawn', '1', '--json']);
    assert.equal(again.exitCode, 0, again.stderr);
    assert.equal(JSON.parse(again.stdout).created[0].name, 'instance-1');
  });

  it('spawns at once are serialized: distinct numbers, no corruption, and none refused for a branch another is making', async () => {
    const repo = await newRepo();
    // After init, as in use: the check before the lock then sees the branches a running spawn is making.
    assert.equal((await cli(repo.dir, ['init'])).exitCode, 0);
    const runs = await Promise.all([1, 2, 3, 4].map(() => cli(repo.dir, ['spawn', '2', '--install', 'none', '--json'])));
    for (const r of runs) assert.equal(r.exitCode, 0, r.stderr);
    const names = runs.flatMap((r) => JSON.parse(r.stdout).created).map((i: { name: string }) => i.name).sort((x, y) => Number(x.slice(9)) - Number(y.slice(9)));
    assert.deepEqual(names, Array.from({ length: 8 }, (_, i) => `instance-${i + 1}`));
    assert.deepEqual((await registry(repo)).instances.map((i) => i.name).sort((x, y) => Number(x.slice(9)) - Number(y.slice(9))), names);
    assert.equal((await worktreePaths(repo)).length, 9);
  });
});

describe('bad input: a one-line error naming the problem, a non-zero exit, nothing changed', () => {
  async function expectRefusal(repo: TempRepo, cwd: string, args: string[], message: RegExp): Promise<void> {
    const before = await repoState(repo);
    const result = await cli(cwd, args);
    assert.notEqual(result.exitCode, 0, `${args.join(' ')} should fail`);
    assert.equal(result.stdout, '');
    const lines = result.stderr.trim().split('\n');
    assert.equal(lines.length, 1, `one line: ${result.stderr}`);
    assert.match(lines[0]!, /^error: /);
    assert.match(lines[0]!, message);
    assert.deepEqual(await repoState(repo), before, `${args.join(' ')} changed nothing`);
  }

  it('bad counts, a missing --base, an existing target folder, an unknown instance, a bad config', async () => {
    const repo = await newRepo();
    await expectRefusal(repo, repo.dir, ['spawn', '0'], /instance count must be at least 1, got 0/);
    await expectRefusal(repo, repo.dir, ['spawn', '-1'], /instance count must be at least 1, got -1/);
    await expectRefusal(repo, repo.dir, ['spawn', 'abc'], /instance count must be a whole number, got "abc"/);
    await expectRefusal(repo, repo.dir, ['spawn', '1000'], /instance count 1000 is over the maximum of 16.*max_instances/);
    await expectRefusal(repo, repo.dir, ['spawn', '1', '--base', 'no-such-branch'], /--base no-such-branch is not a commit/);
    await expectRefusal(repo, repo.dir, ['spawn', '1', '--install', 'teleport'], /unknown --install strategy "teleport"/);
    await fs.mkdir(instanceDir(repo, 1));
    await expectRefusal(repo, repo.dir, ['spawn', '2'], new RegExp(`target folder ${instanceDir(repo, 1)} already exists`));
    await fs.rmdir(instanceDir(repo, 1));
    await expectRefusal(repo, repo.dir, ['teardown', '7'], /no such instance: instance-7/);
    await expectRefusal(repo, repo.dir, ['teardown', 'banana'], /"banana" is not an instance/);
    await expectRefusal(repo, repo.dir, ['teardown', '--all', '1'], /name instances or pass --all, not both/);
    await fs.writeFile(path.join(repo.dir, 'wt-coord.yaml'), 'max_instances: lots\n');
    await expectRefusal(repo, repo.dir, ['spawn', '1'], /wt-coord\.yaml is invalid: max_instances: /);
    await fs.writeFile(path.join(repo.dir, 'wt-coord.yaml'), 'max_instance: 4\n');
    await expectRefusal(repo, repo.dir, ['spawn', '1'], /wt-coord\.yaml is invalid: .*max_instance/);
    await fs.writeFile(path.join(repo.dir, 'wt-coord.yaml'), 'max_instances: 2\n');
    await expectRefusal(repo, repo.dir, ['spawn', '3'], /instance count 3 is over the maximum of 2/);
  });

  it('outside a repository, in a repository with no commits, in a bare repository', async () => {
    const repo = await newRepo();
    const outside = path.join(repo.parent, 'plain');
    await fs.mkdir(outside);
    await expectRefusal(repo, outside, ['spawn', '1'], /is not inside a git repository/);
    const empty = path.join(repo.parent, 'empty');
    await execa('git', ['init', '-q', empty]);
    await expectRefusal(repo, empty, ['spawn', '1'], /the repository has no commits/);
    const bare = path.join(repo.parent, 'bare.git');
    await execa('git', ['init', '-q', '--bare', bare]);
    await expectRefusal(repo, bare, ['spawn', '1'], /is a bare repository/);
  });
});
