// `wt-coord watch`: a live view of the coordination folder. It redraws on file-system events
// (fs.watch on the folder: a send shows up in milliseconds, no polling), quits cleanly on q or
// Ctrl-C, and prints plain lines of what changed when stdout is not a terminal.
import { jsonText, terminalText } from '../lib/terminal-text.js';
import { watch as watchFolder, type FSWatcher } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { collectWatchSnapshot, describeChanges, renderWatchScreen, type WatchSnapshot } from '../coord/views/index.js';
import { openRepo } from '../workspace/repo.js';
import { ensureInitialized } from '../workspace/init.js';
import { claimOptionsOf } from '../workspace/claim-status.js';
import { printJson, printLines, note } from './output.js';
import { listenForChanges } from '../coord/store-choice.js';
import { UsageError } from '../lib/errors.js';
import { collectAgents, describeAgent } from '../agents/observe/index.js';
import type { RepoContext } from '../workspace/repo.js';

/** The snapshot with each instance's agent state (the coordination view knows nothing of agents). */
async function withAgents(repo: RepoContext, snap: WatchSnapshot): Promise<WatchSnapshot> {
  const { agents } = await collectAgents(repo, { usage: false }).catch(() => ({ agents: [] }));
  const now = Date.now();
  const phrase = new Map(agents.filter((a) => a.state !== 'not-started').map((a) => [a.name, describeAgent({ ...a, since: a.waiting_for_person ? a.since : null }, now).slice(a.name.length + 1)]));
  return { ...snap, instances: snap.instances.map((i) => ({ ...i, agent: phrase.get(i.name) ?? null })) };
}

/** Files whose churn says nothing new: the lock comes and goes with every transaction. */
function isNoise(file: string | null): boolean {
  return file !== null && (file === '.lock' || file.startsWith('.lock.') || file.includes('.tmp-') || file === '.backup');
}

interface Options {
  once?: boolean;
  json?: boolean;
  messages: string;
}

export function register(program: Command): void {
  program
    .command('watch')
    .description("live view: instances with task, progress and their agent's state, path claims, recent messages (q or Ctrl-C quits)")
    .option('--once', 'print the view once and exit')
    .option('--json', 'print snapshots as JSON (one line per change; with --once, one document)')
    .option('--messages <n>', 'how many recent messages to keep in view', '50')
    .addHelpText('after', '\nRedraws when the coordination folder changes. When stdout is not a terminal it prints one\nline per change instead (instance ..., claim ..., release ..., message ...).\n\nExamples:\n  wt-coord watch\n  wt-coord watch --once\n  wt-coord watch | grep message')
    .action(async (options: Options) => {
      if (!/^\d+$/.test(options.messages) || Number(options.messages) < 1 || Number(options.messages) > 1000) {
        throw new UsageError(`--messages must be a whole number from 1 to 1000, got "${options.messages}"`, 'e.g. wt-coord watch --messages 100');
      }
      const messages = Number(options.messages);
      const repo = await openRepo();
      await ensureInitialized(repo);
      const collect = async () => withAgents(repo, await collectWatchSnapshot(repo.coordDir, { ...claimOptionsOf(repo), messages }));
      if (options.once) {
        const snap = await collect();
        if (options.json) return printJson(snap);
        if (process.stdout.isTTY) return printLines(...renderWatchScreen(snap, repo.repoName, 10_000, process.stdout.columns || 120));
        const lines = describeChanges(null, snap);
        return printLines(...(lines.length ? lines : ['nothing to show: no instances, path claims or messages yet']));
      }
      const tty = Boolean(process.stdout.isTTY) && !options.json;
      await runLive(repo.coordDir, collect, tty ? screenOutput(repo.repoName) : lineOutput(Boolean(options.json)));
    });
}

interface Output {
  start(): void;
  show(snap: WatchSnapshot): void;
  stop(): void;
}

function screenOutput(title: string): Output {
  let last: WatchSnapshot | null = null;
  const draw = () => {
    if (!last) return;
    const lines = renderWatchScreen(last, title, process.stdout.rows || 24, process.stdout.columns || 80);
    // Home, each line cleared to its end, then clear what is below: no flicker from a full clear.
    process.stdout.write(`\x1b[H${lines.map((l) => `${terminalText(l)}\x1b[K`).join('\r\n')}\x1b[J`);
  };
  const onResize = () => draw();
  return {
    start: () => {
      process.stdout.write('\x1b[?1049h\x1b[?25l'); // alternate screen, hide the cursor
      process.stdout.on('resize', onResize);
    },
    show: (snap) => {
      last = snap;
      draw();
    },
    stop: () => {
      process.stdout.off('resize', onResize);
      process.stdout.write('\x1b[?25h\x1b[?1049l');
    },
  };
}

function lineOutput(json: boolean): Output {
  let last: WatchSnapshot | null = null;
  return {
    start: () => undefined,
    show: (snap) => {
      if (json) process.stdout.write(`${jsonText(snap, 0)}\n`);
      else for (const line of describeChanges(last, snap)) process.stdout.write(`${terminalText(line)}\n`);
      last = snap;
    },
    stop: () => undefined,
  };
}

async function runLive(coordDir: string, collect: () => Promise<WatchSnapshot>, output: Output): Promise<void> {
  let watcher: FSWatcher | null = null;
  let clock: NodeJS.Timeout | null = null;
  let unlisten: (() => Promise<void>) | null = null;
  let pending: NodeJS.Timeout | null = null;
  let busy = false;
  let again = false;
  let finish!: () => void;
  const done = new Promise<void>((resolve) => (finish = resolve));

  // One refresh at a time; changes that arrive meanwhile cause exactly one more.
  const refresh = async () => {
    if (busy) {
      again = true;
      return;
    }
    busy = true;
    try {
      output.show(await collect());
    } catch (error) {
      note(`watch: ${(error as Error).message.split('\n')[0]}`); // a file mid-repair: the next change redraws
    } finally {
      busy = false;
      if (again) {
        again = false;
        void refresh();
      }
    }
  };
  const schedule = () => {
    if (pending) return;
    // A few ms gathers the burst of one transaction (docs, views, events) into one redraw.
    pending = setTimeout(() => {
      pending = null;
      void refresh();
    }, 10);
  };

  const stdin = process.stdin;
  const onKey = (data: Buffer) => {
    const key = data.toString();
    if (key === 'q' || key === 'Q' || key === '\x03' || key === '\x1b') stop();
  };
  const stop = () => {
    if (watcher === null && clock === null) return;
    watcher?.close();
    watcher = null;
    void unlisten?.();
    if (clock) clearInterval(clock);
    clock = null;
    if (pending) clearTimeout(pending);
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    if (stdin.isTTY) {
      stdin.off('data', onKey);
      stdin.setRawMode(false);
      stdin.pause();
    }
    output.stop();
    finish();
  };

  output.start();
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  if (stdin.isTTY) {
    stdin.setRawMode(true);
    stdin.resume();
    stdin.on('data', onKey);
  }
  try {
    watcher = watchFolder(coordDir, { persistent: true }, (_event, file) => {
      if (!isNoise(file ? path.basename(String(file)) : null)) schedule();
    });
    watcher.on('error', () => schedule());
  } catch (error) {
    // No file-system events here (e.g. inotify watches used up): fall back to a quick poll.
    note(`watch: file-system events unavailable (${(error as Error).message.split('\n')[0]}); polling every 250 ms`);
    clock = setInterval(schedule, 250);
  }
  // A store shared by machines: other machines' changes never touch this folder; the database tells us.
  try {
    unlisten = await listenForChanges(coordDir, schedule);
  } catch (error) {
    stop(); // the terminal back as it was, then the one-line error
    throw error;
  }
  // The clock line, "seen Ns ago" and the agents' states (their files live in a subfolder) change even when the folder does not.
  if (!clock) clock = setInterval(schedule, 2_000);
  await refresh();
  await done;
}
