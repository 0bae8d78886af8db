// The chaos process: injects faults into the running store until it has injected `faults` of them
// or the time is up. Three kinds, picked at random:
//   stop  SIGSTOP the process holding the store lock for longer than the stale-lock time, then SIGCONT
//         (what a laptop suspend or a long GC pause does: its lock is broken while it sleeps)
//   kill  SIGKILL the lock holder or any running coordinate.sh call, at a random moment
//   fill  fill the store's file system (a small tmpfs) to the last byte for a moment
// Prints one JSON line of counts when done; never leaves a process stopped.
import { closeSync, openSync, readFileSync, readdirSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';

const [coordDir, cliPath, staleMsArg, faultsArg, secondsArg, canFillArg, runDir] = process.argv.slice(2);
const staleMs = Number(staleMsArg);
const wanted = Number(faultsArg);
const deadline = Date.now() + Number(secondsArg) * 1000;
const canFill = canFillArg === '1';
const counts = { stop: 0, kill: 0, fill: 0, missed: 0 };
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const stopped = new Set();
const pending = [];

const distDir = path.dirname(cliPath);

/**
 * Is `pid` a call of this run (node <dist>/cli.js or instance.js with an argument inside the run's
 * folder)? Not the driver, whose arguments name the build too, and never another user of the same build.
 */
function isOurCall(pid) {
  try {
    const args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    return path.dirname(args[1] ?? '') === distDir && args.slice(2).some((a) => a.startsWith(`${runDir}${path.sep}`));
  } catch {
    return false;
  }
}

/** The running calls of this torture run: node processes of our CLI. */
function ourCalls() {
  return readdirSync('/proc').filter((p) => /^\d+$/.test(p)).map(Number).filter((pid) => pid !== process.pid && isOurCall(pid));
}

/** The pid recorded in the store lock, if it is one of our calls. */
function lockHolder() {
  for (const name of ['.lock', path.join('.lock', 'owner.json')]) {
    try {
      const pid = JSON.parse(readFileSync(path.join(coordDir, name), 'utf8')).pid;
      if (isOurCall(pid)) return pid;
    } catch {
      // no lock, or not a file at this name
    }
  }
  return null;
}

async function waitForHolder() {
  for (let i = 0; i < 200; i++) {
    const pid = lockHolder();
    if (pid) return pid;
    await sleep(2);
  }
  return null;
}

async function stopHolder() {
  const pid = await waitForHolder();
  if (!pid) return false;
  try {
    process.kill(pid, 'SIGSTOP');
  } catch {
    return false;
  }
  stopped.add(pid);
  // Resumed later, while the next faults go on: several sleepers can wake into a store that moved on.
  const resume = sleep(staleMs * 2 + Math.random() * staleMs * 2).then(() => {
    try {
      process.kill(pid, 'SIGCONT');
    } catch {
      // it was killed meanwhile
    }
    stopped.delete(pid);
  });
  pending.push(resume);
  return true;
}

async function killOne() {
  const pid = Math.random() < 0.5 ? await waitForHolder() : null;
  const calls = ourCalls();
  const victim = pid ?? calls[Math.floor(Math.random() * calls.length)];
  if (!victim) return false;
  await sleep(Math.random() * 30);
  try {
    process.kill(victim, 'SIGKILL');
    return true;
  } catch {
    return false;
  }
}

async function fillDisk() {
  const filler = path.join(coordDir, '..', `filler-${process.pid}`);
  const fd = openSync(filler, 'w');
  const block = Buffer.alloc(64 * 1024, 1);
  try {
    for (;;) writeSync(fd, block);
  } catch {
    // ENOSPC: full
  }
  try {
    for (;;) writeSync(fd, block, 0, 512);
  } catch {
    // to the last few bytes
  }
  closeSync(fd);
  await sleep(100 + Math.random() * 400);
  rmSync(filler, { force: true });
  return true;
}

function contAll() {
  for (const pid of stopped) {
    try {
      process.kill(pid, 'SIGCONT');
    } catch {
      // gone
    }
  }
}
process.on('SIGTERM', () => {
  contAll();
  process.exit(0);
});

try {
  while (counts.stop + counts.kill + counts.fill < wanted && Date.now() < deadline) {
    const roll = Math.random();
    const kind = canFill && roll < 0.2 ? 'fill' : roll < 0.6 ? 'stop' : 'kill';
    const done = kind === 'fill' ? await fillDisk() : kind === 'stop' ? await stopHolder() : await killOne();
    if (done) counts[kind]++;
    else counts.missed++;
    await sleep(100 + Math.random() * 300); // room for work between faults
  }
  await Promise.all(pending);
} finally {
  contAll();
}
console.log(JSON.stringify(counts));
