// Shared by the benchmarks: timing, medians and a side-by-side table.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const CLI = path.join(ROOT, process.env.WT_COORD_DIST ?? 'dist', 'cli.js');

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Runs fn `runs` times (after `warmup` unmeasured runs), returns the median in milliseconds. */
export async function timeMedian(fn, { runs = 5, warmup = 1 } = {}) {
  for (let i = 0; i < warmup; i++) await fn();
  const times = [];
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    await fn();
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  return median(times);
}

/**
 * Medians of several commands measured in alternation (a, b, c, a, b, c, ...), so that drift in
 * the machine's speed during the run weighs on each the same: the ratios between them hold.
 */
export async function timeInterleaved(fns, { runs = 11, warmup = 1 } = {}) {
  for (let i = 0; i < warmup; i++) for (const fn of fns) await fn();
  const times = fns.map(() => []);
  for (let i = 0; i < runs; i++) {
    for (const [k, fn] of fns.entries()) {
      const start = process.hrtime.bigint();
      await fn();
      times[k].push(Number(process.hrtime.bigint() - start) / 1e6);
    }
  }
  return times.map(median);
}

/** Prints rows of [label, value, unit, note] aligned. */
export function printTable(rows) {
  const width = Math.max(...rows.map((r) => r[0].length));
  for (const [label, value, unit, note] of rows) {
    const shown = typeof value === 'number' ? value.toFixed(value < 10 ? 3 : 1) : String(value);
    console.log(`  ${label.padEnd(width)}  ${shown.padStart(9)} ${unit ?? ''}${note ? `   ${note}` : ''}`);
  }
}

/** A git repo in a temp folder with one commit. */
export function benchRepo(name = 'bench-app') {
  const parent = realpathSync(mkdtempSync(path.join(tmpdir(), 'wtc-bench-')));
  const dir = path.join(parent, name);
  execFileSync('git', ['init', '-q', '-b', 'main', dir]);
  for (const [k, v] of [['user.name', 'Bench'], ['user.email', 'bench@example.com'], ['commit.gpgsign', 'false']]) execFileSync('git', ['config', k, v], { cwd: dir });
  return { parent, dir };
}

/**
 * A repository spawned by `cli` (default: this build) with `instances` instances and `tasks`
 * queued; memory auto-merge off, so no background merger skews a round. `call(k, args)` runs
 * instance k's coordinate.sh and answers its stdout.
 */
export function benchQueueRepo({ cli = CLI, instances, tasks }) {
  const { parent, dir } = benchRepo();
  writeFileSync(path.join(dir, 'README.md'), '# bench\n');
  writeFileSync(path.join(dir, 'wt-coord.yaml'), 'memory_auto_merge: false\n');
  execFileSync('git', ['add', '-A'], { cwd: dir });
  execFileSync('git', ['commit', '-q', '-m', 'initial'], { cwd: dir });
  execFileSync(process.execPath, [cli, 'spawn', String(instances), '--install', 'none'], { cwd: dir, stdio: 'ignore' });
  writeFileSync(path.join(parent, 'tasks.json'), JSON.stringify({ tasks }));
  execFileSync(process.execPath, [cli, 'task', 'import', path.join(parent, 'tasks.json')], { cwd: dir, stdio: 'ignore' });
  const worktree = (k) => path.join(parent, `${path.basename(dir)}-instance-${k}`);
  return {
    call: (k, args) => execFileSync(path.join(worktree(k), '.claude-instance', 'coordinate.sh'), args, { cwd: worktree(k), stdio: ['ignore', 'pipe', 'pipe'] }).toString(),
    cleanup: () => {
      execFileSync('chmod', ['-R', 'u+w', parent]);
      rmSync(parent, { recursive: true, force: true });
    },
  };
}
