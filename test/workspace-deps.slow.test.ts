// Dependency isolation with a real npm tree (local tarballs made with `npm pack`, so no network):
// installing, removing and editing in one instance never changes another instance or main, byte
// for byte; `auto` copies only when main's tree matches the lockfile, and installs otherwise.
import assert from 'node:assert/strict';
import { execa } from 'execa';
import { existsSync, promises as fs } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { cli as runCli, git, gitRepo, instanceDir, type TempRepo } from './helpers.js';
import { gitStatus, treeSnapshot } from './workspace-fixtures.js';

let repo: TempRepo;
let npmEnv: Record<string, string>;
const npm = (cwd: string, args: string[]) => execa('npm', [...args, '--no-audit', '--no-fund', '--offline'], { cwd, env: npmEnv });
const cli = async (args: string[]) => {
  const r = await runCli(repo.dir, args, { env: npmEnv });
  return { exitCode: r.exitCode, stdout: String(r.stdout), stderr: String(r.stderr) };
};
const snapshotOf = async (dir: string) => ({
  node_modules: await treeSnapshot(path.join(dir, 'node_modules')),
  package: await fs.readFile(path.join(dir, 'package.json'), 'utf8'),
  lock: await fs.readFile(path.join(dir, 'package-lock.json'), 'utf8'),
});
interface SpawnJson {
  created: { name: string; dependencies: string }[];
  dependencies: { strategy: string; reason: string };
}

/** A package tarball `wtc-dep-<name>-1.0.0.tgz` in `vendor/`, made with `npm pack`. */
async function packTarball(vendor: string, name: string): Promise<void> {
  const src = path.join(repo.parent, 'pkg-src', name);
  await fs.mkdir(src, { recursive: true });
  await fs.writeFile(path.join(src, 'package.json'), JSON.stringify({ name: `wtc-dep-${name}`, version: '1.0.0', main: 'index.js' }));
  await fs.writeFile(path.join(src, 'index.js'), `module.exports = ${JSON.stringify(name)};\n`);
  await execa('npm', ['pack', '--pack-destination', vendor], { cwd: src, env: npmEnv });
}

before(async () => {
  repo = await gitRepo('app', { 'README.md': '# app\n', '.gitignore': 'node_modules/\n' });
  npmEnv = { npm_config_cache: path.join(repo.parent, '.npm-cache'), npm_config_update_notifier: 'false' };
  const vendor = path.join(repo.dir, 'vendor');
  await fs.mkdir(vendor);
  for (const name of ['a', 'b', 'c']) await packTarball(vendor, name);
  await fs.writeFile(
    path.join(repo.dir, 'package.json'),
    `${JSON.stringify({ name: 'app', version: '1.0.0', private: true, dependencies: { 'wtc-dep-a': 'file:vendor/wtc-dep-a-1.0.0.tgz', 'wtc-dep-b': 'file:vendor/wtc-dep-b-1.0.0.tgz' } }, null, 2)}\n`,
  );
  await npm(repo.dir, ['install']);
  await git(repo.dir, ['add', '-A']);
  await git(repo.dir, ['commit', '-qm', 'dependencies']);
});
after(() => repo.cleanup());

describe('node_modules isolation', () => {
  it('auto copies main tree; install, removal and an in-place edit in instance 1 leave instance 2 and main unchanged', async () => {
    const spawn = await cli(['spawn', '2', '--json']);
    assert.equal(spawn.exitCode, 0, spawn.stderr);
    const out = JSON.parse(spawn.stdout) as SpawnJson;
    assert.match(out.dependencies.strategy, /^(copy|clone)$/, out.dependencies.reason);
    assert.match(out.dependencies.reason, /matches package-lock\.json/);
    const [one, two] = [instanceDir(repo, 1), instanceDir(repo, 2)];
    assert.deepEqual(await snapshotOf(two), await snapshotOf(repo.dir), 'instance 2 starts as a copy of main');
    const mainBefore = await snapshotOf(repo.dir);
    const twoBefore = await snapshotOf(two);

    await fs.appendFile(path.join(one, 'node_modules', 'wtc-dep-a', 'index.js'), '// edited in instance 1\n');
    await npm(one, ['install', 'file:vendor/wtc-dep-c-1.0.0.tgz']);
    await npm(one, ['uninstall', 'wtc-dep-b']);
    assert.ok(existsSync(path.join(one, 'node_modules', 'wtc-dep-c')) && !existsSync(path.join(one, 'node_modules', 'wtc-dep-b')), 'instance 1 changed');
    assert.match(await fs.readFile(path.join(one, 'node_modules', 'wtc-dep-a', 'index.js'), 'utf8'), /edited in instance 1/);

    assert.deepEqual(await snapshotOf(repo.dir), mainBefore, 'main unchanged byte for byte');
    assert.deepEqual(await snapshotOf(two), twoBefore, 'instance 2 unchanged byte for byte');
    assert.equal(await gitStatus(repo.dir), '');
    assert.equal(await gitStatus(two), '');
    assert.equal(await gitStatus(one), ' M package-lock.json\n M package.json', 'only what the user changed in instance 1');
    assert.equal((await cli(['teardown', '--all', '--force'])).exitCode, 0);
  });

  it('auto installs with npm ci when main has packages the lockfile does not list', async () => {
    await npm(repo.dir, ['install', '--no-save', 'file:vendor/wtc-dep-c-1.0.0.tgz']);
    try {
      const spawn = await cli(['spawn', '1', '--json']);
      assert.equal(spawn.exitCode, 0, spawn.stderr);
      const out = JSON.parse(spawn.stdout) as SpawnJson;
      assert.equal(out.dependencies.strategy, 'install');
      assert.match(out.dependencies.reason, /does not match package-lock\.json/);
      const nm = path.join(instanceDir(repo, 1), 'node_modules');
      assert.deepEqual((await fs.readdir(nm)).filter((n) => n.startsWith('wtc-')).sort(), ['wtc-dep-a', 'wtc-dep-b'], 'installed from the lockfile, not copied from main');
      assert.equal(await gitStatus(instanceDir(repo, 1)), '');
    } finally {
      await npm(repo.dir, ['ci']);
      assert.equal((await cli(['teardown', '--all', '--force'])).exitCode, 0);
    }
  });

  it('hardlink shares files but keeps npm-rewritten files private; an in-place edit does reach main (as the README warns)', async () => {
    const spawn = await cli(['spawn', '1', '--install', 'hardlink', '--json']);
    assert.equal(spawn.exitCode, 0, spawn.stderr);
    assert.equal((JSON.parse(spawn.stdout) as SpawnJson).created[0]!.dependencies, 'hardlink');
    const nm = path.join(instanceDir(repo, 1), 'node_modules');
    assert.equal((await fs.stat(path.join(nm, '.package-lock.json'))).nlink, 1, '.package-lock.json is a private copy');
    assert.ok((await fs.stat(path.join(nm, 'wtc-dep-a', 'index.js'))).nlink > 1, 'package files are shared');
    const mainBefore = await snapshotOf(repo.dir);
    await npm(instanceDir(repo, 1), ['install', 'file:vendor/wtc-dep-c-1.0.0.tgz']);
    await npm(instanceDir(repo, 1), ['uninstall', 'wtc-dep-b']);
    assert.deepEqual(await snapshotOf(repo.dir), mainBefore, 'install and removal stay in the instance');
    await fs.appendFile(path.join(nm, 'wtc-dep-a', 'index.js'), '// in place\n');
    assert.match(await fs.readFile(path.join(repo.dir, 'node_modules', 'wtc-dep-a', 'index.js'), 'utf8'), /in place/);
    assert.equal((await cli(['teardown', '--all', '--force'])).exitCode, 0);
  });
});
