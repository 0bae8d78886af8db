// Task queue: latency of coordinate.sh request-task and report-progress beside bare `node -e 0`
// (target: at most 2x), and claims per second with 16 concurrent claimers.
import { execFile, execFileSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { CLI, benchRepo, printTable, timeMedian } from './lib.mjs';

const run = promisify(execFile);

export default async function () {
  const { parent, dir } = benchRepo();
  try {
    writeFileSync(path.join(dir, 'README.md'), '# bench\n');
    execFileSync('git', ['add', '-A'], { cwd: dir });
    execFileSync('git', ['commit', '-q', '-m', 'initial'], { cwd: dir });
    execFileSync(process.execPath, [CLI, 'spawn', '4'], { cwd: dir });
    const tasks = Array.from({ length: 600 }, (_, i) => ({ description: `bench task ${i + 1}`, priority: 1 + (i % 5) }));
    writeFileSync(path.join(parent, 'tasks.json'), JSON.stringify({ tasks }));
    execFileSync(process.execPath, [CLI, 'task', 'import', path.join(parent, 'tasks.json')], { cwd: dir });
    const script = (k) => path.join(parent, `bench-app-instance-${k}`, '.claude-instance', 'coordinate.sh');
    const call = (k, args) => run(script(k), args, { cwd: path.join(parent, `bench-app-instance-${k}`) }).catch((e) => e);

    const runs = 9;
    const bare = await timeMedian(() => run(process.execPath, ['-e', '0']), { runs });
    const request = await timeMedian(() => call(1, ['request-task', '--another']), { runs });
    const progress = await timeMedian(() => call(1, ['report-progress', '50%', 'benchmarking']), { runs });

    const claims = 160;
    let left = claims;
    const start = process.hrtime.bigint();
    await Promise.all(Array.from({ length: 16 }, async (_, i) => {
      while (left-- > 0) await call(1 + (i % 4), ['request-task', '--another']);
    }));
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;

    printTable([
      ['node -e 0 (baseline)', bare, 'ms'],
      ['coordinate.sh request-task', request, 'ms', `${(request / bare).toFixed(2)}x node (target <= 2x); queue of 600 tasks`],
      ['coordinate.sh report-progress', progress, 'ms', `${(progress / bare).toFixed(2)}x node (target <= 2x)`],
      ['claims/s, 16 concurrent claimers', claims / seconds, '/s', `${claims} claims in ${seconds.toFixed(1)} s`],
    ]);
  } finally {
    execFileSync('chmod', ['-R', 'u+w', parent]);
    rmSync(parent, { recursive: true, force: true });
  }
}
