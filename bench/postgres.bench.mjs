// The PostgreSQL store beside the file store, measured in the same run: claims per second with 16
// concurrent claimers (4 instances, coordinate.sh request-task --another), and message latency from
// the sender's `coordinate.sh send` to the receiver's prompt hook showing it (and, for PostgreSQL,
// to a LISTEN client's notification). The server is a throwaway one (test/support/pg-server.ts).
import { execFile, execFileSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { CLI, ROOT, benchRepo, median, printTable } from './lib.mjs';

const run = promisify(execFile);
const HOOK = path.join(path.dirname(CLI), 'hook.js');

/** A repo with 4 instances and 200 tasks, on the file store or (with `url`) on PostgreSQL. */
function queueRepo(url) {
  const { parent, dir } = benchRepo();
  writeFileSync(path.join(dir, 'README.md'), '# bench\n');
  execFileSync('git', ['add', '-A'], { cwd: dir });
  execFileSync('git', ['commit', '-q', '-m', 'initial'], { cwd: dir });
  if (url) execFileSync(process.execPath, [CLI, 'init', '--store', url], { cwd: dir, env: { ...process.env, WT_COORD_MACHINE: 'bench' } });
  execFileSync(process.execPath, [CLI, 'spawn', '4', '--install', 'none'], { cwd: dir });
  const tasks = Array.from({ length: 200 }, (_, i) => ({ description: `bench task ${i + 1}`, priority: 1 + (i % 5) }));
  writeFileSync(path.join(parent, 'tasks.json'), JSON.stringify({ tasks }));
  execFileSync(process.execPath, [CLI, 'task', 'import', path.join(parent, 'tasks.json')], { cwd: dir });
  const worktree = (k) => path.join(parent, `bench-app-instance-${k}`);
  return {
    worktree,
    call: (k, args) => run(path.join(worktree(k), '.claude-instance', 'coordinate.sh'), args, { cwd: worktree(k) }).catch((e) => e),
    cleanup: () => {
      execFileSync('chmod', ['-R', 'u+w', parent]);
      rmSync(parent, { recursive: true, force: true });
    },
  };
}

async function claimsPerSecond(q) {
  const claims = 160;
  let left = claims;
  const start = process.hrtime.bigint();
  await Promise.all(Array.from({ length: 16 }, async (_, i) => {
    while (left-- > 0) await q.call(1 + (i % 4), ['request-task', '--another']);
  }));
  return claims / (Number(process.hrtime.bigint() - start) / 1e9);
}

/** Median ms from the start of instance-1's send to instance-2's prompt hook printing the message. */
async function hookLatency(q, runs = 9) {
  const kit = path.join(q.worktree(2), '.claude-instance');
  const times = [];
  for (let i = 0; i < runs; i++) {
    const text = `bench note ${i} ${Math.random()}`;
    const start = process.hrtime.bigint();
    await q.call(1, ['send', 'instance-2', text]);
    const hook = await run(process.execPath, [HOOK, kit, 'UserPromptSubmit'], { cwd: q.worktree(2) });
    if (!hook.stdout.includes(text)) throw new Error(`the hook did not show the message: ${hook.stdout}`);
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  return median(times);
}

/** Median ms from the start of a send to a LISTEN client's notification (no polling). */
async function notifyLatency(q, server, runs = 9) {
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: server.url });
  await client.connect();
  const channels = (await client.query(`SELECT 'wtc_' || id || '_messages' AS c FROM wtc_projects`)).rows.map((r) => r.c);
  for (const channel of channels) await client.query(`LISTEN ${channel}`);
  const times = [];
  try {
    for (let i = 0; i < runs; i++) {
      const start = process.hrtime.bigint();
      const heard = new Promise((resolve) => client.once('notification', resolve));
      await Promise.all([q.call(1, ['send', 'instance-2', `listen ${i}`]), heard]);
      times.push(Number(process.hrtime.bigint() - start) / 1e6);
    }
  } finally {
    await client.end();
  }
  return median(times);
}

export default async function () {
  // TypeScript test support, loaded through tsx (a dev dependency, like the benchmarks).
  const { register } = await import('tsx/esm/api');
  register();
  const { startPgServer } = await import(path.join(ROOT, 'test/support/pg-server.ts'));
  const server = await startPgServer();
  const files = queueRepo(null);
  const pgRepo = queueRepo(server.url);
  try {
    const cores = (await import('node:os')).availableParallelism();
    const fileClaims = await claimsPerSecond(files);
    const pgClaims = await claimsPerSecond(pgRepo);
    const fileHook = await hookLatency(files);
    const pgHook = await hookLatency(pgRepo);
    const pgNotify = await notifyLatency(pgRepo, server);
    printTable([
      ['claims/s, 16 concurrent claimers, file store (baseline)', fileClaims, '/s', `${cores} cores`],
      ['claims/s, 16 concurrent claimers, PostgreSQL', pgClaims, '/s', `${(pgClaims / fileClaims).toFixed(2)}x the file store`],
      ['send -> receiver\'s prompt hook shows it, file store (baseline)', fileHook, 'ms'],
      ['send -> receiver\'s prompt hook shows it, PostgreSQL', pgHook, 'ms', `${(pgHook / fileHook).toFixed(2)}x the file store`],
      ['send -> LISTEN client notified, PostgreSQL', pgNotify, 'ms', 'what a live panel waits (no polling)'],
    ]);
  } finally {
    files.cleanup();
    pgRepo.cleanup();
    server.destroy();
  }
}
