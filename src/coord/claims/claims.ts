// Path claims (seed 004's Claim and Release): an instance takes a path or glob before editing it;
// the first claim wins and an overlapping claim by another instance is refused, naming the holder.
// A claim lives as long as its instance's lease (last_seen + lease_minutes) and goes with the
// task it was taken for. claims.json is the source of truth; every change is an event, and claim
// and release are also announced on #general.
import { z } from 'zod';
import { ExitCode, UsageError, WtError } from '../../lib/errors.js';
import { defineDoc, readDoc, type Transaction } from '../../store/store.js';
import { transact } from '../transact.js';
import { instanceName, instancesDoc, type Instance } from '../instances/instances.js';
import { clockTime, terminalText } from '../messages/message-format.js';
import { postMessage } from '../messages/messages.js';
import { normalizeClaimPattern, parsePattern, parsedOverlap, samePattern, type ParsedPattern } from './path-overlap.js';
import { touchInstance } from '../instances/heartbeat.js';
import { defaultQueueSettings, readQueueSettings } from '../queue/queue-settings.js';
import { existingTaskId, tasksDoc } from '../queue/tasks.js';

export const claimSchema = z.object({
  pattern: z.string().min(1),
  instance: z.string(),
  instance_id: z.number().int().positive(),
  reason: z.string().nullable().default(null),
  task_id: z.string().nullable().default(null),
  claimed_at: z.string(),
});
export type Claim = z.infer<typeof claimSchema>;
export type ListedClaim = Claim & { expired: boolean };

export const claimsDoc = defineDoc(
  'claims.json',
  z.object({ version: z.literal(1), claims: z.array(claimSchema) }),
  () => ({ version: 1 as const, claims: [] as Claim[] }),
);

export interface ClaimOptions {
  /** Defaults to lease_minutes of the repository's wt-coord.yaml. */
  leaseMs?: number;
  now?: number;
}

/** A claim is live while its instance is registered and has called in within the lease (as tasks are). */
export function isClaimLive(claim: Claim, instances: Instance[], leaseMs: number, now: number): boolean {
  const holder = instances.find((i) => i.id === claim.instance_id);
  if (!holder) return false;
  const seen = Math.max(...[claim.claimed_at, holder.last_seen].filter((t): t is string => Boolean(t)).map((t) => Date.parse(t)).filter((t) => !Number.isNaN(t)));
  return now - seen <= leaseMs;
}

/** lease_minutes of the repository, read the way the task queue reads it. */
async function leaseFor(coordDir: string, instances: Instance[], options: ClaimOptions): Promise<number> {
  if (options.leaseMs !== undefined) return options.leaseMs;
  const mainRepo = instances[0]?.main_repo;
  const settings = mainRepo ? await readQueueSettings(mainRepo, coordDir) : defaultQueueSettings();
  return settings.leaseMinutes * 60_000;
}

function describeClaim(claim: Claim): string {
  const why = claim.reason ? ` ("${terminalText(claim.reason, { oneLine: true })}")` : '';
  const task = claim.task_id ? ` for task ${claim.task_id}` : '';
  return `${claim.pattern} claimed by ${claim.instance}${why}${task} since ${clockTime(claim.claimed_at)}`;
}

/** Validates a claim pattern the way claimPath stores it (the verb passes the worktree as a root). */
export function claimPatternOf(input: string, repoRoots: string[] = []): string {
  return normalizeClaimPattern(input, repoRoots);
}

/** Removes claims whose lease ran out (or whose instance is gone), with an event for each. */
async function pruneExpired(tx: Transaction, claims: Claim[], instances: Instance[], leaseMs: number, now: number): Promise<Claim[]> {
  const live = claims.filter((c) => isClaimLive(c, instances, leaseMs, now));
  for (const gone of claims.filter((c) => !live.includes(c))) {
    tx.event({ type: 'claim.expired', instance: gone.instance, data: { pattern: gone.pattern } });
  }
  return live;
}

/**
 * `claim --task X`: X as the canonical id of a task that exists and that this instance holds. A
 * claim goes with its task, so claiming for a task you do not hold (or no longer hold, after a
 * requeue or handoff) is refused like any other act on a held task.
 */
async function heldTaskFor(tx: Transaction, me: string, input: string): Promise<string> {
  const doc = await tx.get(tasksDoc);
  const id = existingTaskId(input, doc.tasks);
  const task = doc.tasks.find((t) => t.id === id)!;
  if (task.status === 'claimed' && task.claimed_by === me) return id;
  const lost = doc.lost_leases[me];
  const ended = lost?.task === id ? `your claim on ${id} ended at ${lost.expired_at} (${lost.why}); ` : '';
  const now = task.status === 'claimed' ? `it is held by ${task.claimed_by}` : `it is ${task.status}`;
  throw new WtError(`${ended}${me} does not hold ${id} (${now}): a claim for it was not made`, 'claim for a task you hold (request-task gets one), or pass --no-task', ExitCode.notHolder, 'NOT_HOLDER');
}

/** A reason is a short note on one line: it is printed in refusals, `claims` and watch. */
export const MAX_REASON_CHARS = 500;

function cleanReason(reason: string | undefined): string | null {
  const text = terminalText(reason ?? '', { oneLine: true });
  if (text.length > MAX_REASON_CHARS) throw new UsageError(`the reason is ${text.length} characters, over the limit of ${MAX_REASON_CHARS}`, 'give a short reason; send the details as a message');
  return text || null;
}

/**
 * Claims `pattern` for `instanceId`. `taskId` undefined: the task the instance holds, if it holds
 * exactly one (so completing it releases the claim); null: a claim for no task.
 */
export async function claimPath(coordDir: string, instanceId: number, pattern: string, reason?: string, taskId?: string | null, options: ClaimOptions = {}): Promise<Claim> {
  const normalized = normalizeClaimPattern(pattern);
  const why = cleanReason(reason);
  return transact(coordDir, async (tx) => {
    const now = options.now ?? Date.now();
    const registry = await tx.get(instancesDoc);
    const me = registry.instances.find((i) => i.id === instanceId);
    if (!me) throw new WtError(`${instanceName(instanceId)} is not registered`, '`wt-coord status` lists the instances');
    const doc = await tx.get(claimsDoc);
    const live = await pruneExpired(tx, doc.claims, registry.instances, await leaseFor(coordDir, registry.instances, options), now);
    const wanted = parsePattern(normalized);
    const taken = live.find((c) => c.instance_id !== instanceId && parsedOverlap(parsedClaim(c.pattern), wanted));
    if (taken) {
      throw new WtError(`${normalized} overlaps ${describeClaim(taken)}`, `first claim wins: ask ${taken.instance} (coordinate.sh send ${taken.instance} "...") or work elsewhere`, ExitCode.conflict, 'CLAIM_CONFLICT');
    }
    const iso = new Date(now).toISOString();
    const forTask = taskId === undefined || taskId === null ? taskId : await heldTaskFor(tx, me.name, taskId);
    const claim: Claim = { pattern: normalized, instance: me.name, instance_id: me.id, reason: why, task_id: forTask === undefined ? (me.assigned_tasks.length === 1 ? me.assigned_tasks[0]! : null) : forTask, claimed_at: iso };
    const mine = live.find((c) => c.instance_id === instanceId && samePattern(c.pattern, normalized));
    const claims = mine ? live.map((c) => (c === mine ? { ...claim, claimed_at: mine.claimed_at } : c)) : [...live, claim];
    tx.set(claimsDoc, { ...doc, claims });
    // Claiming is calling in: it renews the lease the claim lives by.
    await touchInstance(tx, instanceId, new Date(now));
    tx.event({ type: 'claim', instance: me.name, data: { pattern: normalized, reason: claim.reason, task_id: claim.task_id } });
    if (!mine) await postMessage(tx, { from: me.name, to: '#general', type: 'claim', body: `claimed ${normalized}${claim.reason ? `: ${claim.reason}` : ''}`, paths: [normalized] });
    return mine ? { ...claim, claimed_at: mine.claimed_at } : claim;
  });
}

export async function releasePath(coordDir: string, instanceId: number, pattern: string): Promise<Claim> {
  const normalized = normalizeClaimPattern(pattern);
  return transact(coordDir, async (tx) => {
    const doc = await tx.get(claimsDoc);
    const mine = doc.claims.find((c) => c.instance_id === instanceId && samePattern(c.pattern, normalized));
    if (!mine) {
      const other = doc.claims.find((c) => samePattern(c.pattern, normalized));
      const held = doc.claims.filter((c) => c.instance_id === instanceId).map((c) => c.pattern);
      throw new WtError(
        other ? `${normalized} is claimed by ${other.instance}, not by ${instanceName(instanceId)}` : `${instanceName(instanceId)} holds no claim on ${normalized}`,
        held.length ? `your claims: ${held.join(', ')}` : 'you hold no claims (coordinate.sh claims lists them all)',
        ExitCode.notHolder,
        'NOT_HOLDER',
      );
    }
    tx.set(claimsDoc, { ...doc, claims: doc.claims.filter((c) => c !== mine) });
    await touchInstance(tx, instanceId);
    tx.event({ type: 'claim.released', instance: mine.instance, data: { pattern: mine.pattern } });
    await postMessage(tx, { from: mine.instance, to: '#general', type: 'release', body: `released ${mine.pattern}`, paths: [mine.pattern] });
    return mine;
  });
}

/** Releases inside a caller's transaction every claim matching `which` (task completion, teardown). */
export async function releaseClaimsInTx(tx: Transaction, which: (claim: Claim) => boolean, why: string): Promise<Claim[]> {
  const doc = await tx.get(claimsDoc);
  const released = doc.claims.filter(which);
  if (released.length === 0) return [];
  tx.set(claimsDoc, { ...doc, claims: doc.claims.filter((c) => !released.includes(c)) });
  for (const c of released) tx.event({ type: 'claim.released', instance: c.instance, data: { pattern: c.pattern, why } });
  return released;
}

export async function releaseAllClaims(coordDir: string, instanceId: number): Promise<Claim[]> {
  return transact(coordDir, async (tx) => {
    await touchInstance(tx, instanceId);
    return releaseClaimsInTx(tx, (c) => c.instance_id === instanceId, 'release --all');
  });
}

/** Every claim, with whether its lease ran out (expired claims no longer block anyone). */
export async function listClaims(coordDir: string, options: ClaimOptions = {}): Promise<ListedClaim[]> {
  const [{ claims }, { instances }] = await Promise.all([readDoc(coordDir, claimsDoc), readDoc(coordDir, instancesDoc)]);
  const leaseMs = await leaseFor(coordDir, instances, options);
  const now = options.now ?? Date.now();
  return claims.map((c) => ({ ...c, expired: !isClaimLive(c, instances, leaseMs, now) }));
}

/**
 * A stored claim, parsed for the overlap rule. One stored by an older version past today's bounds
 * (a glob bomb) cannot be checked in bounded time: it counts as covering everything, so it blocks
 * rather than lets two agents edit the same files, until it is released or expires.
 */
function parsedClaim(pattern: string): ParsedPattern {
  try {
    return parsePattern(pattern);
  } catch {
    return parsePattern('**');
  }
}

export interface ClaimConflict {
  path: string;
  claim: Claim;
}

/**
 * Pure: which of `paths` overlap a live claim of another instance, and whose; the same rule as
 * claimPath. `files: true` (the commit guard's staged paths, the agent's edited file): real files,
 * taken literally; otherwise each path is read as a claim would be.
 */
export function findClaimConflicts(claims: (Claim | ListedClaim)[], instanceName: string, paths: string[], { files = true } = {}): ClaimConflict[] {
  const others = claims.filter((c) => c.instance !== instanceName && !('expired' in c && c.expired)).map((c) => ({ claim: c, parsed: parsedClaim(c.pattern) }));
  const conflicts: ClaimConflict[] = [];
  for (const p of paths) {
    const mine = parsePattern(files ? p : normalizeClaimPattern(p), { file: files });
    const hit = others.find((o) => parsedOverlap(mine, o.parsed));
    if (hit) conflicts.push({ path: p, claim: hit.claim });
  }
  return conflicts;
}

export function formatClaims(claims: ListedClaim[], me?: string): string {
  if (claims.length === 0) return 'no path claims';
  return claims
    .map((c) => `${c.pattern}  ${c.instance}${c.instance === me ? ' (you)' : ''}${c.task_id ? `  ${c.task_id}` : ''}${c.reason ? `  "${terminalText(c.reason, { oneLine: true })}"` : ''}${c.expired ? '  (expired: lease ran out)' : ''}`)
    .join('\n');
}
