// The pure parts of path claims: pattern normalization, overlap of paths, prefixes and globs, and
// which changed files conflict with whose claim. No disk, no processes.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { findClaimConflicts, type Claim } from '../src/coord/claims/claims.js';
import { expandBraces, normalizeClaimPattern, pathCoveredBy, patternsOverlap, samePattern } from '../src/coord/claims/path-overlap.js';
import { UsageError } from '../src/lib/errors.js';

const overlapping: [string, string][] = [
  ['src/api/', 'src/api/users.ts'],
  ['src/api', 'src/api/users.ts'],
  ['src/api/users.ts', 'src/api/users.ts'],
  ['src/api/**', 'src/api/v1/users.ts'],
  ['src/**', 'src/api/'],
  ['src/**/*.ts', 'src/api/users.ts'],
  ['src/**/*.ts', 'src/users.ts'],
  ['**/*.ts', 'lib/deep/x.ts'],
  ['**', 'anything/at/all.md'],
  ['src/*', 'src/api/users.ts'],
  ['src/*.ts', 'src/index.ts'],
  ['src/*.ts', 'src/**'],
  ['src/**/*.ts', 'src/api/**/*.ts'],
  ['src/api/*.ts', 'src/*/users.ts'],
  ['src/{api,web}/', 'src/web/page.tsx'],
  ['src/user*', 'src/*.ts'],
  ['src/api/', 'src/api/**/*.json'],
  ['docs/?.md', 'docs/a.md'],
  ['src/[ab]/x', 'src/a/x'],
  ['.env*', '.env.local'],
  ['src/*', 'src/.hidden'],
];

const separate: [string, string][] = [
  ['src/api/', 'src/web/'],
  ['src/api', 'src/api-v2/users.ts'],
  ['src/api/users.ts', 'src/api/users.test.ts'],
  ['src/*.ts', 'src/*.js'],
  ['src/**/*.ts', 'lib/x.ts'],
  ['*.ts', 'src/index.ts'],
  ['src/{api,web}/', 'src/cli/'],
  ['docs/?.md', 'docs/ab.md'],
  ['src/[ab]/x', 'src/c/x'],
  ['test/**', 'src/**'],
  ['src/api/*.ts', 'src/web/*.ts'],
  ['a/b/c', 'a/b/d'],
];

test('overlapping paths, prefixes and globs are detected, both ways round', () => {
  for (const [a, b] of overlapping) {
    assert.equal(patternsOverlap(a, b), true, `${a} should overlap ${b}`);
    assert.equal(patternsOverlap(b, a), true, `${b} should overlap ${a}`);
  }
});

test('patterns that cannot name the same file do not overlap', () => {
  for (const [a, b] of separate) {
    assert.equal(patternsOverlap(a, b), false, `${a} should not overlap ${b}`);
    assert.equal(patternsOverlap(b, a), false, `${b} should not overlap ${a}`);
  }
});

test('a real file path is taken literally and is covered only by what holds it', () => {
  assert.equal(pathCoveredBy('src/api/users.ts', 'src/api/'), true);
  assert.equal(pathCoveredBy('src/api/users.ts', 'src/**/*.ts'), true);
  assert.equal(pathCoveredBy('src/pages/[id].tsx', 'src/pages/[id].tsx'), true, 'brackets in a file name are a name');
  assert.equal(pathCoveredBy('src/pages/i.tsx', 'src/pages/[id].tsx'), true, 'brackets in a pattern are a class');
  assert.equal(pathCoveredBy('src', 'src/api/**'), false, 'a file named src holds nothing');
  assert.equal(pathCoveredBy('src/api-v2/x.ts', 'src/api'), false);
  assert.equal(pathCoveredBy('README.md', '**'), true);
});

test('braces expand, nested ones too, and a brace without a comma stays', () => {
  assert.deepEqual(expandBraces('src/{a,b}/x'), ['src/a/x', 'src/b/x']);
  assert.deepEqual(expandBraces('{src,lib}/{a,b{1,2}}'), ['src/a', 'src/b1', 'src/b2', 'lib/a', 'lib/b1', 'lib/b2']);
  assert.deepEqual(expandBraces('src/{a}/x'), ['src/{a}/x']);
});

test('claim patterns are normalized; outside the repository, "..", negation and empty are refused', () => {
  assert.equal(normalizeClaimPattern('./src//api/'), 'src/api/');
  assert.equal(normalizeClaimPattern('src/api'), 'src/api');
  assert.equal(normalizeClaimPattern('src/**/'), 'src/**');
  assert.equal(normalizeClaimPattern('/repo/wt/src/x.ts', ['/repo/wt']), 'src/x.ts');
  assert.equal(samePattern('src/api/', 'src/api'), true);
  const refused: [string, RegExp][] = [
    ['../other/file', /contains "\.\."/],
    ['src/../../etc', /contains "\.\."/],
    ['/etc/passwd', /outside the repository/],
    ['   ', /needs a path/],
    ['.', /whole repository/],
    ['!src/api', /negated/],
    ['.git/hooks', /inside \.git/],
  ];
  for (const [input, message] of refused) {
    assert.throws(() => normalizeClaimPattern(input, ['/repo/wt']), (e: unknown) => e instanceof UsageError && message.test(e.message) && Boolean(e.hint), input);
  }
});

const claim = (instance: string, pattern: string, extra: Partial<Claim> & { expired?: boolean } = {}) => ({
  pattern,
  instance,
  instance_id: Number(instance.split('-')[1]),
  reason: null,
  task_id: null,
  claimed_at: new Date().toISOString(),
  ...extra,
});

test('findClaimConflicts names the holder of each conflicting path and ignores own and expired claims', () => {
  const claims = [claim('instance-2', 'src/api/'), claim('instance-1', 'src/web/'), claim('instance-3', 'docs/**', { expired: true }), claim('instance-3', '**/*.sql')];
  const conflicts = findClaimConflicts(claims, 'instance-1', ['src/api/users.ts', 'src/web/page.tsx', 'docs/a.md', 'db/schema.sql', 'README.md']);
  assert.deepEqual(conflicts.map((c) => [c.path, c.claim.instance, c.claim.pattern]), [
    ['src/api/users.ts', 'instance-2', 'src/api/'],
    ['db/schema.sql', 'instance-3', '**/*.sql'],
  ]);
  assert.deepEqual(findClaimConflicts(claims, 'instance-2', ['src/api/users.ts']), []);
});
