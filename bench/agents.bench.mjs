// The UserPromptSubmit hook runs on every prompt an agent gets: with nothing new it must cost about
// what Node's start-up costs (target: within 1.2x of `node -e 0`, measured in the same run).
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { CLI, benchRepo, median, printTable, timeMedian } from './lib.mjs';

/** Medians of `fns` run in alternation, so a busy machine slows each of them alike. */
function interleavedMedians(fns, runs) {
  const times = fns.map(() => []);
  for (let i = 0; i < runs; i++) {
    fns.forEach((fn, k) => {
      const start = process.hrtime.bigint();
      fn();
      times[k].push(Number(process.hrtime.bigint() - start) / 1e6);
    });
  }
  return times.map(median);
}

export default async function () {
  const { parent, dir } = benchRepo();
  try {
    execFileSync('git', ['commit', '-q', '--allow-empty', '-m', 'init'], { cwd: dir });
    execFileSync(process.execPath, [CLI, 'spawn', '1', '--install', 'none'], { cwd: dir, stdio: 'ignore' });
    const kit = path.join(parent, `${path.basename(dir)}-instance-1`, '.claude-instance');
    const hook = path.join(path.dirname(CLI), 'hook.js');
    const input = JSON.stringify({ session_id: 'bench', hook_event_name: 'UserPromptSubmit', prompt: 'go on', cwd: path.dirname(kit) });
    const runHook = (event) => execFileSync(process.execPath, [hook, kit, event], { input, stdio: ['pipe', 'pipe', 'inherit'] });
    runHook('SessionStart'); // the first full run records the stamp the cheap check compares with
    if (runHook('UserPromptSubmit').length !== 0) throw new Error('UserPromptSubmit printed something with nothing new');
    interleavedMedians([() => execFileSync(process.execPath, ['-e', '0']), () => runHook('UserPromptSubmit')], 3); // warm-up
    const [bare, quiet] = interleavedMedians([() => execFileSync(process.execPath, ['-e', '0']), () => runHook('UserPromptSubmit')], 31);
    const session = await timeMedian(() => runHook('SessionStart'), { runs: 7, warmup: 1 });
    printTable([
      ['node -e 0 (baseline)', bare, 'ms'],
      ['UserPromptSubmit hook, nothing new', quiet, 'ms', `${(quiet / bare).toFixed(2)}x baseline (target <= 1.2x)`],
      ['SessionStart hook (full context)', session, 'ms', `${(session / bare).toFixed(2)}x baseline`],
    ]);
  } finally {
    execFileSync('chmod', ['-R', 'u+w', parent]);
    rmSync(parent, { recursive: true, force: true });
  }
}
