// Giving an idle agent new work without anyone typing. When an agent ends its turn with work
// waiting, its Stop hook sends it on (Claude Code); but work that appears while it sits at its
// prompt (a task added, a task unblocked by another instance, a message) reaches it only if
// someone types. The waker types one line into the agent's tmux pane, and only when the driver
// reads the pane as an idle prompt (never into a dialog or a permission prompt), rate-limited per
// agent by the mtime of `<name>.nudged` in the runtime folder (several wakers at once, say the
// supervisor and a `task add`, still type once): again only after the interval, or sooner (but not
// within MIN_GAP_MS) when the agent has taken a turn and gone idle since the last nudge.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { transact } from '../../coord/transact.js';
import { coordinateScriptPath } from '../../workspace/kit.js';
import type { RepoContext } from '../../workspace/repo.js';
import { agentProgram } from '../agent-kind.js';
import { AGENTS_RUNTIME_DIR } from '../../coord/instances/index.js';
import { driverFor } from '../drivers/index.js';
import type { AgentDriver } from '../kind/index.js';
import { listAgentStatuses } from '../launcher.js';
import { capturePane } from '../observe/index.js';
import { readStateRaw, recordState } from '../state/index.js';
import { tmux } from '../tmux.js';
import { describeWork, hasWork, pendingWork } from '../work/index.js';
import { instancesDoc } from '../../coord/instances/index.js';
import { readDoc } from '../../coord/transact.js';

export const DEFAULT_NUDGE_INTERVAL_MS = 10_000;

export interface Nudge {
  instance: number;
  name: string;
  text: string;
}

const MIN_GAP_MS = 2_000;

function mayNudge(last: number, idleSince: number, intervalMs: number, now = Date.now()): boolean {
  return now - last >= intervalMs || (idleSince > last && now - last >= MIN_GAP_MS);
}

async function claimNudgeSlot(file: string, intervalMs: number, idleSince: number): Promise<boolean> {
  const last = await fs.stat(file).then((s) => s.mtimeMs, () => 0);
  if (!mayNudge(last, idleSince, intervalMs)) return false;
  // Exclusive create of a fresh marker: of two wakers at the same moment, one wins.
  const temp = `${file}.${process.pid}.lock`;
  try {
    await fs.writeFile(temp, '', { flag: 'wx' });
  } catch {
    return false;
  }
  try {
    const again = await fs.stat(file).then((s) => s.mtimeMs, () => 0);
    if (!mayNudge(again, idleSince, intervalMs)) return false;
    await fs.writeFile(file, new Date().toISOString());
    return true;
  } finally {
    await fs.rm(temp, { force: true });
  }
}

/** Every nudge text starts with this (the drivers' nudgeText), so one left in an input box is recognised. */
const NUDGE_MARK = 'wt-coord:';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Presses Enter, and again (a few times) while the typed line still sits in the input box: a busy TUI can drop a key. */
async function submitTyped(session: string, driver: AgentDriver, text: string): Promise<void> {
  const head = text.slice(0, 40);
  for (let attempt = 0; attempt < 3; attempt++) {
    await tmux(['send-keys', '-t', `=${session}:`, 'Enter']);
    await sleep(400);
    const screen = await capturePane(session);
    if (screen === null || !driver.readPane!(screen).input?.startsWith(head)) return;
  }
}

/** Types a nudge into every idle agent that has work waiting; returns the ones it nudged. */
export async function wakeIdleAgents(repo: RepoContext, options: { intervalMs?: number } = {}): Promise<Nudge[]> {
  const statuses = (await listAgentStatuses(repo).catch(() => [])).filter((s) => s.state === 'running' && s.record?.mode === 'tmux' && s.record.session);
  if (statuses.length === 0) return [];
  const { instances } = await readDoc(repo.coordDir, instancesDoc);
  const nudged: Nudge[] = [];
  for (const status of statuses) {
    const record = status.record!;
    const driver = driverFor(agentProgram(record.command) ?? record.command);
    if (!driver.readPane || !driver.nudgeText) continue;
    // Cheap first: the hooks' record must say idle (or starting, when no hook has run yet).
    // Only an agent its hooks (or a long quiet pane) report idle: typed while it starts, a line
    // is lost or left unsubmitted in its input box.
    const reported = readStateRaw(repo.coordDir, status.name);
    if (reported?.state !== 'idle') continue;
    const work = await pendingWork(repo.coordDir, status.name);
    if (!hasWork(work)) continue;
    const instance = instances.find((i) => i.id === status.instance);
    if (!instance) continue;
    const screen = await capturePane(record.session!);
    if (screen === null) continue;
    const reading = driver.readPane(screen);
    // A nudge of ours left unsubmitted in the input box (its Enter was lost): submit it, type nothing more.
    if (reading.input?.startsWith(NUDGE_MARK)) {
      await submitTyped(record.session!, driver, NUDGE_MARK);
      continue;
    }
    if (!reading.idle) continue;
    const marker = path.join(repo.coordDir, AGENTS_RUNTIME_DIR, `${status.name}.nudged`);
    const idleSince = typeof reported.since === 'string' ? Date.parse(reported.since) : 0;
    if (!(await claimNudgeSlot(marker, options.intervalMs ?? DEFAULT_NUDGE_INTERVAL_MS, idleSince))) continue;
    const text = driver.nudgeText(coordinateScriptPath(instance.worktree), describeWork(work));
    // Literal text, then Enter as a key of its own: the agent sees a typed line and its submit.
    await tmux(['send-keys', '-t', `=${record.session}:`, '-l', text]);
    await submitTyped(record.session!, driver, text);
    recordState(repo.coordDir, status.name, { state: 'working', source: 'nudge', detail: describeWork(work) });
    await transact(repo.coordDir, async (tx) => tx.event({ type: 'agent.nudged', instance: status.name, data: { work: describeWork(work) } }));
    nudged.push({ instance: status.instance, name: status.name, text });
  }
  return nudged;
}
