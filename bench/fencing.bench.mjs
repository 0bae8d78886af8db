// What the store's fencing and atomic commits (issue 15) cost the hot path: a claim (request-task)
// and a send, with this build and with a build of the last commit before them (BENCH_BASELINE_REF,
// default 29f7bc5), both built and measured in this run, interleaved with `node -e 0`. The target:
// no slower than the baseline. The baseline is built into a temporary worktree of this repository
// (this checkout's node_modules linked in); a clone without that commit prints why and skips it.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ROOT, CLI, benchQueueRepo, printTable, timeInterleaved } from './lib.mjs';

const RUNS = Number(process.env.BENCH_RUNS ?? 15);
const BASELINE_REF = process.env.BENCH_BASELINE_REF ?? '29f7bc5';

/** Builds BASELINE_REF into a temporary worktree; returns its cli.js and how to remove it, or null with why. */
function buildBaseline() {
  try {
    execFileSync('git', ['cat-file', '-e', `${BASELINE_REF}^{commit}`], { cwd: ROOT, stdio: 'ignore' });
  } catch {
    return { why: `commit ${BASELINE_REF} is not in this clone (a shallow clone?): git fetch --unshallow, or set BENCH_BASELINE_REF` };
  }
  const dir = path.join(mkdtempSync(path.join(tmpdir(), 'wtc-bench-baseline-')), 'wt-coord');
  execFileSync('git', ['worktree', 'add', '--quiet', '--detach', dir, BASELINE_REF], { cwd: ROOT, stdio: 'ignore' });
  const remove = () => {
    execFileSync('git', ['worktree', 'remove', '--force', dir], { cwd: ROOT, stdio: 'ignore' });
    rmSync(path.dirname(dir), { recursive: true, force: true });
  };
  try {
    symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'));
    execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: dir, stdio: 'ignore' });
    const cli = path.join(dir, 'dist', 'cli.js');
    if (!existsSync(cli)) throw new Error('no dist/cli.js');
    return { cli, remove };
  } catch (error) {
    remove();
    return { why: `building ${BASELINE_REF} failed: ${error.message.split('\n')[0]}` };
  }
}

/** A repository spawned by `cli` with 4 instances and 200 queued tasks: how to claim and to send. */
function queueRepo(cli) {
  const q = benchQueueRepo({ cli, instances: 4, tasks: Array.from({ length: 200 }, (_, i) => ({ description: `bench task ${i + 1}`, priority: 1 + (i % 5) })) });
  let k = 0;
  return {
    // Each claim by the next instance, so every call claims a new task (none resumes one it holds).
    claim: () => { k = (k % 4) + 1; q.call(k, ['request-task', '--another']); },
    send: () => q.call(1, ['send', 'instance-2', 'benchmark message']),
    cleanup: q.cleanup,
  };
}

export default async function () {
  const baseline = buildBaseline();
  if (!baseline.cli) {
    console.log(`  baseline skipped: ${baseline.why}`);
    return;
  }
  const now = queueRepo(CLI);
  const before = queueRepo(baseline.cli);
  try {
    const [bare, claimNow, claimBefore, sendNow, sendBefore] = await timeInterleaved(
      [() => execFileSync(process.execPath, ['-e', '0']), now.claim, before.claim, now.send, before.send],
      { runs: RUNS },
    );
    const vs = (a, b) => `${(a / b).toFixed(2)}x the baseline (target: at most 1.00x)`;
    printTable([
      ['node -e 0 (measured alongside)', bare, 'ms'],
      [`claim (request-task), ${BASELINE_REF} (baseline, measured alongside)`, claimBefore, 'ms'],
      ['claim (request-task), this build', claimNow, 'ms', vs(claimNow, claimBefore)],
      [`send, ${BASELINE_REF} (baseline, measured alongside)`, sendBefore, 'ms'],
      ['send, this build', sendNow, 'ms', vs(sendNow, sendBefore)],
    ]);
  } finally {
    now.cleanup();
    before.cleanup();
    baseline.remove();
  }
}
