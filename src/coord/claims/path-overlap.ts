// When do two path claims overlap? One rule, pure functions, no disk, used by claim, check-claims
// (the pre-commit guard), the agent's edit warning and status alike: two patterns overlap when
// some path can match both. A pattern covers the paths it matches and, when it names a folder,
// everything inside. It names a folder when written with a trailing `/`, when its last part is
// `**`, or when its last part has no extension (`src/api`, `src/*`); a last part with an extension
// (`src/app.js`, `*.sql`) names files. So `src/**/*.sql` and `src/app.js` do not overlap, while
// `src/**/*.sql` and `src/db` do. Comparison is per path segment (`src/api` never covers
// `src/api-v2/x`), and two globs in one segment overlap exactly when some name matches both.
// Work is bounded: a pattern is refused past MAX_PATTERN_CHARS, MAX_EXPANSIONS brace alternatives
// or MAX_WILDCARDS wildcards, and matching never backtracks (no regular expressions).
import { UsageError } from '../../lib/errors.js';

export const MAX_PATTERN_CHARS = 1_024;
export const MAX_SEGMENTS = 64;
export const MAX_EXPANSIONS = 64;
export const MAX_WILDCARDS = 16;

/** Turns user input into a claim pattern: repository-relative, posix, no `.`/empty segments. */
export function normalizeClaimPattern(input: string, repoRoots: string[] = []): string {
  let pattern = input.trim().replace(/\\/g, '/');
  if (!pattern) throw new UsageError('a claim needs a path or glob', 'coordinate.sh claim src/api/ "why"');
  if (/[\u0000-\u001f\u007f-\u009f]/.test(pattern)) throw new UsageError(`the path ${JSON.stringify(input.slice(0, 60))} contains control characters`, 'claim a path as git shows it, e.g. src/api/');
  if (pattern.startsWith('!')) throw new UsageError(`"${input.slice(0, 60)}" is a negated pattern: a claim names what you take, not what you leave`, 'claim the paths you will edit, e.g. src/api/');
  if (pattern.startsWith('/')) {
    const root = repoRoots.map((r) => r.replace(/\\/g, '/').replace(/\/+$/, '')).find((r) => pattern === r || pattern.startsWith(`${r}/`));
    if (!root) throw new UsageError(`"${input.slice(0, 60)}" is outside the repository`, 'claim a path inside the repository, relative to its root (src/api/)');
    pattern = pattern.slice(root.length + 1);
  }
  const segments = pattern.split('/');
  if (segments.includes('..')) throw new UsageError(`"${input.slice(0, 60)}" contains "..": a claim must stay inside the repository`, 'name the path relative to the repository root, e.g. src/api/');
  const folder = pattern.endsWith('/');
  const kept = segments.filter((s) => s !== '' && s !== '.');
  if (kept.length === 0) throw new UsageError(`"${input.slice(0, 60)}" names the whole repository`, 'claim the folders you will edit; to really take everything, claim "**"');
  if (kept[0] === '.git') throw new UsageError(`"${input.slice(0, 60)}" is inside .git`, 'claim files of the project, not git internals');
  const normalized = kept.join('/') + (folder && !isGlobSegment(kept[kept.length - 1]!) ? '/' : '');
  checkPatternBounds(normalized);
  return normalized;
}

/** A `*`, `?`, `[` or a brace with a comma, not escaped. */
export function isGlobSegment(segment: string): boolean {
  for (let i = 0; i < segment.length; i++) {
    const ch = segment[i];
    if (ch === '\\') i++;
    else if (ch === '*' || ch === '?' || ch === '[') return true;
  }
  return findBraceWithComma(segment) !== null;
}

/** How many patterns the braces expand to, without expanding them (capped just past the limit). */
function countExpansions(pattern: string): number {
  const open = findBraceWithComma(pattern);
  if (!open) return 1;
  let total = 0;
  for (const part of open.parts) {
    total += countExpansions(part) * countExpansions(pattern.slice(open.end + 1));
    if (total > MAX_EXPANSIONS) return total;
  }
  return total * (open.start > 0 ? countExpansions(pattern.slice(0, open.start)) : 1);
}

/** Refuses patterns whose matching would be unbounded work: the limits are in the header. */
export function checkPatternBounds(pattern: string): void {
  const shown = pattern.length > 60 ? `${pattern.slice(0, 57)}...` : pattern;
  if (pattern.length > MAX_PATTERN_CHARS) throw new UsageError(`the pattern "${shown}" is too long (${pattern.length} characters, at most ${MAX_PATTERN_CHARS})`, 'claim the folder that holds these paths, e.g. src/api/');
  if (pattern.split('/').length > MAX_SEGMENTS) throw new UsageError(`the pattern "${shown}" has too many path segments (at most ${MAX_SEGMENTS})`, 'claim a shorter path');
  const wildcards = (pattern.match(/\*+|\?/g) ?? []).length;
  if (wildcards > MAX_WILDCARDS) throw new UsageError(`the pattern "${shown}" has too many wildcards (${wildcards}, at most ${MAX_WILDCARDS})`, 'use fewer * and ?, e.g. src/**/*.sql');
  if (/[+@!?*]\(/.test(pattern)) throw new UsageError(`the pattern "${shown}" uses an extended glob, which claims do not support`, 'use *, ?, [abc], ** and {a,b}');
  if (countExpansions(pattern) > MAX_EXPANSIONS) throw new UsageError(`the pattern "${shown}" expands to too many patterns (over ${MAX_EXPANSIONS})`, 'claim fewer alternatives, or the folder that holds them');
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

// ---------- one segment: a sequence of tokens ----------

/** `*` (any run of characters), `?` (any one), a class `[a-z]` / `[!a]`, or one literal character. */
type Token = { kind: 'star' } | { kind: 'any' } | { kind: 'class'; negated: boolean; has: (c: string) => boolean } | { kind: 'char'; c: string };

function tokenize(segment: string, literal: boolean): Token[] {
  if (literal) return [...segment].map((c) => ({ kind: 'char', c }));
  const tokens: Token[] = [];
  const chars = [...segment];
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i]!;
    if (c === '\\' && i + 1 < chars.length) tokens.push({ kind: 'char', c: chars[++i]! });
    else if (c === '*') {
      if (tokens.at(-1)?.kind !== 'star') tokens.push({ kind: 'star' });
    } else if (c === '?') tokens.push({ kind: 'any' });
    else if (c === '[') {
      const close = chars.indexOf(']', i + 2);
      if (close === -1) {
        tokens.push({ kind: 'char', c });
        continue;
      }
      const body = chars.slice(i + 1, close);
      const negated = body[0] === '!' || body[0] === '^';
      const items = negated ? body.slice(1) : body;
      const ranges: [string, string][] = [];
      for (let k = 0; k < items.length; k++) {
        if (items[k + 1] === '-' && k + 2 < items.length) {
          ranges.push([items[k]!, items[k + 2]!]);
          k += 2;
        } else ranges.push([items[k]!, items[k]!]);
      }
      const inSet = (x: string) => ranges.some(([lo, hi]) => x >= lo && x <= hi);
      tokens.push({ kind: 'class', negated, has: (x) => inSet(x) !== negated });
      i = close;
    } else tokens.push({ kind: 'char', c });
  }
  return tokens;
}

/** Can the token take some character? (A class may name none that can occur.) */
function canTake(t: Token, alphabet: string[]): boolean {
  return t.kind !== 'class' || alphabet.some((c) => t.has(c));
}

/** Can one character be taken by both tokens? `alphabet` holds every character either side names, plus one neither names. */
function tokensMeet(a: Token, b: Token, alphabet: string[]): boolean {
  if (a.kind === 'star' || a.kind === 'any') return canTake(b, alphabet);
  if (b.kind === 'star' || b.kind === 'any') return canTake(a, alphabet);
  if (a.kind === 'char') return b.kind === 'char' ? a.c === b.c : b.has(a.c);
  if (b.kind === 'char') return a.has(b.c);
  return alphabet.some((c) => a.has(c) && b.has(c));
}

/** Is there a name both segments match? A walk over pairs of positions: |a| x |b| states, no backtracking. */
function segmentsMeet(a: Token[], b: Token[], alphabet: string[]): boolean {
  const seen = new Set<number>();
  const width = b.length + 1;
  const stack: [number, number][] = [[0, 0]];
  while (stack.length) {
    const [i, j] = stack.pop()!;
    const key = i * width + j;
    if (seen.has(key)) continue;
    seen.add(key);
    if (i === a.length && j === b.length) return true;
    const ta = a[i];
    const tb = b[j];
    if (ta?.kind === 'star') stack.push([i + 1, j]); // the star takes nothing more
    if (tb?.kind === 'star') stack.push([i, j + 1]);
    if (!ta || !tb || (ta.kind === 'star' && tb.kind === 'star')) continue;
    // Both take one character: a star stays where it is, any other token moves on.
    if (tokensMeet(ta, tb, alphabet)) stack.push([ta.kind === 'star' ? i : i + 1, tb.kind === 'star' ? j : j + 1]);
  }
  return false;
}

// ---------- whole patterns ----------

interface Alternative {
  /** Each segment's tokens; null for `**`. */
  segments: (Token[] | null)[];
  text: string[];
}

export interface ParsedPattern {
  alternatives: Alternative[];
  /** Covers what is inside the folders it names (see the header). */
  folder: boolean;
  alphabet: Set<string>;
}

const split = (pattern: string) => pattern.split('/').filter((s) => s !== '' && s !== '.');

/** Does the pattern name a folder? Trailing `/`, a last `**`, or a last part without an extension. */
export function namesFolder(pattern: string): boolean {
  if (pattern.endsWith('/')) return true;
  const last = split(pattern).pop() ?? '';
  return last === '**' || !/\.[A-Za-z0-9_-]+$/.test(last.replace(/^\.+/, ''));
}

export interface ParseOptions {
  /** A real file path: taken literally (`[id].tsx` is a name) and never a folder. */
  file?: boolean;
}

export function parsePattern(pattern: string, options: ParseOptions = {}): ParsedPattern {
  const alphabet = new Set<string>();
  const alternatives = (options.file ? [pattern] : (checkPatternBounds(pattern), expandBraces(pattern))).map((p) => {
    const text = split(p);
    for (const c of p) alphabet.add(c);
    return { text, segments: text.map((s) => (s === '**' && !options.file ? null : tokenize(s, Boolean(options.file)))) };
  });
  return { alternatives, folder: !options.file && namesFolder(pattern), alphabet };
}

function alternativesOverlap(a: Alternative, aFolder: boolean, b: Alternative, bFolder: boolean, alphabet: string[]): boolean {
  const memo = new Map<number, boolean>();
  const width = b.segments.length + 1;
  const rest = (segs: (Token[] | null)[], from: number) => segs.slice(from).every((s) => s === null);
  const go = (i: number, j: number): boolean => {
    // One side ran out: if it names a folder, it holds whatever the other side names; if it names
    // files, the other side must be able to end here too (only `**` left).
    if (i === a.segments.length) return j === b.segments.length || aFolder || rest(b.segments, j);
    if (j === b.segments.length) return bFolder || rest(a.segments, i);
    const key = i * width + j;
    const known = memo.get(key);
    if (known !== undefined) return known;
    const sa = a.segments[i]!;
    const sb = b.segments[j]!;
    let result: boolean;
    if (sa === null) result = go(i + 1, j) || go(i, j + 1);
    else if (sb === null) result = go(i, j + 1) || go(i + 1, j);
    // The same text is the same name (`[id].tsx` claimed and committed as written).
    else result = (a.text[i] === b.text[j] || segmentsMeet(sa, sb, alphabet)) && go(i + 1, j + 1);
    memo.set(key, result);
    return result;
  };
  return go(0, 0);
}

/** True when some path can be covered by both patterns. */
export function parsedOverlap(a: ParsedPattern, b: ParsedPattern): boolean {
  const alphabet = [...new Set([...a.alphabet, ...b.alphabet])];
  alphabet.push(String.fromCharCode(0xe000)); // a character neither side names
  return a.alternatives.some((x) => b.alternatives.some((y) => alternativesOverlap(x, a.folder, y, b.folder, alphabet)));
}

/** True when some path can be covered by both patterns. */
export function patternsOverlap(a: string, b: string): boolean {
  return parsedOverlap(parsePattern(a), parsePattern(b));
}

/** Is a real file path (taken literally: `[id].tsx` is a name, not a class) covered by the pattern? */
export function pathCoveredBy(filePath: string, pattern: string): boolean {
  return parsedOverlap(parsePattern(filePath, { file: true }), parsePattern(pattern));
}

/** Same claim written two ways (`src/api` and `src/api/`). */
export function samePattern(a: string, b: string): boolean {
  return split(a).join('/') === split(b).join('/');
}
