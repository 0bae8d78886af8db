// doctor's checks of the queue as a whole: what each document's schema cannot see. Duplicate task
// ids, dependencies on missing tasks, dependency cycles, counters (next_id, next_token) at or
// below one already given, and tasks.json and instances.json disagreeing on who holds what (two
// documents of one commit). --fix repairs what has one right answer: counters move above the
// highest given, and each instance's assigned_tasks is derived again from tasks.json, the source
// of truth for claims. Duplicates, missing dependencies and cycles need a person's choice.
import path from 'node:path';
import { readDoc, transact } from './transact.js';
import type { DoctorFinding, DoctorReport } from './doctor.js';
import { instancesDoc, type Instance } from './instances/instances.js';
import { formatTaskId, taskNumber, tasksDoc, type TasksFile } from './queue/tasks.js';
import { findCycle } from './queue/task-intake.js';

interface QueueProblem {
  problem: string;
  fix: string;
  /** Applies the repair to the documents; absent when it would take a guess. */
  repair?: (doc: TasksFile, instances: Instance[]) => void;
}

function cycleIn(doc: TasksFile): string[] | null {
  // A duplicated id keeps the dependencies of every copy: a cycle through either is still a cycle.
  const deps = new Map<string, string[]>();
  for (const t of doc.tasks) deps.set(t.id, [...(deps.get(t.id) ?? []), ...t.dependencies]);
  return findCycle(deps);
}

export function queueProblems(doc: TasksFile, instances: Instance[]): QueueProblem[] {
  const problems: QueueProblem[] = [];
  const ids = doc.tasks.map((t) => t.id);
  const dup = [...new Set(ids.filter((id, i) => ids.indexOf(id) !== i))];
  if (dup.length) problems.push({ problem: `duplicate task ids: ${dup.join(', ')}`, fix: 'renumber or remove one of each by hand (which one is meant cannot be told)' });
  const known = new Set(ids);
  for (const t of doc.tasks) {
    const missing = t.dependencies.filter((d) => !known.has(d));
    if (missing.length) problems.push({ problem: `${t.id} depends on ${missing.join(', ')}, which do not exist`, fix: `edit ${t.id}'s dependencies by hand, or cancel it (wt-coord task cancel ${t.id})` });
  }
  const cycle = cycleIn(doc);
  if (cycle) problems.push({ problem: `dependency cycle: ${cycle.join(' -> ')} (none of them can ever be ready)`, fix: 'remove one of those dependencies by hand, or cancel one of the tasks' });
  const maxToken = Math.max(0, ...doc.tasks.map((t) => t.token), ...Object.values(doc.lost_leases).map((l) => l.token));
  if (doc.next_token <= maxToken) {
    problems.push({ problem: `next_token ${doc.next_token} is not above token ${maxToken}, already issued: the next claim would reuse a fencing token`, fix: `set next_token to ${maxToken + 1}`, repair: (d) => void (d.next_token = maxToken + 1) });
  }
  const maxId = Math.max(0, ...doc.tasks.map((t) => taskNumber(t.id)));
  if (doc.next_id <= maxId) problems.push({ problem: `next_id ${doc.next_id} is not above ${formatTaskId(maxId)}: the next task added would reuse an id`, fix: `set next_id to ${maxId + 1}`, repair: (d) => void (d.next_id = maxId + 1) });
  for (const t of doc.tasks.filter((t) => t.status === 'claimed' && !t.claimed_by)) {
    problems.push({ problem: `${t.id} is claimed by nobody`, fix: 'put it back in the queue (available)', repair: (d) => {
      const task = d.tasks.find((x) => x.id === t.id)!;
      Object.assign(task, { status: 'available', claimed_by: null });
    } });
  }
  for (const i of instances) {
    const held = doc.tasks.filter((t) => t.status === 'claimed' && t.claimed_by === i.name).map((t) => t.id).sort();
    const assigned = [...i.assigned_tasks].sort();
    if (held.join() !== assigned.join()) {
      problems.push({
        problem: `${i.name}: instances.json assigns it [${assigned.join(', ')}] but tasks.json has it holding [${held.join(', ')}]`,
        fix: 'set its assigned_tasks from tasks.json (the source of truth for claims)',
        repair: (d, list) => {
          const entry = list.find((x) => x.name === i.name);
          if (entry) entry.assigned_tasks = d.tasks.filter((t) => t.status === 'claimed' && t.claimed_by === i.name).map((t) => t.id);
        },
      });
    }
  }
  return problems;
}

/** Adds the queue's findings to `report`; with `fix`, repairs under the lock (re-checked there). Returns whether it changed anything. */
export async function checkQueue(dir: string, report: DoctorReport, fix: boolean): Promise<boolean> {
  let doc: TasksFile;
  let instances: Instance[];
  try {
    doc = await readDoc(dir, tasksDoc);
    instances = (await readDoc(dir, instancesDoc)).instances;
  } catch {
    return false; // an invalid document is reported among the documents
  }
  const file = path.join(dir, tasksDoc.file);
  let problems = queueProblems(doc, instances);
  let fixedProblems = new Set<string>();
  if (fix && problems.some((p) => p.repair)) {
    await transact(dir, async (tx) => {
      const current = await tx.get(tasksDoc);
      const registry = await tx.get(instancesDoc);
      problems = queueProblems(current, registry.instances);
      for (const p of problems) p.repair?.(current, registry.instances);
      fixedProblems = new Set(problems.filter((p) => p.repair).map((p) => p.problem));
      if (fixedProblems.size === 0) return;
      tx.set(tasksDoc, current);
      tx.set(instancesDoc, registry);
    });
  }
  for (const p of problems) {
    const finding: DoctorFinding = { kind: 'queue', file, problem: p.problem, fix: p.fix, fixable: Boolean(p.repair), fixed: fixedProblems.has(p.problem) };
    report.findings.push(finding);
  }
  return fixedProblems.size > 0;
}
