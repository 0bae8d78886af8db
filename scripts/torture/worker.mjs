// One torture worker: plays one instance through its real coordinate.sh (a new node process per
// call, as an agent's calls are) until the stop file appears: claim, report progress, message
// another instance, read its inbox, complete. Every call's outcome is logged as one JSON line on a
// disk the chaos process does not fill, so the checker can compare what callers were told with
// what the store ended up holding. A call killed by a signal is logged as such: its effect is unknown.
import { execFile } from 'node:child_process';
import { appendFileSync, existsSync } from 'node:fs';
import path from 'node:path';

const [worktree, logFile, stopFile, name, peersArg] = process.argv.slice(2);
const peers = peersArg.split(',').filter((p) => p !== name);
const script = path.join(worktree, '.claude-instance', 'coordinate.sh');

function call(args) {
  return new Promise((resolve) => {
    execFile(script, args, { cwd: worktree, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : null) : 0, signal: error?.signal ?? null, stdout, stderr });
    });
  });
}

function log(entry) {
  appendFileSync(logFile, `${JSON.stringify({ t: Date.now(), inst: name, ...entry })}\n`);
}

function outcome(r) {
  return r.signal ? { outcome: 'killed', signal: r.signal } : { outcome: r.code === 0 ? 'ok' : 'refused', code: r.code, stderr: r.stderr.trim().slice(0, 300) };
}

function shown(stdout) {
  try {
    return JSON.parse(stdout).map((m) => ({ seq: m.seq, body: m.body, from: m.from }));
  } catch {
    return undefined;
  }
}

let sent = 0;
let held = null;
while (!existsSync(stopFile)) {
  if (!held) {
    const r = await call(['request-task', '--json']);
    if (r.code === 0) {
      const res = JSON.parse(r.stdout);
      held = { task: res.task.id, token: res.task.token };
      log({ op: 'claim', kind: res.kind, ...held, outcome: 'ok' });
    } else log({ op: 'claim', ...outcome(r) });
  }
  if (held && Math.random() < 0.5) log({ op: 'progress', ...outcome(await call(['report-progress', '50%', `working on ${held.task}`])) });
  if (Math.random() < 0.6) {
    const to = peers[Math.floor(Math.random() * peers.length)];
    const body = `${name} says ${++sent}`;
    const r = await call(['send', to, body, '--json']);
    if (r.code === 0) {
      const m = JSON.parse(r.stdout);
      log({ op: 'send', to, body, seq: m.seq, outcome: 'ok' });
    } else log({ op: 'send', to, body, ...outcome(r) });
  }
  if (Math.random() < 0.5) {
    const r = await call(['inbox', '--json']);
    // inbox prints before its read position commits: a call killed or refused after printing has
    // shown what it printed (whole JSON only), and those messages count as delivered.
    const got = shown(r.stdout);
    if (r.code === 0) log({ op: 'inbox', got, outcome: 'ok' });
    else log({ op: 'inbox', ...(got ? { got } : {}), ...outcome(r) });
  }
  if (held) {
    const r = await call(['complete', held.task, `done by ${name}`, '--token', String(held.token), '--json']);
    log({ op: 'complete', ...held, ...outcome(r) });
    // Done, or refused (the claim is gone): either way ask for work again, which resumes a claim we still hold.
    if (r.code === 0 || (!r.signal && r.code !== 0)) held = null;
  }
  if (!held && Math.random() < 0.1) await new Promise((r) => setTimeout(r, 20));
}
