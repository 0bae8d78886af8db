// When do two path claims overlap? Pure functions, no disk. A claim is a repository-relative path
// or glob; a pattern that names a folder covers everything inside it (`src/api/` and `src/api`
// cover `src/api/users.ts`, and so does `src/*`, as in .gitignore). Two patterns overlap when some
// path could be covered by both. Comparison is per path segment, so `src/api` never covers
// `src/api-v2/x`. Two globs in one segment are judged by their literal start and end: when that
// cannot rule an overlap out, it counts as one (a refused claim names its holder; a missed overlap
// would let two agents edit the same files).
import picomatch from 'picomatch';
import { UsageError } from '../../lib/errors.js';

/** Turns user input into a claim pattern: repository-relative, posix, no `.`/empty segments. */
export function normalizeClaimPattern(input: string, repoRoots: string[] = []): string {
  let pattern = input.trim().replace(/\\/g, '/');
  if (!pattern) throw new UsageError('a claim needs a path or glob', 'coordinate.sh claim src/api/ "why"');
  if (/[\u0000-\u001f\u007f-\u009f]/.test(pattern)) throw new UsageError(`the path ${JSON.stringify(input.slice(0, 60))} contains control characters`, 'claim a path as git shows it, e.g. src/api/');
  if (pattern.startsWith('!')) throw new UsageError(`"${input}" is a negated pattern: a claim names what you take, not what you leave`, 'claim the paths you will edit, e.g. src/api/');
  if (pattern.startsWith('/')) {
    const root = repoRoots.map((r) => r.replace(/\\/g, '/').replace(/\/+$/, '')).find((r) => pattern === r || pattern.startsWith(`${r}/`));
    if (!root) throw new UsageError(`"${input}" is outside the repository`, 'claim a path inside the repository, relative to its root (src/api/)');
    pattern = pattern.slice(root.length + 1);
  }
  const segments = pattern.split('/');
  if (segments.includes('..')) throw new UsageError(`"${input}" contains "..": a claim must stay inside the repository`, 'name the path relative to the repository root, e.g. src/api/');
  const folder = pattern.endsWith('/');
  const kept = segments.filter((s) => s !== '' && s !== '.');
  if (kept.length === 0) throw new UsageError(`"${input}" names the whole repository`, 'claim the folders you will edit; to really take everything, claim "**"');
  if (kept[0] === '.git') throw new UsageError(`"${input}" is inside .git`, 'claim files of the project, not git internals');
  return kept.join('/') + (folder && !isGlobSegment(kept[kept.length - 1]!) ? '/' : '');
}

export function isGlobSegment(segment: string): boolean {
  return picomatch.scan(segment).isGlob;
}

/** `a/{b,c}/d` -> `a/b/d`, `a/c/d` (nested braces too); braces without a comma stay as they are. */
export function expandBraces(pattern: string): string[] {
  const open = findBraceWithComma(pattern);
  if (!open) return [pattern];
  const { start, end, parts } = open;
  return parts.flatMap((part) => expandBraces(pattern.slice(0, start) + part + pattern.slice(end + 1)));
}

function findBraceWithComma(pattern: string): { start: number; end: number; parts: string[] } | null {
  for (let start = pattern.indexOf('{'); start !== -1; start = pattern.indexOf('{', start + 1)) {
    let depth = 0;
    const commas: number[] = [];
    for (let i = start; i < pattern.length; i++) {
      const ch = pattern[i];
      if (ch === '\\') i++;
      else if (ch === '{') depth++;
      else if (ch === ',' && depth === 1) commas.push(i);
      else if (ch === '}' && --depth === 0) {
        if (commas.length === 0) break;
        const cuts = [start, ...commas, i];
        const parts = cuts.slice(0, -1).map((cut, k) => pattern.slice(cut + 1, cuts[k + 1]));
        return { start, end: i, parts };
      }
    }
  }
  return null;
}

const SPECIAL = '*?[]{}()!+@\\';
function literalPrefix(segment: string): string {
  let i = 0;
  while (i < segment.length && !SPECIAL.includes(segment[i]!)) i++;
  return segment.slice(0, i);
}
function literalSuffix(segment: string): string {
  let i = segment.length;
  while (i > 0 && !SPECIAL.includes(segment[i - 1]!)) i--;
  return segment.slice(i);
}

function segmentOverlap(a: string, b: string, aLiteral: boolean): boolean {
  if (a === b) return true;
  const aGlob = !aLiteral && isGlobSegment(a);
  const bGlob = isGlobSegment(b);
  if (!aGlob && !bGlob) return a === b;
  if (!aGlob) return picomatch.isMatch(a, b, { dot: true });
  if (!bGlob) return picomatch.isMatch(b, a, { dot: true });
  const [pa, pb, sa, sb] = [literalPrefix(a), literalPrefix(b), literalSuffix(a), literalSuffix(b)];
  return (pa.startsWith(pb) || pb.startsWith(pa)) && (sa.endsWith(sb) || sb.endsWith(sa));
}

function segmentsOverlap(a: string[], b: string[], aLiteral = false): boolean {
  const memo = new Map<number, boolean>();
  const go = (i: number, j: number): boolean => {
    // One side ran out: it names a folder that holds what the rest of the other side names. A real
    // file holds nothing, so a file path covered only by a deeper pattern is not covered.
    if (aLiteral && i === a.length) return b.slice(j).every((s) => s === '**');
    if (i === a.length || j === b.length) return true;
    const key = i * (b.length + 1) + j;
    const known = memo.get(key);
    if (known !== undefined) return known;
    let result: boolean;
    if (a[i] === '**' && !aLiteral) result = go(i + 1, j) || go(i, j + 1);
    else if (b[j] === '**') result = go(i, j + 1) || go(i + 1, j);
    else result = segmentOverlap(a[i]!, b[j]!, aLiteral) && go(i + 1, j + 1);
    memo.set(key, result);
    return result;
  };
  return go(0, 0);
}

const split = (pattern: string) => pattern.split('/').filter((s) => s !== '' && s !== '.');

/** True when some path could be covered by both patterns (paths are patterns without wildcards). */
export function patternsOverlap(a: string, b: string): boolean {
  const left = expandBraces(a).map(split);
  const right = expandBraces(b).map(split);
  return left.some((x) => right.some((y) => segmentsOverlap(x, y)));
}

/** Is a real file path (taken literally: `[id].tsx` is a name, not a class) covered by the pattern? */
export function pathCoveredBy(filePath: string, pattern: string): boolean {
  const file = split(filePath);
  return expandBraces(pattern).some((p) => segmentsOverlap(file, split(p), true));
}

/** Same claim written two ways (`src/api` and `src/api/`). */
export function samePattern(a: string, b: string): boolean {
  return split(a).join('/') === split(b).join('/');
}
