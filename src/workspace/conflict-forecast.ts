// The conflict forecast: for each instance branch, whether it merges cleanly into the integration
// target, and for each pair of instance branches, whether they conflict with each other, with the
// files. A merge's outcome depends only on the two commits, so outcomes are cached by commit ids in
// the coordination folder: a forecast after one branch moved recomputes only that branch's merges.
import path from 'node:path';
import { z } from 'zod';
import { WtError } from '../lib/errors.js';
import { gitMaybe, resolveCommit } from '../lib/git.js';
import { instancesDoc } from '../coord/instances/index.js';
import { readDoc } from '../coord/transact.js';
import type { RepoContext } from './repo.js';
import { writeFileAtomic } from '../lib/atomic.js';
import { readTextIfExists, toJsonText } from '../lib/json-file.js';
import { forecastMerges, type MergeOutcome } from './merge-tree.js';

export const FORECAST_CACHE_FILE = 'conflict-forecast.json';

const outcomeSchema = z.object({
  result: z.enum(['clean', 'conflict', 'unmergeable']),
  files: z.array(z.string()),
  conflicts: z.array(z.object({ kind: z.string(), paths: z.array(z.string()), message: z.string() })),
  error: z.string().optional(),
});
const cacheSchema = z.object({ version: z.literal(1), merges: z.record(z.string(), outcomeSchema) });

export interface ForecastBranch {
  name: string;
  branch: string;
}

export interface BranchForecast extends ForecastBranch {
  /** null: the branch does not exist. */
  commit: string | null;
  /** Merging this branch into the target; null when the branch does not exist. */
  into_target: MergeOutcome | null;
}

export interface PairForecast {
  a: string;
  b: string;
  outcome: MergeOutcome;
}

export interface ConflictForecast {
  target: { ref: string; commit: string };
  branches: BranchForecast[];
  /** Every pair of existing branches, in instance order. */
  pairs: PairForecast[];
  /** Merges computed now (the rest came from the cache). */
  computed: number;
}

/** The cache file; unreadable or invalid means empty (it is derived: recomputing is always right). */
async function readCache(file: string): Promise<Map<string, MergeOutcome>> {
  const text = await readTextIfExists(file).catch(() => null);
  if (text === null) return new Map();
  try {
    const parsed = cacheSchema.safeParse(JSON.parse(text));
    return parsed.success ? new Map(Object.entries(parsed.data.merges)) : new Map();
  } catch {
    return new Map();
  }
}

/** Every local branch's commit, from one git process (a forecast of 8 branches should not start 8). */
async function branchHeads(repoDir: string): Promise<Map<string, string>> {
  const out = (await gitMaybe(repoDir, ['for-each-ref', '--format=%(objectname) %(refname)', 'refs/heads/'])) ?? '';
  const heads = new Map<string, string>();
  for (const line of out.split('\n')) {
    const at = line.indexOf(' refs/heads/');
    if (at > 0) heads.set(line.slice(at + ' refs/heads/'.length), line.slice(0, at));
  }
  return heads;
}

/**
 * Forecasts every instance branch into `targetRef` and every pair of them. `cacheDir` (the
 * coordination folder) keeps outcomes by commit ids; without it nothing is cached.
 */
export async function forecastConflicts(repoDir: string, targetRef: string, branches: ForecastBranch[], cacheDir?: string): Promise<ConflictForecast> {
  const heads = await branchHeads(repoDir);
  const target = heads.get(targetRef) ?? (await resolveCommit(repoDir, targetRef));
  if (!target) throw new WtError(`the integration target ${targetRef} is not a commit in this repository`, 'name a branch, tag or commit that exists (--target <ref>)');
  const commits = branches.map((b) => heads.get(b.branch) ?? null);
  const cacheFile = cacheDir ? path.join(cacheDir, FORECAST_CACHE_FILE) : null;
  const cache = cacheFile ? await readCache(cacheFile) : new Map<string, MergeOutcome>();

  const wanted: [string, string][] = [];
  const key = (ours: string, theirs: string) => `${ours}..${theirs}`;
  const want = (ours: string, theirs: string) => {
    if (!cache.has(key(ours, theirs)) && !wanted.some(([a, b]) => a === ours && b === theirs)) wanted.push([ours, theirs]);
  };
  commits.forEach((c, i) => {
    if (!c) return;
    want(target, c);
    for (let j = i + 1; j < commits.length; j++) if (commits[j]) want(c, commits[j]!);
  });
  const fresh = await forecastMerges(repoDir, wanted);
  wanted.forEach(([a, b], k) => cache.set(key(a, b), fresh[k]!));

  const used = new Map<string, MergeOutcome>();
  const lookup = (ours: string, theirs: string) => {
    const outcome = cache.get(key(ours, theirs))!;
    used.set(key(ours, theirs), outcome);
    return outcome;
  };
  const result: BranchForecast[] = branches.map((b, i) => ({ ...b, commit: commits[i] ?? null, into_target: commits[i] ? lookup(target, commits[i]!) : null }));
  const pairs: PairForecast[] = [];
  for (let i = 0; i < branches.length; i++) {
    for (let j = i + 1; j < branches.length; j++) {
      if (commits[i] && commits[j]) pairs.push({ a: branches[i]!.name, b: branches[j]!.name, outcome: lookup(commits[i]!, commits[j]!) });
    }
  }
  // Keep only what this forecast used, so the cache stays as small as the current branches need.
  if (cacheFile && wanted.length) {
    await writeFileAtomic(cacheFile, toJsonText({ version: 1, merges: Object.fromEntries(used) }), { fsync: false }).catch(() => undefined);
  }
  return { target: { ref: targetRef, commit: target }, branches: result, pairs, computed: wanted.length };
}


/** The branch the instances' work goes into when no target is named: the main checkout's branch (else its commit). */
export async function defaultTarget(mainWorktree: string): Promise<string> {
  return (await gitMaybe(mainWorktree, ['symbolic-ref', '--short', '-q', 'HEAD']))?.trim() || 'HEAD';
}

/** The forecast for every registered instance of the repository. */
export async function forecastInstances(repo: RepoContext, targetRef?: string): Promise<ConflictForecast> {
  const { instances } = await readDoc(repo.coordDir, instancesDoc);
  const target = targetRef ?? (await defaultTarget(repo.mainWorktree));
  return forecastConflicts(repo.mainWorktree, target, instances.map((i) => ({ name: i.name, branch: i.branch })), repo.coordDir);
}

export interface InstanceMarker {
  /** clean: merges into the target and with every other instance; else what it collides with. */
  state: 'clean' | 'conflict' | 'unknown';
  /** The target (by ref) and instance names it conflicts with. */
  with: string[];
  /** Per collision, the files. */
  details: { with: string; files: string[]; kinds: string[] }[];
}

/** One instance's line in `status`: whether its branch collides with the target or with another instance. */
export function markerFor(forecast: ConflictForecast, name: string): InstanceMarker {
  const own = forecast.branches.find((b) => b.name === name);
  if (!own?.into_target) return { state: 'unknown', with: [], details: [] };
  const details: InstanceMarker['details'] = [];
  const add = (withName: string, o: MergeOutcome) => {
    if (o.result !== 'clean') details.push({ with: withName, files: o.files, kinds: [...new Set(o.conflicts.map((c) => c.kind))] });
  };
  add(forecast.target.ref, own.into_target);
  for (const p of forecast.pairs) if (p.a === name || p.b === name) add(p.a === name ? p.b : p.a, p.outcome);
  return { state: details.length ? 'conflict' : 'clean', with: details.map((d) => d.with), details };
}
