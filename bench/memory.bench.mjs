// merge-memory: median seconds to merge 1,000 and 10,000 queued discoveries (target: 10,000 under
// 2 s), with the cost per discovery beside each so linear growth shows. Baseline measured in the
// same run: a merge with an empty queue (Node start-up, config, lock) on the same repository.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync, rmSync, chmodSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { CLI, benchRepo, printTable, timeMedian } from './lib.mjs';

const CATEGORIES = ['pattern', 'decision', 'solution', 'blocker'];

/** Queues `n` discoveries as update-memory would (one record file each), 10% of them duplicates. */
function fillQueue(coordDir, n) {
  const dir = path.join(coordDir, 'memory-queue', 'new');
  mkdirSync(dir, { recursive: true });
  const start = Date.now();
  for (let i = 0; i < n; i++) {
    const id = `d-${(start + i).toString(36)}-${randomBytes(5).toString('hex')}`;
    const topic = i % 10 === 9 ? i - 9 : i;
    const record = { v: 1, id, instance: `instance-${1 + (i % 3)}`, task: String(i % 50), category: CATEGORIES[topic % 4], text: `Discovery ${topic}: module m${topic} caches its results; invalidate on write to keep readers consistent.`, files: [`src/m${topic}.ts`], time: new Date(start + i).toISOString() };
    writeFileSync(path.join(dir, `${id}.json`), `${JSON.stringify(record)}\n`);
  }
}

function freshRepo() {
  const { parent, dir } = benchRepo();
  writeFileSync(path.join(dir, 'README.md'), '# bench\n');
  execFileSync('git', ['add', '-A'], { cwd: dir });
  execFileSync('git', ['commit', '-qm', 'init'], { cwd: dir });
  execFileSync(process.execPath, [CLI, 'init'], { cwd: dir });
  return { parent, dir, coordDir: path.join(dir, '.git', 'wt-coord') };
}

/** Resets the bank and the ledger, so every run merges the same n discoveries into an empty bank. */
function reset(repo) {
  rmSync(path.join(repo.coordDir, 'memory-queue'), { recursive: true, force: true });
  rmSync(path.join(repo.coordDir, 'memory-merged.json'), { force: true });
  const bank = path.join(repo.dir, 'memory-bank');
  chmodSync(bank, 0o755);
  rmSync(path.join(bank, 'knowledge-cache'), { recursive: true, force: true });
  rmSync(path.join(bank, 'decision-log.md'), { force: true });
  writeFileSync(path.join(bank, 'systemPatterns.md'), '# System patterns\n\nHuman text.\n');
}

export default async function () {
  const repo = freshRepo();
  try {
    const merge = () => execFileSync(process.execPath, [CLI, 'merge-memory', '--json'], { cwd: repo.dir, stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 64 * 1024 * 1024 });
    const baseline = await timeMedian(() => merge(), { runs: 5 });
    const rows = [['merge, empty queue (baseline)', baseline / 1000, 's']];
    for (const n of [1_000, 10_000]) {
      const times = [];
      for (let run = 0; run < 3; run++) {
        reset(repo);
        fillQueue(repo.coordDir, n);
        const start = process.hrtime.bigint();
        const report = JSON.parse(merge().toString());
        times.push(Number(process.hrtime.bigint() - start) / 1e6);
        if (report.merged + report.duplicates !== n) throw new Error(`merged ${report.merged} + ${report.duplicates} of ${n}`);
        if (readdirSync(path.join(repo.coordDir, 'memory-queue', 'new')).length) throw new Error('queue not drained');
      }
      times.sort((a, b) => a - b);
      const median = times[1];
      rows.push([`merge ${n.toLocaleString('en')} discoveries`, median / 1000, 's', `${((median - baseline) / n * 1000).toFixed(1)} µs per discovery above baseline${n === 10_000 ? ' (target: under 2 s)' : ''}`]);
    }
    printTable(rows);
  } finally {
    execFileSync('chmod', ['-R', 'u+w', repo.parent]);
    rmSync(repo.parent, { recursive: true, force: true });
  }
}
