// Idle-to-claim: a task is added while the real Claude Code (the pinned binary, in tmux, against
// the scripted model of test/fakes) sits idle at its prompt; how long until it has claimed it,
// without anyone typing (the waker types the nudge). Beside it, from the same run, the time of the
// `wt-coord task add` call alone: the floor. Goal: under 5 s median.
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { CLI, ROOT, benchRepo, median, printTable } from './lib.mjs';

const CLAUDE = path.join(ROOT, 'node_modules/@anthropic-ai/claude-code-linux-x64/claude');
const KEY = 'sk-ant-api03-wtcoordBENCH0123456789abcdefghijklmnopQRSTUV-benchkeyAA';
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function until(what, check, timeoutMs = 120_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`bench: timed out waiting for ${what}`);
    await sleep(50);
  }
}

function startModel() {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'test/fakes/serve.ts')], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve) => createInterface({ input: child.stdout }).once('line', (url) => resolve({ url, stop: () => child.kill('SIGTERM') })));
}

export default async function () {
  const runs = Number(process.env.WAKE_BENCH_RUNS ?? 3);
  const { parent, dir } = benchRepo();
  const home = path.join(parent, 'home');
  const socket = `wtc-bench-wake-${process.pid}`;
  const model = await startModel();
  mkdirSync(path.join(home, '.claude'), { recursive: true });
  writeFileSync(path.join(home, '.claude.json'), JSON.stringify({ hasCompletedOnboarding: true, lastOnboardingVersion: '2.1.332', customApiKeyResponses: { approved: [KEY.slice(-20)], rejected: [] }, projects: { [dir]: { hasTrustDialogAccepted: true } } }));
  const env = { ...process.env, HOME: home, ANTHROPIC_BASE_URL: model.url, ANTHROPIC_API_KEY: KEY, DISABLE_AUTOUPDATER: '1', CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1', DISABLE_TELEMETRY: '1', WT_COORD_TMUX_SOCKET: socket };
  const wtc = (...args) => execFileSync(process.execPath, [CLI, ...args], { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] }).toString();
  const coord = path.join(dir, '.git', 'wt-coord');
  const tasks = () => { try { return JSON.parse(readFileSync(path.join(coord, 'tasks.json'), 'utf8')).tasks; } catch { return []; } };
  const state = () => { try { return JSON.parse(readFileSync(path.join(coord, 'agents', 'instance-1.state.json'), 'utf8')).state; } catch { return null; } };
  try {
    execFileSync('git', ['commit', '-q', '--allow-empty', '-m', 'init'], { cwd: dir });
    wtc('spawn', '1', '--install', 'none', '--agent', `${CLAUDE} --permission-mode acceptEdits --allowedTools 'Bash(git add *)' 'Bash(git commit *)'`);
    wtc('start');
    const claims = [];
    const adds = [];
    for (let i = 1; i <= runs; i++) {
      await until('the agent to be idle', () => state() === 'idle');
      const id = `task-${String(i).padStart(3, '0')}`;
      const start = Date.now();
      wtc('task', 'add', `bench task ${i}`, '--files', `bench-${i}.txt`);
      adds.push(Date.now() - start);
      try {
        await until(`${id} claimed`, () => tasks().find((t) => t.id === id && t.status !== 'available'), 60_000);
      } catch (error) {
        const pane = execFileSync('tmux', ['-L', socket, 'capture-pane', '-p', '-t', 'wtc-bench-app'], { stdio: ['ignore', 'pipe', 'ignore'] }).toString();
        throw new Error(`${error.message}\nstate: ${readFileSync(path.join(coord, 'agents', 'instance-1.state.json'), 'utf8')}\nevents: ${readFileSync(path.join(coord, 'events.jsonl'), 'utf8').split('\n').filter((l) => l.includes('nudged')).join('\n')}\npane:\n${pane.split('\n').filter((l) => l.trim()).slice(-20).join('\n')}`);
      }
      claims.push(Date.now() - start);
      await until(`${id} done`, () => tasks().find((t) => t.id === id && t.status === 'done'));
    }
    printTable([
      ['wt-coord task add alone (baseline)', median(adds), 'ms'],
      [`idle-to-claim, real Claude Code (median of ${runs})`, median(claims), 'ms', `goal < 5000 ms; ${(median(claims) / median(adds)).toFixed(1)}x baseline`],
    ]);
  } finally {
    try { wtc('stop'); } catch { /* already stopped */ }
    try { execFileSync('tmux', ['-L', socket, 'kill-server'], { stdio: 'ignore' }); } catch { /* no server left */ }
    model.stop();
    rmSync(parent, { recursive: true, force: true });
  }
}
