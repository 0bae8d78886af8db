// A structured handoff (seed 002): the holder of a claimed task passes it, with its context (what,
// why, where, next), to another instance. One transaction moves the task claim (with a new fencing
// token, so the old holder's late reports are refused), the assignment, and the path claims taken
// for the task, and delivers the context to the new holder's inbox, with a notice on #handoffs.
import { ExitCode, UsageError, WtError } from '../../lib/errors.js';
import { transact } from '../transact.js';
import { claimsDoc, type Claim } from '../claims/claims.js';
import { touchInstance } from '../instances/heartbeat.js';
import { instanceName, instancesDoc, parseInstanceRef } from '../instances/instances.js';
import { postMessage, validateBody, type Message } from '../messages/messages.js';
import { leaseExpiry } from './queue.js';
import { readQueueSettings } from './queue-settings.js';
import { normalizeTaskId, recordAttempt, tasksDoc, type Task } from './tasks.js';

export interface HandoffResult {
  task: Task;
  message: Message;
  claimsMoved: Claim[];
}

export async function handoffTask(coordDir: string, fromId: number, taskInput: string, toInput: string, context: string): Promise<HandoffResult> {
  const taskId = normalizeTaskId(taskInput);
  const toId = parseInstanceRef(toInput);
  validateBody(context);
  if (toId === fromId) throw new UsageError(`you already hold ${taskId}`, 'hand it to another instance: --to instance-2');
  return transact(coordDir, async (tx) => {
    const now = new Date();
    const tasks = await tx.get(tasksDoc);
    const registry = await tx.get(instancesDoc);
    const me = registry.instances.find((i) => i.id === fromId);
    const target = registry.instances.find((i) => i.id === toId);
    if (!me) throw new WtError(`${instanceName(fromId)} is not registered`, '`wt-coord status` lists the instances');
    if (!target) throw new UsageError(`unknown recipient "${toInput}": ${instanceName(toId)} is not registered`, `hand over to one of: ${registry.instances.filter((i) => i.id !== fromId).map((i) => i.name).join(', ') || '(no other instance)'}`);
    const task = tasks.tasks.find((t) => t.id === taskId);
    if (!task) throw new WtError(`no task ${taskId} in the queue`, '`coordinate.sh status` shows who holds what');
    if (task.status !== 'claimed' || task.claimed_by !== me.name) {
      throw new WtError(`${me.name} does not hold ${taskId} (${task.status === 'claimed' ? `held by ${task.claimed_by}` : task.status}): nothing was handed over`, 'only the holder of a claimed task can hand it off', ExitCode.notHolder);
    }
    const settings = await readQueueSettings(me.main_repo, coordDir);
    if (leaseExpiry(task, me, settings) <= now) {
      throw new WtError(`your lease on ${taskId} has expired: nothing was handed over`, 'request-task again; the task goes back to the queue', ExitCode.notHolder);
    }
    const oldToken = task.token;
    // The new holder's briefing shows this attempt; the old holder's late reports are refused and told why.
    recordAttempt(task, me, 'handed off', `handed to ${target.name}: ${context.trim().split('\n')[0]!.slice(0, 300)}`, now);
    tasks.lost_leases[me.name] = { task: taskId, token: oldToken, expired_at: now.toISOString(), why: `handed off to ${target.name}` };
    task.token = tasks.next_token;
    tasks.next_token += 1;
    task.claimed_by = target.name;
    task.claimed_at = now.toISOString();
    me.assigned_tasks = me.assigned_tasks.filter((t) => t !== taskId);
    if (!target.assigned_tasks.includes(taskId)) target.assigned_tasks.push(taskId);
    tx.setRecords(tasksDoc, tasks, [task]);
    tx.set(instancesDoc, registry);
    await touchInstance(tx, fromId, now);

    const claims = await tx.get(claimsDoc);
    const claimsMoved = claims.claims.filter((c) => c.task_id === taskId && c.instance_id === fromId);
    if (claimsMoved.length > 0) {
      tx.set(claimsDoc, { ...claims, claims: claims.claims.map((c) => (claimsMoved.includes(c) ? { ...c, instance: target.name, instance_id: target.id } : c)) });
    }
    const moved = claimsMoved.map((c) => c.pattern);
    const body = [
      `${me.name} handed ${taskId} to you: ${task.description}`,
      context.trim(),
      `your token: ${task.token}${moved.length ? `; path claims now yours: ${moved.join(', ')}` : ''}`,
    ].join('\n');
    const message = await postMessage(tx, { from: me.name, to: target.name, type: 'handoff', priority: 'urgent', body, paths: moved });
    await postMessage(tx, { from: me.name, to: '#handoffs', type: 'handoff', body: `${me.name} handed ${taskId} to ${target.name} (see ${message.id})`, paths: moved });
    tx.event({ type: 'task.handed_off', instance: me.name, data: { task: taskId, to: target.name, old_token: oldToken, token: task.token, claims: moved, message: message.id } });
    return { task, message, claimsMoved: claimsMoved.map((c) => ({ ...c, instance: target.name, instance_id: target.id })) };
  });
}
