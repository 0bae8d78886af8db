// dist/instance.cjs loads its bundle through V8's code cache (scripts/code-cache-loader.cjs). V8
// in a release build does not check the cache's bytes, so the loader does: a cache torn by two
// writers (two sandboxes each with a pid 2 once wrote one temp file) must never reach V8. Runs a
// copy of the built entry in a folder of its own, so the cache it corrupts is nobody else's.
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { execa } from 'execa';
import { ROOT, cli, gitRepo, instanceDir, type TempRepo } from './helpers.js';

let repo: TempRepo;
let entry: string;
let cacheFile: string;
before(async () => {
  repo = await gitRepo();
  assert.equal((await cli(repo.dir, ['spawn', '1', '--install', 'none'])).exitCode, 0);
  const copy = path.join(repo.parent, 'wt-coord');
  mkdirSync(path.join(copy, 'dist'), { recursive: true });
  for (const name of ['instance.cjs', 'instance-main.cjs']) copyFileSync(path.join(ROOT, 'dist', name), path.join(copy, 'dist', name));
  for (const name of ['templates', 'node_modules', 'package.json']) symlinkSync(path.join(ROOT, name), path.join(copy, name));
  entry = path.join(copy, 'dist', 'instance.cjs');
  cacheFile = path.join(copy, 'dist', 'instance-main.cjs.v8cache');
});
after(() => repo.cleanup());

const whoami = () => execa(process.execPath, [entry, '--instance-dir', path.join(instanceDir(repo, 1), '.claude-instance'), 'whoami'], { cwd: instanceDir(repo, 1), reject: false });

/** The loader keeps the data twice and uses it only when both copies are equal. */
function isWholeCache(stored: Buffer): boolean {
  const half = stored.length / 2;
  return Number.isInteger(half) && half > 0 && stored.subarray(0, half).equals(stored.subarray(half));
}

test('the first call writes the cache, its data twice; the next one uses it as it is', async () => {
  const first = await whoami();
  assert.equal(first.exitCode, 0, first.stderr);
  assert.match(first.stdout, /^instance-1 \(id 1\)/);
  const written = readFileSync(cacheFile);
  assert.ok(written.length > 1000 && isWholeCache(written), 'the data, twice');
  const second = await whoami();
  assert.equal(second.exitCode, 0, second.stderr);
  assert.deepEqual(readFileSync(cacheFile), written, 'accepted by V8, so not written again');
  assert.deepEqual(readdirSync(path.dirname(cacheFile)).filter((n) => n.includes('.tmp-')), [], 'no temp file left');
});

test('a cache whose bytes were changed (same length) is never handed to V8: the call works and writes it anew', async () => {
  for (const at of [1 / 3, 5 / 6]) { // in the first copy, then in the second
    assert.equal((await whoami()).exitCode, 0);
    const good = readFileSync(cacheFile);
    const torn = Buffer.from(good);
    const from = Math.floor(torn.length * at);
    for (let i = from; i < from + 4096; i++) torn[i] = torn[i]! ^ 0x5a;
    writeFileSync(cacheFile, torn);
    const r = await whoami();
    assert.equal(r.exitCode, 0, r.stderr);
    assert.match(r.stdout, /^instance-1 \(id 1\)/);
    assert.equal(r.stderr, '');
    const after = readFileSync(cacheFile);
    assert.ok(isWholeCache(after), 'rewritten whole');
    assert.notDeepEqual(after, torn);
  }
});

test('a cache cut short, empty or not a cache at all is a call without the cache', async () => {
  // Zeros are two equal copies: V8's own header check refuses them (the pinned Node's behaviour, pinned here).
  for (const text of [readFileSync(cacheFile).subarray(0, 100), Buffer.alloc(0), Buffer.from('not a cache\n'), Buffer.alloc(readFileSync(cacheFile).length)]) {
    writeFileSync(cacheFile, text);
    const r = await whoami();
    assert.equal(r.exitCode, 0, r.stderr);
    assert.equal(r.stderr, '');
    assert.ok(isWholeCache(readFileSync(cacheFile)), 'and the next call finds a whole one');
  }
});
