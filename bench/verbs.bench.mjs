// Every coordinate.sh verb beside `node -e 0`, at 50 and at 5,000 queued tasks (targets: within
// 1.5x at 50, within 2x at 5,000). Each round runs the baseline and then every verb once, so a
// busy machine slows them alike and the ratios hold; a verb that needs something first (complete
// needs a claimed task, answer a question) gets it untimed, right before its timed call.
// BENCH_RUNS sets the rounds (default 11: on a 2-core VM fewer leave medians 10% apart between
// runs); BENCH_VERBS=a,b measures only those verbs.
import { execFileSync } from 'node:child_process';
import { benchQueueRepo, median, printTable } from './lib.mjs';

const RUNS = Number(process.env.BENCH_RUNS ?? 11);
const SIZES = [50, 5_000];

function time(fn) {
  const start = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

/** A repository with 2 instances and `size` queued tasks. */
function queueRepo(size) {
  const tasks = Array.from({ length: size }, (_, i) => ({ description: `bench task ${i + 1}`, priority: 1 + (i % 5), context: { files: [`src/m${i}.ts`], hints: 'keep it small' } }));
  return benchQueueRepo({ instances: 2, tasks });
}

/** [verb, setup (untimed, returns the args), timed call]; instance 1 calls unless the verb says otherwise. */
function verbs(q) {
  const held = () => JSON.parse(q.call(1, ['request-task', '--another', '--json'])).task.id;
  const simple = (verb, ...args) => [verb, () => args, (a) => q.call(1, [verb, ...a])];
  return [
    simple('help'),
    simple('whoami'),
    simple('status'),
    simple('request-task', '--another'),
    simple('report-progress', '50%', 'benchmarking'),
    ['complete', () => [held(), 'done in the bench'], (a) => q.call(1, ['complete', ...a])],
    ['fail', () => [held(), 'failed in the bench'], (a) => q.call(1, ['fail', ...a])],
    ['handoff', () => [held(), '--to', 'instance-2', 'what: bench; next: finish it'], (a) => q.call(1, ['handoff', ...a])],
    simple('update-memory', 'the bench writes discoveries like this one', '--category', 'pattern'),
    simple('recall', 'bench'),
    simple('memory', '--peek'),
    simple('send', 'instance-2', 'hello from the bench'),
    simple('broadcast', 'the bench broadcasts'),
    simple('alert', 'the bench alerts'),
    simple('ask', 'where is the bench?'),
    ['answer', () => [/asked (\S+)/.exec(q.call(2, ['ask', 'a question to answer', '--to', 'instance-1']))[1], 'here'], (a) => q.call(1, ['answer', ...a])],
    ['inbox', () => [], () => q.call(2, ['inbox'])],
    simple('join', 'bench'),
    simple('leave', 'bench'),
    simple('channels'),
    simple('claim', 'src/bench/**', 'benchmarking'),
    simple('release', 'src/bench/**'),
    simple('claims'),
    simple('check-claims', 'src/bench/a.ts'),
  ];
}

async function measure(size) {
  const q = queueRepo(size);
  try {
    const wanted = process.env.BENCH_VERBS?.split(',');
    const list = verbs(q).filter(([name]) => !wanted || wanted.includes(name));
    const times = new Map([['node -e 0', []], ...list.map(([name]) => [name, []])]);
    for (let round = -1; round < RUNS; round++) {
      // Round -1 warms the file cache and the lazily written files; it is not counted.
      const bare = time(() => execFileSync(process.execPath, ['-e', '0']));
      if (round >= 0) times.get('node -e 0').push(bare);
      for (const [name, setup, run] of list) {
        const args = setup();
        const ms = time(() => run(args));
        if (round >= 0) times.get(name).push(ms);
      }
    }
    const base = median(times.get('node -e 0'));
    const target = size <= 50 ? 1.5 : 2;
    return [
      [`node -e 0 (baseline, queue of ${size.toLocaleString('en')})`, base, 'ms'],
      ...list.map(([name]) => {
        const m = median(times.get(name));
        const ratio = m / base;
        return [`  ${name}`, m, 'ms', `${ratio.toFixed(2)}x node${ratio <= target ? '' : `  (over ${target}x)`}`];
      }),
    ];
  } finally {
    q.cleanup();
  }
}

export default async function () {
  console.log(`  medians of ${RUNS} rounds; targets: within 1.5x of node at 50 tasks, within 2x at 5,000`);
  for (const size of SIZES) printTable(await measure(size));
}
