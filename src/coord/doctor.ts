// `wt-coord doctor`: checks everything in the coordination folder and, with --fix, repairs what can
// be repaired safely. A corrupt document is never deleted: it is moved aside into .backup/ for
// inspection and the last good backup takes its place; views are rewritten from the store.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { describeZodError } from '../lib/errors.js';
import { isAbandoned, isTempFile } from '../lib/atomic.js';
import { EVENTS_FILE, eventSchema } from '../store/events.js';
import { JOURNAL_FILE, isAbandonedStaging } from '../store/journal.js';
import { parseJsonLines, readTextIfExists } from '../lib/json-file.js';
import { breakIfStale, holderMayBeAlive, readLockHolder } from '../lib/lock.js';
import { BACKUP_DIR, LOCK_FILE, backupPathOf, readDoc, type DocSpec, type Transaction } from '../store/store.js';
import { transact } from './transact.js';
import { COORDINATION_DOCUMENTS } from './documents.js';
import { checkQueue } from './doctor-queue.js';
import { instancesDoc } from './instances/instances.js';
import { infoJsonPath } from './views/info-json.js';
import { QUEUE_VIEWS } from './views/queue-views.js';
import { tasksDoc } from './queue/tasks.js';

export interface DoctorFinding {
  kind: 'document' | 'view' | 'events' | 'lock' | 'temp-file' | 'worktree' | 'queue';
  file: string;
  problem: string;
  /** What --fix did (or would do), or why it cannot. */
  fix: string;
  fixed: boolean;
  fixable: boolean;
}

export interface DoctorReport {
  coordination_dir: string;
  checked: string[];
  findings: DoctorFinding[];
}

function checkText(text: string, spec: DocSpec): string | null {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    return `not valid JSON (${(error as Error).message})`;
  }
  const result = spec.schema.safeParse(raw);
  return result.success ? null : describeZodError(result.error);
}

const stamp = () => new Date().toISOString().replace(/[:.]/g, '-');

/** Keeps the corrupt file for inspection as a second name (a hard link), leaving it in place. */
async function keepAside(dir: string, file: string): Promise<string> {
  const aside = path.join(dir, BACKUP_DIR, `corrupt-${stamp()}-${path.basename(file)}`);
  await fs.mkdir(path.dirname(aside), { recursive: true });
  await fs.link(file, aside);
  return aside;
}

async function checkDocuments(dir: string, report: DoctorReport, fix: boolean, tx?: Transaction): Promise<boolean> {
  let restored = false;
  for (const spec of COORDINATION_DOCUMENTS) {
    const file = path.join(dir, spec.file);
    report.checked.push(file);
    let text: string | null;
    try {
      text = await readTextIfExists(file);
    } catch (error) {
      report.findings.push({ kind: 'document', file, problem: (error as Error).message, fix: 'move it away (wt-coord reads only regular files there)', fixed: false, fixable: false });
      continue;
    }
    if (text === null) continue;
    const problem = checkText(text, spec);
    if (!problem) continue;
    const backupText = await readTextIfExists(backupPathOf(dir, spec.file)).catch(() => null);
    const backupGood = backupText !== null && checkText(backupText, spec) === null;
    const finding: DoctorFinding = {
      kind: 'document', file, problem, fixed: false, fixable: backupGood,
      fix: backupGood ? `restore ${backupPathOf(dir, spec.file)} (the version before the last write) and keep the corrupt file in ${BACKUP_DIR}/` : 'no good backup: repair the file by hand (its schema is in the source), or move it away to start empty',
    };
    if (tx && backupGood) {
      // Replaced with the commit, never missing: a writer that saw no file would start an empty one.
      const aside = await keepAside(dir, file);
      tx.writeFile(file, backupText!);
      finding.fixed = true;
      finding.fix = `restored the backup; the corrupt file is kept as ${aside}`;
      restored = true;
    }
    report.findings.push(finding);
  }
  return restored;
}

async function checkViews(dir: string, report: DoctorReport, fix: boolean): Promise<boolean> {
  const files = QUEUE_VIEWS.map((v) => path.join(dir, v));
  try {
    const { instances } = await readDoc(dir, instancesDoc);
    files.push(...instances.map(infoJsonPath));
  } catch {
    // instances.json itself is reported among the documents
  }
  let broken = false;
  for (const file of files) {
    report.checked.push(file);
    const text = await readTextIfExists(file);
    if (text === null) continue;
    try {
      JSON.parse(text);
      continue;
    } catch (error) {
      const finding: DoctorFinding = { kind: 'view', file, problem: `not valid JSON (${(error as Error).message})`, fix: 'rewrite it from the store (it is a view)', fixed: false, fixable: true };
      if (fix) {
        // A view is rebuilt from the store below; until then it may be missing, never wrong.
        const aside = await keepAside(dir, file);
        await fs.rm(file, { force: true });
        finding.fixed = true;
        finding.fix = `rewritten from the store; the corrupt file is kept as ${aside}`;
        broken = true;
      }
      report.findings.push(finding);
    }
  }
  return broken;
}

async function checkEvents(dir: string, report: DoctorReport, fix: boolean): Promise<void> {
  const file = path.join(dir, EVENTS_FILE);
  report.checked.push(file);
  const text = await readTextIfExists(file);
  if (text === null) return;
  const { skipped } = parseJsonLines(text, eventSchema);
  if (skipped.length === 0) return;
  const finding: DoctorFinding = {
    kind: 'events', file, problem: `${skipped.length} unreadable line(s): ${skipped.slice(0, 3).map((s) => `line ${s.line} (${s.problem})`).join(', ')}`,
    fix: 'readers skip them already; --fix moves them out into .backup/', fixed: false, fixable: true,
  };
  if (fix) {
    await transact(dir, async (tx) => {
      const current = (await readTextIfExists(file)) ?? '';
      const lines = current.split('\n');
      const bad = new Set(parseJsonLines(current, eventSchema).skipped.map((s) => s.line - 1));
      const aside = path.join(dir, BACKUP_DIR, `corrupt-${stamp()}-${EVENTS_FILE}`);
      await fs.mkdir(path.dirname(aside), { recursive: true });
      tx.writeFile(aside, lines.filter((_, i) => bad.has(i)).join('\n') + '\n');
      tx.writeFile(file, lines.filter((l, i) => !bad.has(i) && l.trim()).map((l) => `${l}\n`).join(''));
      finding.fix = `moved the unreadable lines to ${aside}`;
    });
    finding.fixed = true;
  }
  report.findings.push(finding);
}

async function checkLocks(dir: string, report: DoctorReport, fix: boolean): Promise<void> {
  const names = await fs.readdir(dir).catch(() => [] as string[]);
  for (const name of names.filter((n) => n === LOCK_FILE || n.endsWith('.lock') || n.endsWith('.breaker'))) {
    const file = path.join(dir, name);
    const found = await readLockHolder(file).catch(() => null);
    if (!found) continue;
    const dead = found.holder?.pid ? !holderMayBeAlive(found.holder) : Date.now() - found.mtimeMs > 60_000;
    if (!dead) continue; // a live holder is working; not a problem
    const finding: DoctorFinding = { kind: 'lock', file, problem: `left by ${found.holder?.pid ? `pid ${found.holder.pid}, which is gone` : 'a process that died creating it'}`, fix: 'break it (the next writer would anyway), completing any commit its holder had decided', fixed: false, fixable: true };
    if (fix) finding.fixed = name.endsWith('.breaker') ? (await fs.rm(file, { force: true }), true) : await breakIfStale(file, 60 * 60_000);
    report.findings.push(finding);
  }
  // Staging folders of holders that died or lost their lock: the next transaction completes their
  // decided commits and removes trash, but keeps a young undecided one (its writer may be a waiter
  // in a sandbox whose pid no one there can see). Doctor runs where every pid is visible, so --fix
  // removes those too.
  const staging = names.filter(isAbandonedStaging);
  if (staging.length === 0) return;
  const decided = new Map<string, boolean>();
  for (const name of staging) decided.set(name, await exists(path.join(dir, name, JOURNAL_FILE)));
  if (fix) {
    await transact(dir, async () => {
      const left = (await fs.readdir(dir).catch(() => [] as string[])).filter(isAbandonedStaging);
      for (const name of left) await fs.rm(path.join(dir, name), { recursive: true, force: true });
    });
  }
  for (const name of staging) {
    const folder = path.join(dir, name);
    const wasDecided = decided.get(name) === true;
    report.findings.push({
      kind: 'lock', file: folder,
      problem: wasDecided ? 'a commit decided by a writer that lost its lock or died, not yet completed' : 'the staging folder of a writer that lost its lock or died (nothing decided)',
      fix: wasDecided ? 'complete the commit (any store write does)' : 'remove it',
      fixed: fix && !(await exists(folder)), fixable: true,
    });
  }
}

async function exists(file: string): Promise<boolean> {
  return fs.stat(file).then(() => true, () => false);
}

async function checkTempFiles(dir: string, report: DoctorReport, fix: boolean): Promise<void> {
  for (const sub of ['', BACKUP_DIR, 'results']) {
    const folder = path.join(dir, sub);
    const names = await fs.readdir(folder).catch(() => [] as string[]);
    for (const name of names.filter(isTempFile)) {
      const file = path.join(folder, name);
      const stat = await fs.lstat(file).catch(() => null);
      if (!stat?.isFile() || !isAbandoned(name, stat.mtimeMs)) continue; // a live writer may be using it right now
      const finding: DoctorFinding = { kind: 'temp-file', file, problem: 'left by a writer that was killed mid-write', fix: 'remove it', fixed: false, fixable: true };
      if (fix) {
        await fs.rm(file, { force: true });
        finding.fixed = true;
      }
      report.findings.push(finding);
    }
  }
}

export async function runDoctor(dir: string, fix: boolean): Promise<DoctorReport> {
  const report: DoctorReport = { coordination_dir: dir, checked: [], findings: [] };
  await checkLocks(dir, report, fix);
  await checkTempFiles(dir, report, fix);
  let restored = false;
  if (fix) {
    // Restoring a document is a write: under the store's lock, after any decided commit is completed.
    await transact(dir, async (tx) => {
      restored = await checkDocuments(dir, report, true, tx);
    });
  } else await checkDocuments(dir, report, false);
  const viewsBroken = await checkViews(dir, report, fix);
  await checkEvents(dir, report, fix);
  const queueFixed = await checkQueue(dir, report, fix);
  if (fix && (restored || viewsBroken || queueFixed)) {
    // Marking the documents changed makes every registered view writer rewrite its views.
    await transact(dir, async (tx) => {
      for (const doc of [tasksDoc, instancesDoc]) tx.set(doc as DocSpec, await tx.get(doc as DocSpec));
      tx.event({ type: 'doctor.fixed', instance: 'leader', data: { findings: report.findings.filter((f) => f.fixed).map((f) => `${f.kind} ${path.basename(f.file)}`) } });
    });
  }
  return report;
}
