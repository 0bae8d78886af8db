// Issue 14 items 8-11 and issue 15 item 8: one overlap rule for every claim check (checked against
// brute force over generated paths), glob bombs refused, task references canonical and checked,
// held-task verbs fenced after a requeue, and the next holder told what earlier attempts did.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import picomatch from 'picomatch';
import { patternsOverlap } from '../src/coord/claims/path-overlap.js';
import { git, instanceDir } from './helpers.js';
import { agent, leader, queueRepo, readJson, type QueueRepo } from './tasks-fixtures.js';

// ---------- item 8: the overlap rule, as a specification ----------

/**
 * The rule every claim check follows: a pattern covers the paths it matches and, when it names a
 * folder, everything inside. It names a folder when written with a trailing `/`, when its last part
 * is `**` or a glob without an extension (`src/*`), or a name without an extension (`src/api`).
 * A name with an extension (`src/app.js`, `*.sql`) names files only.
 */
function namesFolder(pattern: string): boolean {
  if (pattern.endsWith('/')) return true;
  const last = pattern.split('/').filter(Boolean).pop() ?? '';
  return !/\.[A-Za-z0-9_-]+$/.test(last.replace(/^\.+/, '')) || last === '**';
}

function coveredBySpec(pattern: string, file: string): boolean {
  const glob = pattern.replace(/\/+$/, '').replace(/\[!/g, '[^'); // [!a] negates, as in git and shells
  const isMatch = picomatch(glob, { dot: true });
  if (isMatch(file)) return true;
  if (!namesFolder(pattern)) return false;
  const parts = file.split('/');
  for (let k = 1; k < parts.length; k++) if (isMatch(parts.slice(0, k).join('/'))) return true;
  return false;
}

/** One-level brace expansion: enough for the table below. */
function braces(pattern: string): string[] {
  const m = /\{([^{}]*,[^{}]*)\}/.exec(pattern);
  if (!m) return [pattern];
  return m[1]!.split(',').flatMap((alt) => braces(pattern.slice(0, m.index) + alt + pattern.slice(m.index + m[0].length)));
}

/** A name each part of the patterns matches (`*.sql` -> `x.sql`), plus a few strangers. */
function namesOf(a: string, b: string): string[] {
  // Literal pieces of every part (`user*` -> `user`, `*.ts` -> `.ts`), alone and joined in pairs, so
  // `user.ts` is tried for `src/user*` against `src/*.ts`; a class gives its first member.
  const parts = [a, b].flatMap(braces).flatMap((p) => p.split('/')).filter((s) => s && s !== '**');
  const pieces = parts.flatMap((s) => s.replace(/\[!?\^?([^\]])[^\]]*\]/g, '$1').split(/[*?]+/)).filter(Boolean);
  const joined = pieces.flatMap((x) => pieces.map((y) => x + y));
  return [...new Set([...pieces, ...joined, 'x', 'x.sql', 'x.md', 'b'])];
}

/** Paths the pattern's parts can name: each part by a name it matches, `**` by none, one or two names. */
function instances(pattern: string, names: string[]): string[] {
  let paths = [''];
  for (const part of pattern.split('/').filter(Boolean)) {
    const isPart = picomatch(part.replace(/\[!/g, '[^'), { dot: true });
    const options = part === '**' ? ['', ...names, ...names.flatMap((x) => names.map((y) => `${x}/${y}`))] : names.filter((n) => isPart(n));
    paths = paths.flatMap((p) => options.map((o) => (o === '' ? p : p ? `${p}/${o}` : o))).slice(0, 50_000);
  }
  return paths.filter(Boolean);
}

/** Some path is covered by both: tried among what either pattern names, and one level inside that. */
function bruteForceOverlap(a: string, b: string): boolean {
  const names = namesOf(a, b);
  const candidates = [a, b].flatMap(braces).flatMap((p) => instances(p, names));
  return candidates.flatMap((p) => [p, ...names.map((n) => `${p}/${n}`)]).some((p) => coveredBySpec(a, p) && coveredBySpec(b, p));
}

const pairs: [string, string][] = [
  ['src/**/*.sql', 'src/app.js'],
  ['src/**/*.sql', 'src/db'],
  ['src/**/*.sql', 'src/db/'],
  ['src/**/*.sql', 'src/schema.sql'],
  ['lib/**/*.css', 'lib/main.ts'],
  ['**/*.md', 'docs/index.html'],
  ['**/*.md', 'docs'],
  ['src/*.ts', 'src/api'],
  ['src/*', 'src/api/users.ts'],
  ['src/api', 'src/api/users.ts'],
  ['src/api/', 'src/api/users.ts'],
  ['src/api', 'src/api-v2/x.ts'],
  ['src/app.js', 'src/app.js'],
  ['src/app.js', 'src/*.js'],
  ['src/app.js', 'src/**'],
  ['src/**', 'lib/**'],
  ['*.ts', 'src/index.ts'],
  ['src/**/*.ts', 'src/api/**/*.sql'],
  ['db/*.sql', 'db/migrations/'],
  ['src/{a,b}/x.ts', 'src/b/'],
  ['src/{a,b}/x.ts', 'src/c/'],
];

describe('item 8: one overlap rule', () => {
  test('patternsOverlap agrees with brute force over generated paths, both ways round', () => {
    for (const [a, b] of pairs) {
      const expected = bruteForceOverlap(a, b);
      assert.equal(patternsOverlap(a, b), expected, `${a} vs ${b}: brute force says ${expected}`);
      assert.equal(patternsOverlap(b, a), expected, `${b} vs ${a}: brute force says ${expected}`);
    }
  });

  describe('claim, check-claims, the pre-commit guard and status decide alike', () => {
    let q: QueueRepo;
    before(async () => {
      q = await queueRepo(2);
    });
    after(() => q.repo.cleanup());

    test('a claim on src/**/*.sql does not block src/app.js, and check-claims says the same', async () => {
      assert.equal((await agent(q, 1, ['claim', 'src/**/*.sql', 'schema work'])).code, 0);
      const check = await agent(q, 2, ['check-claims', 'src/app.js']);
      assert.equal(check.code, 0, check.err);
      const claimed = await agent(q, 2, ['claim', 'src/app.js']);
      assert.equal(claimed.code, 0, `claim refused while check-claims allowed it: ${claimed.err}`);
      // A folder that may hold .sql files does overlap, for both.
      assert.equal((await agent(q, 2, ['check-claims', 'src/db/x.sql'])).code, 4);
      assert.equal((await agent(q, 2, ['claim', 'src/db/'])).code, 4);
      // The pre-commit guard (check-claims --staged) lets instance 2 commit src/app.js.
      const wt = instanceDir(q.repo, 2);
      mkdirSync(path.join(wt, 'src'), { recursive: true });
      writeFileSync(path.join(wt, 'src', 'app.js'), 'x\n');
      await git(wt, ['add', 'src/app.js']);
      const guard = await agent(q, 2, ['check-claims', '--staged']);
      assert.equal(guard.code, 0, guard.err);
    });
  });
});

// ---------- issue 15 item 8: glob bombs ----------

describe('issue 15 item 8: glob bombs are refused with a clear error', () => {
  let q: QueueRepo;
  before(async () => {
    q = await queueRepo(1);
  });
  after(() => q.repo.cleanup());

  test('deep brace expansion, long wildcard runs and very long patterns are refused before they are stored', async () => {
    const braces = `src/${Array.from({ length: 22 }, () => '{a,b}').join('/')}/x.ts`;
    const stars = `src/${'*a'.repeat(40)}b`;
    const long = `src/${'a'.repeat(5_000)}`;
    for (const pattern of [braces, stars, long]) {
      const r = await agent(q, 1, ['claim', pattern]);
      assert.equal(r.code, 2, `${pattern.slice(0, 40)}: exit ${r.code} ${r.err}`);
      assert.match(r.err, /^error: .*(too long|too many|expands).* — /);
      assert.equal(r.err.trim().split('\n').length, 1);
    }
    const file = path.join(q.coordDir, 'claims.json');
    assert.deepEqual(existsSync(file) ? readJson(file).claims : [], []);
  });

  test('the pure function refuses them too, instead of running for seconds', () => {
    const braces = `src/${Array.from({ length: 12 }, () => '{a,b}').join('/')}/x.ts`; // 4,096 patterns
    assert.throws(() => patternsOverlap(braces, 'src/a/b/x.ts'), /expands/);
  });
});

// ---------- item 9: task references ----------

describe('item 9: every verb that takes a task stores the canonical id and refuses unknown ones', () => {
  let q: QueueRepo;
  before(async () => {
    q = await queueRepo(1);
    for (let k = 1; k <= 10; k++) assert.equal((await leader(q, ['task', 'add', `task number ${k}`])).code, 0);
  });
  after(() => q.repo.cleanup());

  test('claim --task 10, task-10 and task-010 all store task-010', async () => {
    assert.equal((await agent(q, 1, ['request-task', 'task-10'])).code, 0);
    for (const [k, form] of ['10', 'task-10', 'task-010'].entries()) {
      const r = await agent(q, 1, ['claim', `area${k}/`, '--task', form]);
      assert.equal(r.code, 0, r.err);
    }
    const claims = readJson(path.join(q.coordDir, 'claims.json')).claims as { task_id: string }[];
    assert.deepEqual(claims.map((c) => c.task_id), ['task-010', 'task-010', 'task-010']);
  });

  test('a task that does not exist is refused, and nothing is stored', async () => {
    for (const args of [['claim', 'other/', '--task', '99'], ['update-memory', 'a finding', '--task', '99'], ['claim', 'x/', '--task', 'banana']]) {
      const r = await agent(q, 1, args);
      assert.notEqual(r.code, 0, `${args.join(' ')} was accepted`);
      assert.match(r.err, /^error: .*(no task task-099|not a task id)/);
    }
    // A task that exists but is not this instance's: a claim goes with its task, so it is refused too.
    const notMine = await agent(q, 1, ['claim', 'other/', '--task', '3']);
    assert.equal(notMine.code, 5, notMine.err);
    assert.match(notMine.err, /does not hold task-003/);
    const claims = readJson(path.join(q.coordDir, 'claims.json')).claims as { pattern: string }[];
    assert.equal(claims.some((c) => c.pattern === 'other/'), false);
  });

  test('update-memory --task 3 records task-003', async () => {
    const r = await agent(q, 1, ['update-memory', 'the parser is in src/parse.ts', '--task', '3', '--json']);
    assert.equal(r.code, 0, r.err);
    const dirs = ['new', 'merged'].map((d) => path.join(q.coordDir, 'memory-queue', d));
    const records = dirs.flatMap((d) => { try { return readdirSync(d).map((n) => JSON.parse(readFileSync(path.join(d, n), 'utf8'))); } catch { return []; } });
    assert.deepEqual(records.filter((x) => x.text.includes('parser')).map((x) => x.task), ['task-003']);
  });
});

// ---------- item 10: fencing after a requeue ----------

describe('item 10: a requeued task fences its old holder', () => {
  let q: QueueRepo;
  before(async () => {
    q = await queueRepo(2);
    assert.equal((await leader(q, ['task', 'add', 'write the parser'])).code, 0);
  });
  after(() => q.repo.cleanup());

  test('after task requeue, the old holder\'s report-progress, claim --task and fail are refused and told why', async () => {
    assert.equal((await agent(q, 1, ['request-task'])).code, 0);
    assert.equal((await leader(q, ['task', 'requeue', '1'])).code, 0);
    const before = readJson(path.join(q.coordDir, 'instances.json')).instances[0];
    const progress = await agent(q, 1, ['report-progress', '60%', 'still parsing']);
    assert.equal(progress.code, 5, `report-progress after requeue: exit ${progress.code} ${progress.out}`);
    assert.match(progress.err, /^error: .*task-001.*(requeued|back in the queue|lease).* — .*request-task/);
    const after = readJson(path.join(q.coordDir, 'instances.json')).instances[0];
    assert.equal(after.progress_message, before.progress_message, 'the progress was recorded anyway');
    const claimFor = await agent(q, 1, ['claim', 'src/parser/', '--task', '1']);
    assert.equal(claimFor.code, 5, claimFor.err);
    const failed = await agent(q, 1, ['fail', 'task-001', 'cannot']);
    assert.equal(failed.code, 5, failed.err);
  });

  test('report-progress --token refuses a token that is not the current claim', async () => {
    const claimed = await agent(q, 2, ['request-task', '--json']);
    assert.equal(claimed.code, 0, claimed.err);
    const token = JSON.parse(claimed.out).task.token as number;
    const stale = await agent(q, 2, ['report-progress', '50%', 'x', '--token', String(token - 1)]);
    assert.equal(stale.code, 5, stale.err);
    assert.equal((await agent(q, 2, ['report-progress', '50%', 'x', '--token', String(token)])).code, 0);
  });
});

// ---------- item 11: previous attempts in the briefing ----------

describe('item 11: the next holder is told what earlier attempts did', () => {
  let q: QueueRepo;
  before(async () => {
    q = await queueRepo(3);
    assert.equal((await leader(q, ['task', 'add', 'write the parser'])).code, 0);
  });
  after(() => q.repo.cleanup());

  test('a retried task\'s briefing names the previous holder, its progress note, failure reason, branch and commits', async () => {
    assert.equal((await agent(q, 1, ['request-task'])).code, 0);
    assert.equal((await agent(q, 1, ['report-progress', '40%', 'lexer done, parser half way'])).code, 0);
    const wt = instanceDir(q.repo, 1);
    writeFileSync(path.join(wt, 'lexer.txt'), 'lexer\n');
    await git(wt, ['add', 'lexer.txt']);
    await git(wt, ['commit', '-q', '--no-verify', '-m', 'lexer for the parser']);
    assert.equal((await agent(q, 1, ['fail', 'task-001', 'the grammar is ambiguous'])).code, 0);
    const next = await agent(q, 2, ['request-task']);
    assert.equal(next.code, 0, next.err);
    assert.match(next.out, /previous attempts/i);
    assert.match(next.out, /instance-1/);
    assert.match(next.out, /lexer done, parser half way/);
    assert.match(next.out, /the grammar is ambiguous/);
    assert.match(next.out, /wt\/instance-1/);
    assert.match(next.out, /lexer for the parser/);
  });

  test('a requeued and a handed-off task carry the history too', async () => {
    assert.equal((await leader(q, ['task', 'requeue', '1'])).code, 0); // held by instance-2 now
    const third = await agent(q, 3, ['request-task']);
    assert.match(third.out, /instance-1/);
    assert.match(third.out, /instance-2/);
    const handed = await agent(q, 3, ['handoff', 'task-001', '--to', 'instance-1', 'what: parser; next: finish it']);
    assert.equal(handed.code, 0, handed.err);
    const resumed = await agent(q, 1, ['request-task']);
    assert.match(resumed.out, /previous attempts/i);
    assert.match(resumed.out, /instance-3/);
  });
});
