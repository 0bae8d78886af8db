// `npm run bench spawn`: how long `wt-coord spawn 4` and `teardown --all --force` take on a project
// with a real dependency tree, beside what a person would otherwise do, measured in the same run:
// 4 x bare `git worktree add`, 4 x (add + `cp -a node_modules`), 4 x (add + `npm ci`), and
// `git worktree remove` of worktrees holding node_modules.
// The dependency tree is installed once from the npm registry into .bench/spawn-deps/ and reused.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { CLI, ROOT, benchRepo, median, printTable } from './lib.mjs';

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const COUNT = 4;
// Well-known packages whose transitive dependencies together pass 300 packages.
const DEPENDENCIES = { jest: '29.7.0', eslint: '8.57.0', webpack: '5.91.0', express: '4.19.2' };
const CACHE = path.join(ROOT, '.bench', 'spawn-deps');
const NPM_CACHE = path.join(ROOT, '.bench', 'npm-cache');
const npmEnv = { ...process.env, npm_config_cache: NPM_CACHE, npm_config_update_notifier: 'false', npm_config_fund: 'false', npm_config_audit: 'false' };

const run = (cmd, args, cwd, env = process.env) => execFileSync(cmd, args, { cwd, env, stdio: ['ignore', 'ignore', 'pipe'] });

function ensureDependencyTree() {
  const lock = path.join(CACHE, 'package-lock.json');
  const wanted = JSON.stringify({ name: 'bench-app', version: '1.0.0', private: true, dependencies: DEPENDENCIES }, null, 2);
  if (existsSync(path.join(CACHE, 'node_modules', '.package-lock.json')) && readFileSync(path.join(CACHE, 'package.json'), 'utf8') === wanted) return;
  console.log(`  installing the benchmark's dependency tree once into ${path.relative(ROOT, CACHE)} (npm registry)…`);
  rmSync(CACHE, { recursive: true, force: true });
  mkdirSync(CACHE, { recursive: true });
  writeFileSync(path.join(CACHE, 'package.json'), wanted);
  run('npm', ['install', '--no-audit', '--no-fund'], CACHE, npmEnv);
  if (!existsSync(lock)) throw new Error('npm install wrote no package-lock.json');
}

function treeFacts() {
  const hidden = JSON.parse(readFileSync(path.join(CACHE, 'node_modules', '.package-lock.json'), 'utf8'));
  const packages = Object.keys(hidden.packages).filter((k) => k.includes('node_modules/')).length;
  const megabytes = Number(execFileSync('du', ['-sm', path.join(CACHE, 'node_modules')]).toString().split('\t')[0]);
  return { packages, megabytes };
}

/** A repository like a real project: sources, package.json + lockfile committed, node_modules installed. */
function makeProject() {
  const { parent, dir } = benchRepo('bench-app');
  mkdirSync(path.join(dir, 'src'));
  for (let i = 0; i < 50; i++) writeFileSync(path.join(dir, 'src', `module-${i}.js`), `export const value${i} = ${i};\n`.repeat(20));
  writeFileSync(path.join(dir, '.gitignore'), 'node_modules/\n');
  cpSync(path.join(CACHE, 'package.json'), path.join(dir, 'package.json'));
  cpSync(path.join(CACHE, 'package-lock.json'), path.join(dir, 'package-lock.json'));
  run('git', ['add', '-A'], dir);
  run('git', ['commit', '-qm', 'project'], dir);
  run('cp', ['-a', path.join(CACHE, 'node_modules'), path.join(dir, 'node_modules')], dir);
  return { parent, dir };
}

const folders = (project) => Array.from({ length: COUNT }, (_, k) => path.join(project.parent, `bench-app-manual-${k + 1}`));

function time(fn) {
  // Flush what earlier steps wrote (and deleted) first, so it is not billed to this measurement.
  execFileSync('sync');
  const start = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - start) / 1e9;
}

/** Teardown deletes in the background: wait for it so it does not slow the next measurement. */
function waitForBackgroundDeletes(parent) {
  const deadline = Date.now() + 10 * 60_000;
  while (readdirSync(parent).some((n) => n.includes('.wt-coord-deleting-')) && Date.now() < deadline) execFileSync('sleep', ['0.2']);
}

function removeManual(project, withGit = true) {
  for (const folder of folders(project)) {
    if (withGit) run('git', ['worktree', 'remove', '--force', folder], project.dir);
    rmSync(folder, { recursive: true, force: true });
  }
  run('git', ['worktree', 'prune'], project.dir);
  for (let k = 1; k <= COUNT; k++) run('git', ['branch', '-D', `manual-${k}`], project.dir);
}

function addWorktrees(project, after) {
  folders(project).forEach((folder, k) => {
    run('git', ['worktree', 'add', '-q', '-b', `manual-${k + 1}`, folder, 'HEAD'], project.dir);
    after?.(folder);
  });
}

export default async function main() {
  ensureDependencyTree();
  const facts = treeFacts();
  const project = makeProject();
  console.log(`  project: ${facts.packages} packages, ${facts.megabytes} MB of node_modules; ${COUNT} instances; median of ${RUNS} runs`);
  const t = { spawn: [], teardown: [], add: [], addCopy: [], addCi: [], remove: [], removeBare: [] };
  let strategy = '?';
  try {
    for (let r = 0; r < RUNS; r++) {
      t.spawn.push(time(() => {
        const out = execFileSync(process.execPath, [CLI, 'spawn', String(COUNT), '--json'], { cwd: project.dir, env: npmEnv });
        strategy = JSON.parse(out.toString()).dependencies.strategy;
      }));
      t.teardown.push(time(() => run(process.execPath, [CLI, 'teardown', '--all', '--force'], project.dir)));
      waitForBackgroundDeletes(project.parent);

      t.add.push(time(() => addWorktrees(project)));
      t.removeBare.push(time(() => folders(project).forEach((f) => run('git', ['worktree', 'remove', f], project.dir))));
      removeManual(project, false);

      t.addCopy.push(time(() => addWorktrees(project, (folder) => run('cp', ['-a', path.join(project.dir, 'node_modules'), path.join(folder, 'node_modules')], folder))));
      t.remove.push(time(() => folders(project).forEach((f) => run('git', ['worktree', 'remove', '--force', f], project.dir))));
      removeManual(project, false);

      t.addCi.push(time(() => addWorktrees(project, (folder) => run('npm', ['ci', '--prefer-offline', '--no-audit', '--no-fund'], folder, npmEnv))));
      removeManual(project);
    }
  } finally {
    execFileSync(process.execPath, [CLI, 'teardown', '--all', '--force'], { cwd: project.dir, stdio: 'ignore' });
    waitForBackgroundDeletes(project.parent);
    rmSync(project.parent, { recursive: true, force: true });
  }
  const m = Object.fromEntries(Object.entries(t).map(([k, v]) => [k, median(v)]));
  const ratio = (a, b) => `${(a / b).toFixed(2)}x`;
  printTable([
    [`wt-coord spawn ${COUNT} (default: ${strategy})`, m.spawn, 's'],
    [`${COUNT} x git worktree add`, m.add, 's'],
    [`${COUNT} x (git worktree add + cp -a node_modules)`, m.addCopy, 's'],
    [`${COUNT} x (git worktree add + npm ci)`, m.addCi, 's'],
    [`wt-coord teardown --all --force (${COUNT})`, m.teardown, 's'],
    [`${COUNT} x git worktree remove --force (with node_modules)`, m.remove, 's'],
    [`${COUNT} x git worktree remove (bare worktrees, no node_modules)`, m.removeBare, 's'],
  ]);
  const spawnVsCopy = m.spawn / m.addCopy;
  const ciVsSpawn = m.addCi / m.spawn;
  const teardownVsRemove = m.teardown / m.remove;
  console.log('  targets:');
  console.log(`    spawn within 1.5x of add + copy:       ${ratio(m.spawn, m.addCopy)}  ${spawnVsCopy <= 1.5 ? 'met' : 'MISSED'}`);
  console.log(`    spawn at least 2x faster than npm ci:  ${ratio(m.addCi, m.spawn)} faster  ${ciVsSpawn >= 2 ? 'met' : 'MISSED'}`);
  console.log(`    teardown within 1.5x of worktree remove: ${ratio(m.teardown, m.remove)}  ${teardownVsRemove <= 1.5 ? 'met' : 'MISSED'}`);
}
