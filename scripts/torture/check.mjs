// What the torture run must show, from the workers' logs (what each caller was told) and the store
// as it ended (after doctor --fix): every violation of a guarantee, by class.
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';

function readJsonLines(file) {
  return readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
}

/**
 * `entries`: every worker log line; `store`: { tasks, instances, messages } as they ended;
 * `delivered`: the final inbox of each instance. Returns the figures and the violations.
 */
export function checkRun(entries, store, finalInbox) {
  const violations = { double_claims: [], reused_tokens: [], lost_messages: [], duplicate_seqs: [], reverted_completions: [], inconsistent: [] };
  const ok = (op) => entries.filter((e) => e.op === op && e.outcome === 'ok');

  // Double claims: leases are long and nobody fails a task, so a task is claimed once, ever.
  const claims = ok('claim').filter((e) => e.kind === 'claimed');
  const claimsByTask = new Map();
  for (const c of claims) claimsByTask.set(c.task, [...(claimsByTask.get(c.task) ?? []), c]);
  for (const [task, list] of claimsByTask) if (list.length > 1) violations.double_claims.push(`${task} claimed by ${list.map((c) => `${c.inst} (token ${c.token})`).join(' and ')}`);
  const completions = ok('complete');
  const doneBy = new Map();
  for (const c of completions) doneBy.set(c.task, [...(doneBy.get(c.task) ?? []), c]);
  for (const [task, list] of doneBy) if (new Set(list.map((c) => c.inst)).size > 1) violations.double_claims.push(`${task} completed by ${list.map((c) => c.inst).join(' and ')}`);

  // Tokens: every claim a new one; the next one above all issued.
  const byToken = new Map();
  for (const c of claims) byToken.set(c.token, [...(byToken.get(c.token) ?? []), c]);
  for (const [token, list] of byToken) if (list.length > 1) violations.reused_tokens.push(`token ${token} given for ${list.map((c) => `${c.task} to ${c.inst}`).join(' and ')}`);
  const maxIssued = Math.max(0, ...claims.map((c) => c.token), ...store.tasks.tasks.map((t) => t.token));
  if (store.tasks.next_token <= maxIssued) violations.reused_tokens.push(`next_token ${store.tasks.next_token} is not above token ${maxIssued}, already issued`);

  // Messages: every send that was confirmed is in the log once, under its seq, and reached its reader.
  const logBySeq = new Map();
  for (const m of store.messages) {
    if (logBySeq.has(m.seq) && logBySeq.get(m.seq).body !== m.body) violations.duplicate_seqs.push(`seq ${m.seq} is both "${logBySeq.get(m.seq).body}" and "${m.body}"`);
    if (!logBySeq.has(m.seq)) logBySeq.set(m.seq, m);
  }
  const received = new Map();
  // What a reader printed counts, whether or not the call then finished (inbox prints first).
  const printed = entries.filter((e) => e.op === 'inbox' && Array.isArray(e.got));
  for (const e of [...printed, ...finalInbox.map((f) => ({ inst: f.inst, got: f.got }))]) {
    for (const m of e.got) received.set(`${e.inst}\0${m.body}`, (received.get(`${e.inst}\0${m.body}`) ?? 0) + 1);
  }
  const sends = ok('send');
  for (const s of sends) {
    const logged = logBySeq.get(s.seq);
    if (!logged || logged.body !== s.body) violations.lost_messages.push(`"${s.body}" (confirmed as seq ${s.seq}) is not in messages.jsonl under that seq${logged ? ` (seq ${s.seq} is "${logged.body}")` : ''}`);
    else if (!received.has(`${s.to}\0${s.body}`)) violations.lost_messages.push(`"${s.body}" (seq ${s.seq}) was never delivered to ${s.to}`);
  }
  const shownTwice = [...received.values()].filter((n) => n > 1).length;

  // Completions stay done, with the token they were done under.
  const finalById = new Map(store.tasks.tasks.map((t) => [t.id, t]));
  for (const c of completions) {
    const t = finalById.get(c.task);
    if (!t || t.status !== 'done' || t.token !== c.token) violations.reverted_completions.push(`${c.task} completed by ${c.inst} (token ${c.token}) ended ${t ? `${t.status} with token ${t.token}` : 'missing'}`);
  }

  // The two documents agree: an instance's assigned_tasks are exactly the tasks claimed by it.
  for (const i of store.instances.instances) {
    const held = store.tasks.tasks.filter((t) => t.status === 'claimed' && t.claimed_by === i.name).map((t) => t.id).sort();
    const assigned = [...i.assigned_tasks].sort();
    if (held.join() !== assigned.join()) violations.inconsistent.push(`${i.name}: instances.json assigns [${assigned}] but tasks.json has it holding [${held}]`);
  }
  const ids = store.tasks.tasks.map((t) => t.id);
  if (new Set(ids).size !== ids.length) violations.inconsistent.push('tasks.json has duplicate task ids');

  const calls = entries.length;
  const figures = {
    calls,
    killed_calls: entries.filter((e) => e.outcome === 'killed').length,
    refused_calls: entries.filter((e) => e.outcome === 'refused').length,
    claims: claims.length,
    completions: completions.length,
    tasks_done: store.tasks.tasks.filter((t) => t.status === 'done').length,
    messages_confirmed: sends.length,
    messages_in_log: logBySeq.size,
    messages_shown_twice: shownTwice,
  };
  return { figures, violations };
}

export function readWorkerLogs(dir) {
  return readdirSync(dir).filter((f) => f.endsWith('.jsonl')).flatMap((f) => readJsonLines(path.join(dir, f)));
}

export function readMessages(file) {
  let text = '';
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return [];
  }
  return text.split('\n').flatMap((l) => {
    try {
      const r = JSON.parse(l);
      return typeof r.seq === 'number' && typeof r.body === 'string' ? [r] : [];
    } catch {
      return [];
    }
  });
}
