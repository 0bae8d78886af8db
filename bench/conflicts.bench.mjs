// `npm run bench conflicts`: the conflict forecast for 8 instances (8 branches into main + 28
// pairs = 36 merges) on a repository of 5,000 files, as `wt-coord conflicts --json` runs it: cold
// (no cache: every merge computed, in one `git merge-tree --stdin`), warm (nothing moved: all from
// the cache) and after one branch moved. Beside it, from the same run: one plain
// `git merge-tree --write-tree` of two of those branches, and `node -e 0` (start-up alone).
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { CLI, benchRepo, printTable, timeInterleaved } from './lib.mjs';

const FILES = 5_000;
const INSTANCES = 8;
const run = (cmd, args, cwd) => execFileSync(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] }).toString();

function makeRepository() {
  const { parent, dir } = benchRepo('bench-forecast');
  for (let d = 0; d < 50; d++) {
    mkdirSync(path.join(dir, 'src', `pkg-${d}`), { recursive: true });
    for (let f = 0; f < FILES / 50; f++) writeFileSync(path.join(dir, 'src', `pkg-${d}`, `file-${f}.ts`), `export const v${f} = ${f};\n`.repeat(10));
  }
  run('git', ['add', '-A'], dir);
  run('git', ['commit', '-qm', '5000 files'], dir);
  run(process.execPath, [CLI, 'spawn', String(INSTANCES), '--install', 'none'], dir);
  // Each instance changes 20 files of its own and one shared file; neighbours also touch one of each other's.
  for (let k = 1; k <= INSTANCES; k++) {
    const wt = path.join(parent, `bench-forecast-instance-${k}`);
    for (let f = 0; f < 20; f++) writeFileSync(path.join(wt, 'src', `pkg-${k}`, `file-${f}.ts`), `export const changedBy${k} = ${f};\n`);
    writeFileSync(path.join(wt, 'src', 'pkg-0', 'file-0.ts'), `export const shared = ${k};\n`);
    writeFileSync(path.join(wt, 'src', `pkg-${(k % INSTANCES) + 1}`, 'file-99.ts'), `export const neighbour = ${k};\n`);
    run('git', ['commit', '-qam', `instance ${k}`], wt);
  }
  return { parent, dir };
}

export default async function bench() {
  const repo = makeRepository();
  const cache = path.join(repo.dir, '.git', 'wt-coord', 'conflict-forecast.json');
  const forecast = () => JSON.parse(run(process.execPath, [CLI, 'conflicts', '--json'], repo.dir));
  const first = forecast();
  const conflicting = first.pairs.filter((p) => p.outcome.result !== 'clean').length;
  // instance-1 alternates between two commits (update-ref, not timed work): each run finds it moved.
  const movingWt = path.join(repo.parent, 'bench-forecast-instance-1');
  const tips = [run('git', ['rev-parse', 'HEAD'], movingWt).trim()];
  writeFileSync(path.join(movingWt, 'src', 'pkg-1', 'file-50.ts'), 'export const moved = true;\n');
  run('git', ['commit', '-qam', 'move'], movingWt);
  tips.push(run('git', ['rev-parse', 'HEAD'], movingWt).trim());
  let flip = 0;
  const pairs = [];
  for (let a = 1; a <= INSTANCES; a++) for (let b = a + 1; b <= INSTANCES; b++) pairs.push([`wt/instance-${a}`, `wt/instance-${b}`]);
  for (let a = 1; a <= INSTANCES; a++) pairs.push(['main', `wt/instance-${a}`]);
  const [cold, warm, moved, separate, plain, node] = await timeInterleaved([
    async () => {
      rmSync(cache, { force: true });
      forecast();
    },
    async () => forecast(),
    async () => {
      run('git', ['update-ref', 'refs/heads/wt/instance-1', tips[flip++ % 2]], repo.dir);
      forecast();
    },
    async () => {
      for (const [a, b] of pairs) spawnSync('git', ['merge-tree', '--write-tree', '--name-only', a, b], { cwd: repo.dir, stdio: 'ignore' });
    },
    // Exit 1 (they conflict) is an answer, not a failure.
    async () => spawnSync('git', ['merge-tree', '--write-tree', 'wt/instance-2', 'wt/instance-3'], { cwd: repo.dir, stdio: 'ignore' }),
    async () => execFileSync(process.execPath, ['-e', '0']),
  ], { runs: Number(process.env.BENCH_RUNS ?? 7) });
  console.log(`  ${FILES} files, ${INSTANCES} instances: ${INSTANCES} branches into main + ${first.pairs.length} pairs (${conflicting} conflicting); medians of interleaved runs`);
  printTable([
    ['conflicts --json, cold (36 merges)', cold, 'ms', `the 36 merges cost ${(cold - warm).toFixed(0)} ms = ${((cold - warm) / plain).toFixed(1)}x one merge-tree`],
    ['conflicts --json, warm (cached)', warm, 'ms', `${(warm / node).toFixed(1)}x node -e 0`],
    ['conflicts --json, one branch moved (8 merges)', moved, 'ms'],
    ['36 merges, one git merge-tree process each', separate, 'ms', 'what --stdin batching saves'],
    ['one plain git merge-tree --write-tree', plain, 'ms', 'baseline'],
    ['node -e 0', node, 'ms', 'baseline'],
  ]);
  rmSync(repo.parent, { recursive: true, force: true });
}
