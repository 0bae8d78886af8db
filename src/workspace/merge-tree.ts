// What `git merge` would do, without doing it: `git merge-tree --write-tree` runs the same merge
// (ort: renames, binary files, directory/file conflicts) into a tree object and touches no worktree,
// no index and no ref. Many merges go through one `--stdin` process, so a forecast of 28 pairs
// costs one git start-up, not 28.
import { execa } from 'execa';
import { WtError } from '../lib/errors.js';

/** One logical conflict as git reports it: its stable type, the paths it involves, git's sentence. */
export interface MergeConflict {
  /** What kind of conflict: content, add/add, rename/delete, modify/delete, binary, rename/rename, file/directory, ... */
  kind: string;
  paths: string[];
  message: string;
}

export interface MergeOutcome {
  /** clean: git merge would succeed; conflict: it would stop with conflicts; unmergeable: it would refuse (e.g. unrelated histories). */
  result: 'clean' | 'conflict' | 'unmergeable';
  /** The files git merge would leave unmerged in the index (exactly `git diff --name-only --diff-filter=U` after it). */
  files: string[];
  conflicts: MergeConflict[];
  /** Why it cannot be merged (result unmergeable). */
  error?: string;
}

/** A cursor over NUL-separated tokens. */
class Tokens {
  private at = 0;
  constructor(private readonly items: string[]) {}
  next(): string {
    if (this.at >= this.items.length) throw new Error('git merge-tree output ended early');
    return this.items[this.at++]!;
  }
  get done(): boolean {
    return this.at >= this.items.length;
  }
}

/** The message's own `CONFLICT (add/add):` is more precise than the stable type (`contents` for both add/add and content); else the type. */
function conflictKind(type: string, message: string): string {
  const m = /^CONFLICT \(([^)]*)\)/.exec(message) ?? /^CONFLICT \((.*)\)$/.exec(type);
  return m ? m[1]! : type;
}

/**
 * One merge's sections after the tree id, as `-z --name-only --messages` writes them: the
 * conflicted file names each NUL-terminated, an empty token that opens the messages, then records
 * `<count> NUL <path>... NUL <type> NUL <message> NUL`, then (with --stdin) an empty token that ends the merge.
 */
function readSections(tokens: Tokens, conflicted: boolean, batch: boolean): Omit<MergeOutcome, 'result'> {
  const files: string[] = [];
  for (let t = tokens.next(); t !== ''; t = tokens.next()) files.push(t);
  const conflicts: MergeConflict[] = [];
  while (batch || !tokens.done) {
    const count = tokens.next();
    if (count === '') break; // end of this merge (--stdin)
    const n = Number(count);
    if (!Number.isInteger(n) || n < 0) throw new Error(`git merge-tree output: expected a path count, got ${JSON.stringify(count)}`);
    const paths = Array.from({ length: n }, () => tokens.next());
    const type = tokens.next();
    const message = tokens.next().trimEnd();
    // "Auto-merging" is information, not a conflict; a clean merge reports nothing else.
    if (type !== 'Auto-merging' && conflicted) conflicts.push({ kind: conflictKind(type, message), paths, message });
  }
  return { files, conflicts };
}

/** Parses `git merge-tree --write-tree --stdin --name-only --messages` output (always -z) for `count` merges. */
export function parseMergeTreeBatch(output: string, count: number): MergeOutcome[] {
  const tokens = new Tokens(output.split('\0'));
  const outcomes: MergeOutcome[] = [];
  for (let k = 0; k < count; k++) {
    const status = tokens.next();
    if (status !== '0' && status !== '1') throw new Error(`git merge-tree: merge ${k + 1} could not run (status ${status})`);
    tokens.next(); // the tree id
    const sections = readSections(tokens, status === '0', true);
    outcomes.push({ result: status === '1' ? 'clean' : 'conflict', ...sections });
  }
  return outcomes;
}

/** Parses the output of one `git merge-tree --write-tree -z --name-only --messages` (exit 0 clean, 1 conflicts). */
export function parseMergeTreeSingle(output: string, exitCode: number): MergeOutcome {
  const tokens = new Tokens(output.split('\0'));
  tokens.next(); // the tree id
  const sections = readSections(tokens, exitCode === 1, false);
  return { result: exitCode === 0 ? 'clean' : 'conflict', ...sections };
}

/**
 * merge-tree names the side it keeps of a file/directory conflict `<path>~<first argument>` (a
 * slash in it flattened to _); git merge names it `<path>~HEAD`, since there the first side is the
 * checkout. Rename to what git merge would leave.
 */
export function asMergedIntoCheckout(outcome: MergeOutcome, ours: string): MergeOutcome {
  const label = `~${ours.replace(/\//g, '_')}`;
  const rename = (p: string) => {
    const at = p.lastIndexOf(label);
    return at > 0 && /^(_\d+)?$/.test(p.slice(at + label.length)) ? `${p.slice(0, at)}~HEAD${p.slice(at + label.length)}` : p;
  };
  if (!outcome.files.some((f) => f.includes(label)) && !outcome.conflicts.some((c) => c.paths.some((p) => p.includes(label)))) return outcome;
  return { ...outcome, files: outcome.files.map(rename), conflicts: outcome.conflicts.map((c) => ({ ...c, paths: c.paths.map(rename) })) };
}

const MERGE_TREE = ['merge-tree', '--write-tree', '--name-only', '--messages'];

async function forecastOne(dir: string, ours: string, theirs: string): Promise<MergeOutcome> {
  const run = await execa('git', [...MERGE_TREE, '-z', ours, theirs], { cwd: dir, reject: false, stripFinalNewline: false });
  if (run.exitCode === 0 || run.exitCode === 1) return parseMergeTreeSingle(run.stdout, run.exitCode);
  const reason = run.stderr.trim().split('\n').filter(Boolean).slice(-1)[0] ?? `git merge-tree exit ${run.exitCode}`;
  return { result: 'unmergeable', files: [], conflicts: [], error: reason.replace(/^fatal: /, '') };
}

/**
 * Forecasts `git merge <theirs>` on a checkout of `ours` for every pair (commit ids or refs). One
 * git process for all of them; if that batch fails (a pair git refuses to merge ends --stdin), each
 * pair runs alone so the others still get their answer.
 */
export async function forecastMerges(dir: string, pairs: readonly (readonly [string, string])[]): Promise<MergeOutcome[]> {
  if (pairs.length === 0) return [];
  for (const [a, b] of pairs) {
    if (/\s/.test(a) || /\s/.test(b) || !a || !b) throw new WtError(`cannot forecast a merge of "${a}" and "${b}"`, 'pass commit ids or branch names');
  }
  const input = pairs.map(([a, b]) => `${a} ${b}\n`).join('');
  const batch = await execa('git', [...MERGE_TREE, '--stdin'], { cwd: dir, input, reject: false, stripFinalNewline: false });
  const outcomes = batch.exitCode === 0 ? parseMergeTreeBatch(batch.stdout, pairs.length) : await Promise.all(pairs.map(([a, b]) => forecastOne(dir, a, b)));
  return outcomes.map((o, k) => asMergedIntoCheckout(o, pairs[k]![0]));
}
