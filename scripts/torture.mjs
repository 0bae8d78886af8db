// `npm run torture`: the fault-injection suite. 16 real worker processes drive their instances
// through coordinate.sh (claiming, reporting, messaging, completing: every call a store commit)
// while a chaos process SIGSTOPs lock holders past the stale-lock time, SIGKILLs calls at random
// and fills the store's disk. Then doctor --fix runs, and the checker compares what every caller
// was told with what the store holds: zero double claims, zero reused tokens, zero lost messages,
// zero reverted completions, documents valid and consistent. Prints the figures; exit 1 on any
// violation. Sizes: --workers, --faults, --seconds, --stale-ms, --tasks (or TORTURE_<NAME> env).
// See docs/reliability.md.
import { execFile, execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkRun, readMessages, readWorkerLogs } from './torture/check.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function option(name, fallback) {
  const flag = process.argv.indexOf(`--${name}`);
  const raw = flag !== -1 ? process.argv[flag + 1] : process.env[`TORTURE_${name.toUpperCase().replace(/-/g, '_')}`];
  if (raw === undefined) return fallback;
  if (typeof fallback === 'number') {
    const n = Number(raw);
    if (!Number.isFinite(n) || n <= 0) throw new Error(`--${name} must be a positive number, got "${raw}"`);
    return n;
  }
  return raw;
}

const config = {
  workers: option('workers', 16),
  faults: option('faults', 200),
  seconds: option('seconds', 240),
  staleMs: option('stale-ms', 1000),
  tasks: option('tasks', 400),
  cli: path.resolve(option('cli', path.join(root, 'dist', 'cli.js'))),
  keep: process.argv.includes('--keep'),
};

const sh = (cmd, args, opts = {}) => execFileSync(cmd, args, { encoding: 'utf8', ...opts });
const run = (cmd, args, opts = {}) =>
  new Promise((resolve) => execFile(cmd, args, { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, ...opts }, (error, stdout, stderr) => resolve({ code: error ? (error.code ?? 1) : 0, stdout, stderr })));
const env = { ...process.env, WT_COORD_LOCK_STALE_MS: String(config.staleMs), WT_COORD_NO_TMUX: '1', WT_COORD_CHECK_RECORDS: '1' };
// The set-up (spawn, import) is not under test and no fault is injected into it: it keeps the
// default stale time, so a slow machine's set-up is never taken for a paused holder by its own children.
const { WT_COORD_LOCK_STALE_MS: _unused, ...outerEnv } = process.env;
const setupEnv = { ...outerEnv, WT_COORD_NO_TMUX: '1' };

const parent = mkdtempSync(path.join(tmpdir(), 'wtc-torture-'));
const repo = path.join(parent, 'app');
const storeFs = path.join(parent, 'store-fs');
mkdirSync(storeFs);
let canFill = false;
let fillNote = '';
if (process.getuid?.() === 0) {
  try {
    sh('mount', ['-t', 'tmpfs', '-o', 'size=24m', 'tmpfs', storeFs]);
    canFill = true;
  } catch (error) {
    fillNote = `disk-full faults skipped: mounting a tmpfs failed (${String(error.message).split('\n')[0]})`;
  }
} else fillNote = 'disk-full faults skipped: not running as root, so no small tmpfs can be mounted for the store';
const coordDir = path.join(storeFs, 'coord');

function cleanup() {
  if (canFill) sh('umount', ['-l', storeFs]);
  if (!config.keep) {
    sh('chmod', ['-R', 'u+w', parent]);
    rmSync(parent, { recursive: true, force: true });
  }
}

try {
  sh('git', ['init', '-q', '-b', 'main', repo]);
  for (const [k, v] of Object.entries({ 'user.name': 'Torture', 'user.email': 'torture@example.com', 'commit.gpgsign': 'false', 'gc.auto': '0' })) sh('git', ['config', k, v], { cwd: repo });
  writeFileSync(path.join(repo, 'README.md'), '# torture\n');
  // Leases longer than the run and attempts enough: every second claim of a task is a double claim.
  writeFileSync(path.join(repo, 'wt-coord.yaml'), `coordination_dir: ${JSON.stringify(coordDir)}\nlease_minutes: 10000\nmax_attempts: 100\nmemory_auto_merge: false\n`);
  sh('git', ['add', '-A'], { cwd: repo });
  sh('git', ['commit', '-q', '-m', 'initial'], { cwd: repo });
  sh(process.execPath, [config.cli, 'spawn', String(config.workers)], { cwd: repo, env: setupEnv });
  const taskFile = path.join(parent, 'tasks.json');
  writeFileSync(taskFile, JSON.stringify({ tasks: Array.from({ length: config.tasks }, (_, i) => ({ description: `torture task ${i + 1}`, priority: 1 + (i % 3) })) }));
  sh(process.execPath, [config.cli, 'task', 'import', taskFile], { cwd: repo, env: setupEnv });

  const logs = path.join(parent, 'logs');
  mkdirSync(logs);
  const stopFile = path.join(parent, 'stop');
  const names = Array.from({ length: config.workers }, (_, i) => `instance-${i + 1}`);
  const worktree = (k) => path.join(parent, `app-instance-${k}`);
  console.log(`torture: ${config.workers} workers, ${config.faults} faults (stale-lock time ${config.staleMs} ms, at most ${config.seconds} s), ${config.tasks} tasks`);
  if (fillNote) console.log(fillNote);
  const started = Date.now();
  const workers = names.map((name, i) =>
    run(process.execPath, [path.join(root, 'scripts/torture/worker.mjs'), worktree(i + 1), path.join(logs, `${name}.jsonl`), stopFile, name, names.join(',')], { env }),
  );
  const chaos = await run(process.execPath, [path.join(root, 'scripts/torture/chaos.mjs'), coordDir, config.cli, String(config.staleMs), String(config.faults), String(config.seconds), canFill ? '1' : '0', parent], { env });
  writeFileSync(stopFile, '');
  const finished = await Promise.all(workers);
  const seconds = (Date.now() - started) / 1000;
  for (const w of finished) if (w.code !== 0) throw new Error(`a worker crashed: ${w.stderr}`);
  const faults = JSON.parse(chaos.stdout.trim().split('\n').pop() || '{}');

  // Everything still addressed to an instance is delivered now; then doctor repairs what it can.
  const finalInbox = [];
  for (const [i, name] of names.entries()) {
    const r = await run(path.join(worktree(i + 1), '.claude-instance', 'coordinate.sh'), ['inbox', '--json'], { cwd: worktree(i + 1), env });
    if (r.code !== 0) throw new Error(`final inbox of ${name} failed: ${r.stderr}`);
    finalInbox.push({ inst: name, got: JSON.parse(r.stdout) });
  }
  const fix = await run(process.execPath, [config.cli, 'doctor', '--fix', '--json'], { cwd: repo, env });
  const after = await run(process.execPath, [config.cli, 'doctor', '--json'], { cwd: repo, env });
  const doctorFixed = fix.stdout ? JSON.parse(fix.stdout).findings.filter((f) => f.fixed).map((f) => `${f.kind} ${path.basename(f.file)}: ${f.problem}`) : [`doctor --fix failed: ${fix.stderr}`];
  const doctorOpen = after.code === 0 ? [] : after.stdout ? JSON.parse(after.stdout).findings.filter((f) => !f.fixed).map((f) => `${f.file}: ${f.problem}`) : [after.stderr.trim()];

  const store = {
    tasks: JSON.parse(readFileSync(path.join(coordDir, 'tasks.json'), 'utf8')),
    instances: JSON.parse(readFileSync(path.join(coordDir, 'instances.json'), 'utf8')),
    messages: readMessages(path.join(coordDir, 'messages.jsonl')),
  };
  const { figures, violations } = checkRun(readWorkerLogs(logs), store, finalInbox);
  violations.doctor_after_fix = doctorOpen;
  const injected = faults.stop + faults.kill + faults.fill;
  console.log(`faults injected: ${injected} (${faults.stop} SIGSTOP past the stale time, ${faults.kill} SIGKILL, ${faults.fill} disk full; ${faults.missed} attempts found nothing to hit) in ${seconds.toFixed(0)} s`);
  console.log(`calls: ${figures.calls} (${figures.killed_calls} killed, ${figures.refused_calls} refused with an error)`);
  console.log(`claims: ${figures.claims}, completions confirmed: ${figures.completions}, tasks done: ${figures.tasks_done}`);
  console.log(`messages: ${figures.messages_confirmed} confirmed, ${figures.messages_in_log} in the log, ${figures.messages_shown_twice} shown as new twice`);
  console.log(`doctor --fix repaired: ${doctorFixed.length ? doctorFixed.join('; ') : 'nothing'}`);
  let bad = 0;
  for (const [kind, list] of Object.entries(violations)) {
    console.log(`${kind.replace(/_/g, ' ')}: ${list.length}`);
    for (const v of list.slice(0, 5)) console.log(`  ${v}`);
    bad += list.length;
  }
  if (injected < Math.min(config.faults, 1)) {
    console.log('error: no fault was injected — the run proves nothing; give it more --seconds');
    bad++;
  }
  if (config.keep) console.log(`kept: ${parent}`);
  process.exitCode = bad > 0 ? 1 : 0;
} finally {
  cleanup();
}
