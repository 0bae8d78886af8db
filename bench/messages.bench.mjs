// Message latency: from the start of `coordinate.sh send` until the message is visible to another
// instance (its `inbox`) and to `wt-coord watch`, beside seed 001's file-based option (a worker
// polling a shared file every 1 s: "~1-2 s") and `node -e 0` (the floor of any CLI call), all
// measured in this run. Target: median at most 200 ms.
import { execFileSync, spawn } from 'node:child_process';
import { statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { CLI, benchRepo, median, printTable, timeMedian } from './lib.mjs';

const RUNS = 9;

function run(file, args, cwd) {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`${path.basename(file)} ${args.join(' ')} exited ${code}: ${err}`))));
  });
}

const now = () => Number(process.hrtime.bigint()) / 1e6;

export default async function () {
  const { parent, dir } = benchRepo();
  writeFileSync(path.join(dir, 'README.md'), '# bench\n');
  execFileSync('git', ['add', '-A'], { cwd: dir });
  execFileSync('git', ['commit', '-qm', 'initial'], { cwd: dir });
  execFileSync(process.execPath, [CLI, 'spawn', '2', '--install', 'none'], { cwd: dir, stdio: 'ignore' });
  const coordinate = (k) => path.join(parent, `${path.basename(dir)}-instance-${k}`, '.claude-instance', 'coordinate.sh');
  const coordDir = path.join(dir, '.git', 'wt-coord');
  const send = (body) => run(coordinate(1), ['send', 'instance-2', body], dir);
  await send('warm-up');
  await run(coordinate(2), ['inbox'], dir);

  const nodeFloor = await timeMedian(() => run(process.execPath, ['-e', '0'], dir), { runs: RUNS });

  // Visible to another instance: the moment send returns, any inbox started then shows it.
  const committed = [];
  const roundTrip = [];
  for (let i = 0; i < RUNS; i++) {
    const body = `inbox-${i}`;
    const t0 = now();
    await send(body);
    committed.push(now() - t0);
    const shown = await run(coordinate(2), ['inbox', '--json'], dir);
    if (!shown.includes(body)) throw new Error(`inbox did not show ${body}`);
    roundTrip.push(now() - t0);
  }

  // Visible in watch: a piped watcher prints a line when fs.watch reports the change.
  const watcher = spawn(process.execPath, [CLI, 'watch'], { cwd: dir, stdio: ['ignore', 'pipe', 'ignore'] });
  let watched = '';
  const waiters = [];
  watcher.stdout.on('data', (d) => {
    watched += d;
    for (const w of [...waiters]) if (watched.includes(w.body)) w.resolve(now());
  });
  await new Promise((r) => setTimeout(r, 1_000));
  const toWatch = [];
  for (let i = 0; i < RUNS; i++) {
    const body = `watch-${i}`;
    const seen = new Promise((resolve) => waiters.push({ body, resolve }));
    const t0 = now();
    await send(body);
    toWatch.push((await seen) - t0);
  }
  watcher.kill('SIGINT');

  // Seed 001's file-based option: a worker polls the shared file every second.
  const polled = [];
  for (let i = 0; i < 3; i++) {
    const file = path.join(coordDir, 'messages.jsonl');
    const size = statSync(file).size;
    const t0 = now();
    const detected = new Promise((resolve) => {
      const timer = setInterval(() => {
        if (statSync(file).size !== size) {
          clearInterval(timer);
          resolve(now());
        }
      }, 1_000);
    });
    await send(`poll-${i}`);
    polled.push((await detected) - t0);
  }

  printTable([
    ['node -e 0 (floor of any call)', nodeFloor, 'ms'],
    ['send -> visible to any inbox', median(committed), 'ms', 'send returned: the message is committed'],
    ['send + the other instance\'s inbox', median(roundTrip), 'ms', 'two CLI calls back to back'],
    ['send -> shown by wt-coord watch', median(toWatch), 'ms', 'fs.watch, no polling; target <= 200 ms'],
    ['baseline: 1 s file polling (seed 001)', median(polled), 'ms', 'seed 001 quotes ~1-2 s'],
  ]);
  execFileSync('rm', ['-rf', parent]);
}
