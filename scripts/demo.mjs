// `npm run demo`: wt-coord on a demo repository it creates in a temp folder, one visible step at a
// time. Each step prints the command it runs and its output. Add steps by adding `show(...)` calls.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, realpathSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEMO_CHECK, DEMO_TASKS } from './demo-plan.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const CLI = path.join(ROOT, process.env.WT_COORD_DIST ?? 'dist', 'cli.js');
const parent = realpathSync(mkdtempSync(path.join(tmpdir(), 'wt-coord-demo-')));
const repo = path.join(parent, 'demo-app');
const quiet = { stdio: ['ignore', 'ignore', 'inherit'] };

function heading(text) {
  console.log(`\n\x1b[1m== ${text}\x1b[0m`);
}

/** Runs a command in `cwd`, printing it first and its output after. */
function show(cwd, command, args) {
  const shown = command === process.execPath ? 'wt-coord' : command;
  const shownArgs = command === process.execPath ? args.slice(1) : args;
  console.log(`\x1b[2m${path.relative(parent, cwd) || '.'}$\x1b[0m ${[shown, ...shownArgs].join(' ')}`);
  const result = spawnSync(command, args, { cwd, encoding: 'utf8' });
  process.stdout.write(`${result.stderr}${result.stdout}`);
  if (result.status !== 0) throw new Error(`demo step failed (exit ${result.status}): ${shown} ${shownArgs.join(' ')}`);
}
const wtCoord = (cwd, ...args) => show(cwd, process.execPath, [CLI, ...args]);
const instance = (k) => path.join(parent, `demo-app-instance-${k}`);

heading(`1. A demo repository in ${parent}: a small package.json project with one dependency, installed`);
// The dependency is a local tarball made with `npm pack`, so the demo needs no network.
const lib = path.join(parent, 'greeting-lib');
mkdirSync(lib);
writeFileSync(path.join(lib, 'package.json'), JSON.stringify({ name: 'greeting-lib', version: '1.0.0', main: 'index.js' }));
writeFileSync(path.join(lib, 'index.js'), "module.exports = (name) => `hello, ${name}`;\n");
mkdirSync(path.join(repo, 'vendor'), { recursive: true });
execFileSync('npm', ['pack', '--silent', '--pack-destination', path.join(repo, 'vendor')], { cwd: lib, ...quiet });
writeFileSync(path.join(repo, 'package.json'), `${JSON.stringify({ name: 'demo-app', version: '1.0.0', private: true, scripts: { start: 'node src/index.js' }, dependencies: { 'greeting-lib': 'file:vendor/greeting-lib-1.0.0.tgz' } }, null, 2)}\n`);
mkdirSync(path.join(repo, 'src'));
writeFileSync(path.join(repo, 'src', 'index.js'), "console.log(require('greeting-lib')('world'));\n");
writeFileSync(path.join(repo, '.gitignore'), 'node_modules/\n');
execFileSync('git', ['init', '-q', '-b', 'main'], { cwd: repo });
for (const [key, value] of [['user.name', 'Demo'], ['user.email', 'demo@example.com'], ['commit.gpgsign', 'false']]) execFileSync('git', ['config', key, value], { cwd: repo });
execFileSync('npm', ['install', '--silent', '--offline', '--no-audit', '--no-fund'], { cwd: repo, ...quiet });
execFileSync('git', ['add', '-A'], { cwd: repo });
execFileSync('git', ['commit', '-qm', 'demo app'], { cwd: repo });
show(repo, 'git', ['log', '--oneline']);
show(repo, 'ls', ['-A']);

heading('2. wt-coord init: config, shared memory bank, coordination folder (inside .git, safe from git clean)');
wtCoord(repo, 'init');

heading('3. wt-coord spawn 3: three worktrees on three branches, each with its own node_modules');
wtCoord(repo, 'spawn', '3');
show(parent, 'ls', ['-1']);
show(repo, 'git', ['worktree', 'list']);

heading('4. The layout of one instance');
show(instance(1), 'ls', ['-lA']);
show(instance(1), 'ls', ['-l', 'memory-bank-shared/']);
show(instance(1), 'cat', ['.claude-instance/info.json']);
show(instance(1), 'npm', ['start', '--silent']);
show(instance(1), 'git', ['status', '--short', '--branch']);

heading('5. What an agent in instance 2 sees through its coordinate.sh');
show(instance(2), './.claude-instance/coordinate.sh', ['whoami']);
show(instance(2), './.claude-instance/coordinate.sh', ['status']);

heading('6. The leader: wt-coord status, after an agent left uncommitted work in instance 3');
show(instance(3), 'sh', ['-c', "echo 'export const feature = true;' > src/feature.js"]);
show(instance(1), 'ls', ['src']); // instance 1 does not see it
wtCoord(repo, 'status');

heading('7. wt-coord teardown: it refuses to lose instance 3\'s work, and --force discards it');
const refused = spawnSync(process.execPath, [CLI, 'teardown', '--all'], { cwd: repo, encoding: 'utf8' });
console.log(`\x1b[2mdemo-app$\x1b[0m wt-coord teardown --all\n${refused.stderr}(exit ${refused.status})`);
if (refused.status === 0) throw new Error('teardown removed uncommitted work without --force');
wtCoord(repo, 'teardown', '--all', '--force');
show(repo, 'git', ['worktree', 'list']);
show(repo, 'git', ['branch', '--list']);
console.log(`\nThe demo repository stays in ${parent}; remove it with: rm -rf ${parent}`);
if (readdirSync(parent).some((n) => n.startsWith('demo-app-instance-'))) throw new Error('instances left after teardown');

// ---------------------------------------------------------------------------------------------
// Orchestration (issue 7): `wt-coord run` with the scripted fake agent standing in for Claude Code
// (test/fixtures/fake-agent.sh: it acts only through coordinate.sh and commits in its worktree),
// then `wt-coord integrate` and the report. With tmux installed each agent runs in its own session.
heading('8. wt-coord run: a goal, 6 tasks with dependencies, 3 instances, one agent each (the fake agent)');
const demoTasks = path.join(parent, 'demo-tasks.json');
writeFileSync(demoTasks, `${JSON.stringify(DEMO_TASKS, null, 2)}\n`);
show(parent, 'cat', [demoTasks]);
wtCoord(repo, 'run', 'build the demo features', '-w', '3', '--tasks', demoTasks, '--agent', path.join(ROOT, 'test', 'fixtures', 'fake-agent.sh'));

heading('9. Each instance committed its tasks on its own branch; wt-coord integrate merges them in dependency order');
for (const k of [1, 2, 3]) show(repo, 'git', ['log', '--oneline', `main..wt/instance-${k}`]);
// The check runs after each merge, in whatever order the tasks' dependencies allow (which instance
// did which task differs from run to run): so it is one that holds after every merge, not one file.
wtCoord(repo, 'integrate', '--check', DEMO_CHECK);
show(repo, 'git', ['log', '--oneline', '--graph', 'wt/integration']);

heading('10. A checkpoint of the finished state, and the agents\' logs');
wtCoord(repo, 'checkpoint', 'after-demo-run');
wtCoord(repo, 'logs', '1', '-n', '8');
console.log(`\nThe orchestrated demo stays in ${parent}; remove it with: wt-coord teardown --all --force (in ${repo}) and rm -rf ${parent}`);
