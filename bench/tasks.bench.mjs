// Task queue: latency of coordinate.sh request-task and report-progress beside bare `node -e 0`
// (target: at most 2x), at a typical queue size and a large one (the queue is read, validated and
// rewritten on each claim, so its size shows), and claims per second with 16 concurrent claimers.
import { execFile, execFileSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { CLI, benchRepo, printTable, timeInterleaved } from './lib.mjs';

const run = promisify(execFile);
const RUNS = 15;
const bareNode = () => run(process.execPath, ['-e', '0']);

/** A repo with 4 instances and `size` queued tasks; returns how to call coordinate.sh and clean up. */
function queueRepo(size) {
  const { parent, dir } = benchRepo();
  writeFileSync(path.join(dir, 'README.md'), '# bench\n');
  execFileSync('git', ['add', '-A'], { cwd: dir });
  execFileSync('git', ['commit', '-q', '-m', 'initial'], { cwd: dir });
  execFileSync(process.execPath, [CLI, 'spawn', '4'], { cwd: dir });
  const tasks = Array.from({ length: size }, (_, i) => ({ description: `bench task ${i + 1}`, priority: 1 + (i % 5) }));
  writeFileSync(path.join(parent, 'tasks.json'), JSON.stringify({ tasks }));
  execFileSync(process.execPath, [CLI, 'task', 'import', path.join(parent, 'tasks.json')], { cwd: dir });
  const worktree = (k) => path.join(parent, `bench-app-instance-${k}`);
  return {
    call: (k, args) => run(path.join(worktree(k), '.claude-instance', 'coordinate.sh'), args, { cwd: worktree(k) }).catch((e) => e),
    cleanup: () => {
      execFileSync('chmod', ['-R', 'u+w', parent]);
      rmSync(parent, { recursive: true, force: true });
    },
  };
}

async function latencies(size) {
  const q = queueRepo(size);
  try {
    const [bare, request, progress] = await timeInterleaved(
      [bareNode, () => q.call(1, ['request-task', '--another']), () => q.call(1, ['report-progress', '50%', 'benchmarking'])],
      { runs: RUNS },
    );
    return [
      [`node -e 0 (baseline, measured alongside)`, bare, 'ms'],
      [`request-task, queue of ${size}`, request, 'ms', `${(request / bare).toFixed(2)}x node (target <= 2x)`],
      [`report-progress, queue of ${size}`, progress, 'ms', `${(progress / bare).toFixed(2)}x node (target <= 2x)`],
    ];
  } finally {
    q.cleanup();
  }
}

async function claimsPerSecond() {
  const q = queueRepo(200);
  try {
    const claims = 160;
    let left = claims;
    const start = process.hrtime.bigint();
    await Promise.all(Array.from({ length: 16 }, async (_, i) => {
      while (left-- > 0) await q.call(1 + (i % 4), ['request-task', '--another']);
    }));
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    return ['claims/s, 16 concurrent claimers', claims / seconds, '/s', `${claims} claims in ${seconds.toFixed(1)} s on ${(await import('node:os')).availableParallelism()} cores`];
  } finally {
    q.cleanup();
  }
}

export default async function () {
  const rows = [...(await latencies(50)), ...(await latencies(600)), await claimsPerSecond()];
  printTable(rows);
}
