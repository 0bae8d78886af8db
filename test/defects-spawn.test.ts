// Issue 14 item 16: setup commands from a committed wt-coord.yaml run only after this user approved
// that exact command set (or --yes).
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { cli, git, gitRepo, type TempRepo } from './helpers.js';

const coordDir = (repo: TempRepo) => path.join(repo.dir, '.git', 'wt-coord');
const branches = async (repo: TempRepo) => (await git(repo.dir, ['branch', '--list', 'wt/*', '--format=%(refname:short)'])).split('\n').filter(Boolean);
const worktrees = async (repo: TempRepo) => (await git(repo.dir, ['worktree', 'list', '--porcelain'])).split('\n').filter((l) => l.startsWith('worktree ')).length;
const registered = (repo: TempRepo) => (existsSync(path.join(coordDir(repo), 'instances.json')) ? JSON.parse(readFileSync(path.join(coordDir(repo), 'instances.json'), 'utf8')).instances.length : 0);

/** A HOME of its own, so approvals never touch the person's. */
function ownHome(): Record<string, string> {
  const home = realpathSync(mkdtempSync(path.join(tmpdir(), 'wtc-home-')));
  return { HOME: home, XDG_CONFIG_HOME: path.join(home, '.config') };
}

async function repoWithSetup(commands: string[]): Promise<TempRepo> {
  const yaml = `setup:\n${commands.map((c) => `  - ${JSON.stringify(c)}`).join('\n')}\n`;
  return gitRepo('app', { 'README.md': '# app\n', 'wt-coord.yaml': yaml });
}

describe('item 16: setup commands of a cloned repository need approval', () => {
  let repo: TempRepo;
  let env: Record<string, string>;
  let marker: string;
  before(async () => {
    env = ownHome();
    marker = path.join(env.HOME!, 'ran-setup');
    repo = await repoWithSetup([`echo pwned >> ${marker}`]);
  });
  after(() => repo.cleanup());

  test('spawn without approval (no terminal) refuses, lists the commands, runs nothing, writes nothing', async () => {
    const r = await cli(repo.dir, ['spawn', '1', '--install', 'none'], { env, stdin: 'ignore' });
    assert.equal(r.exitCode, 2, String(r.stderr));
    const lines = String(r.stderr).trim().split('\n');
    assert.match(lines.at(-1)!, /^error: .*setup command.*not approved.* — .*--yes/);
    assert.match(String(r.stderr), /echo pwned/);
    assert.equal(existsSync(marker), false, 'a setup command ran without approval');
    assert.equal(await worktrees(repo), 1);
    assert.deepEqual(await branches(repo), []);
    assert.equal(registered(repo), 0);
  });

  test('run refuses the same way before it writes the goal', async () => {
    const r = await cli(repo.dir, ['run', 'a goal', '-w', '1', '--agent', path.join(process.cwd(), 'test/fixtures/fake-agent.sh'), '--no-tmux'], { env, stdin: 'ignore' });
    assert.equal(r.exitCode, 2, String(r.stderr));
    assert.match(String(r.stderr), /not approved/);
    assert.equal(existsSync(path.join(coordDir(repo), 'master-plan.md')), false);
    assert.equal(existsSync(marker), false);
  });

  test('--yes approves and runs them; the approval is remembered outside the repository, keyed by the commands', async () => {
    const yes = await cli(repo.dir, ['spawn', '1', '--install', 'none', '--yes'], { env, stdin: 'ignore' });
    assert.equal(yes.exitCode, 0, String(yes.stderr));
    assert.equal(readFileSync(marker, 'utf8'), 'pwned\n');
    const again = await cli(repo.dir, ['spawn', '1', '--install', 'none'], { env, stdin: 'ignore' });
    assert.equal(again.exitCode, 0, `the same commands were approved already: ${again.stderr}`);
    assert.equal(readFileSync(marker, 'utf8'), 'pwned\npwned\n');
    // Nothing about the approval lives in the repository.
    assert.equal((await git(repo.dir, ['status', '--porcelain'])).trim(), '');
    // A changed command set needs a new approval.
    writeFileSync(path.join(repo.dir, 'wt-coord.yaml'), `setup:\n  - "echo changed >> ${marker}"\n`);
    const changed = await cli(repo.dir, ['spawn', '1', '--install', 'none'], { env, stdin: 'ignore' });
    assert.equal(changed.exitCode, 2, String(changed.stderr));
    assert.equal(readFileSync(marker, 'utf8'), 'pwned\npwned\n');
    // Another user (another HOME) has not approved anything.
    const stranger = await cli(repo.dir, ['spawn', '1', '--install', 'none'], { env: ownHome(), stdin: 'ignore' });
    assert.equal(stranger.exitCode, 2);
  });
});
