// Shared memory under load: 3 instances queue 300 discoveries at once through real coordinate.sh
// processes (duplicates across instances included), then merges; and merges killed with SIGKILL
// at random moments, run again, lose and double nothing.
import assert from 'node:assert/strict';
import { execa } from 'execa';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { CLI, type TempRepo } from './helpers.js';
import { queueDiscovery } from '../src/coord/memory/memory-queue.js';
import { normalizeText } from '../src/coord/memory/memory-state.js';
import { assertWellFormed, bankDir, coordDir, ledger, merge, mode, patternsFile, queued, remember, repoWithInstances, snapshot } from './memory-fixtures.js';

const repos: TempRepo[] = [];
after(() => repos.forEach((r) => r.cleanup()));

async function pool<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: limit }, async () => {
    for (let i = next++; i < items.length; i = next++) await fn(items[i]!);
  }));
}

/** Every merged entry's text appears in the region exactly once, as its own list item. */
function assertEachOnce(region: string, texts: string[]): void {
  for (const t of texts) assert.equal(region.split(`\n- ${t}\n`).length, 2, `"${t}" exactly once in systemPatterns.md`);
}

describe('many instances at once', () => {
  it('3 instances queue 300 discoveries concurrently; one merge keeps each once and credits every contributor; a second changes nothing', async () => {
    const repo = await repoWithInstances(3, ['memory_auto_merge: false']);
    repos.push(repo);
    const human = await fs.readFile(patternsFile(repo), 'utf8');
    // 40 discoveries every instance makes, each instance in its own case and punctuation, and 60 of its own.
    const shared = Array.from({ length: 40 }, (_, i) => `Shared finding ${i}: the cache must be invalidated on write`);
    const variants = [(t: string) => t, (t: string) => t.toUpperCase(), (t: string) => `  ${t.replace(/: /, ' -- ').replace(/ /g, '   ')}!!`];
    const jobs: { k: number; text: string; category: string }[] = [];
    for (const k of [1, 2, 3]) {
      shared.forEach((t) => jobs.push({ k, text: variants[k - 1]!(t), category: 'pattern' }));
      for (let i = 0; i < 60; i++) jobs.push({ k, text: `Instance ${k} own discovery ${i} about module m${i}`, category: ['pattern', 'solution', 'blocker', 'decision'][i % 4]! });
    }
    jobs.sort(() => Math.random() - 0.5);
    const ids = new Map<string, { k: number; text: string }>();
    // --task names a task that exists: one per instance, task-001..task-003.
    for (const k of [1, 2, 3]) assert.equal((await execa(process.execPath, [CLI, 'task', 'add', `area ${k}`], { cwd: repo.dir, reject: false })).exitCode, 0);
    await pool(jobs, 24, async (job) => {
      const r = await remember(repo, job.k, [job.text, '--category', job.category, '--task', String(job.k)]);
      assert.equal(r.exitCode, 0, r.stderr);
      ids.set(r.stdout.split(' ')[0]!, job);
    });
    assert.equal(ids.size, 300, '300 distinct ids');
    assert.equal((await queued(repo)).length, 300);

    const r = await merge(repo);
    assert.equal(r.exitCode, 0, r.stderr);
    assert.match(r.stdout, /^merged 220 new discoveries, 80 duplicates credited/);
    const state = await ledger(repo);
    assert.equal(state.entries.length, 220);
    const ledgerIds = state.entries.flatMap((e) => e.contributors.map((c) => c.id)).sort();
    assert.deepEqual(ledgerIds, [...ids.keys()].sort(), 'every queued discovery is in the ledger exactly once');
    for (const t of shared) {
      const entry = state.entries.find((e) => e.key === `pattern:${normalizeText(t)}`);
      assert.ok(entry, `${t} merged`);
      assert.deepEqual(entry.contributors.map((c) => c.instance).sort(), ['instance-1', 'instance-2', 'instance-3']);
    }
    const doc = await fs.readFile(patternsFile(repo), 'utf8');
    const { before, region } = assertWellFormed(doc);
    assert.ok(before.startsWith(human), 'human text kept');
    assertEachOnce(region, state.entries.map((e) => e.text));
    // A shared entry credits all three instances on its attribution line.
    const sharedEntry = region.split('\n- ').find((block) => normalizeText(block).startsWith(normalizeText(shared[0]!)))!;
    for (const k of [1, 2, 3]) assert.match(sharedEntry, new RegExp(`instance-${k} \\(task-00${k}, `));
    assert.deepEqual(await queued(repo), []);
    assert.equal((await queued(repo, 'merged')).length, 300);
    assert.equal(await mode(bankDir(repo)), 0o555);
    assert.equal(await mode(patternsFile(repo)), 0o444);

    const first = await snapshot(repo);
    const second = await merge(repo);
    assert.match(second.stdout, /merged 0 new discoveries, 0 duplicates/);
    assert.deepEqual(await snapshot(repo), first, 'a second merge changes no byte');
  });

  it('merges killed with SIGKILL at random moments, then run again, lose and double nothing', async () => {
    const repo = await repoWithInstances(1, ['memory_auto_merge: false']);
    repos.push(repo);
    const human = await fs.readFile(patternsFile(repo), 'utf8');
    const all = new Map<string, string>(); // id -> text
    const queueBatch = async (round: number, n: number) => {
      await pool(Array.from({ length: n }, (_, i) => i), 32, async (i) => {
        // Every tenth one repeats an earlier text: duplicates must be credited, not doubled, across kills.
        const text = i % 10 === 9 ? `Round ${Math.max(0, round - 1)} discovery ${i - 9} on topic t${i - 9}` : `Round ${round} discovery ${i} on topic t${i}`;
        const { id } = await queueDiscovery(coordDir(repo), { instance: `instance-${1 + (i % 3)}`, task: null, category: ['pattern', 'decision', 'solution'][i % 3]!, text, files: [] });
        all.set(id, text);
      });
    };
    const kills: number[] = [];
    for (let round = 0; round < 6; round++) {
      await queueBatch(round, 1000);
      const child = execa(process.execPath, [CLI, 'merge-memory'], { cwd: repo.dir, reject: false });
      const delay = 150 + Math.floor(Math.random() * 1200);
      kills.push(delay);
      await new Promise((r) => setTimeout(r, delay));
      child.kill('SIGKILL');
      await child;
    }
    const final = await merge(repo);
    assert.equal(final.exitCode, 0, `${final.stderr} (kills after ${kills.join(', ')} ms)`);
    assert.deepEqual(await queued(repo), [], 'queue drained');
    const state = await ledger(repo);
    const ledgerIds = state.entries.flatMap((e) => e.contributors.map((c) => c.id)).sort();
    assert.deepEqual(ledgerIds, [...all.keys()].sort(), `every id once (kills after ${kills.join(', ')} ms)`);
    const unique = new Set([...all.keys()].map((id) => all.get(id)!));
    assert.equal(state.entries.length, unique.size);
    const doc = await fs.readFile(patternsFile(repo), 'utf8');
    const { before, region } = assertWellFormed(doc);
    assert.ok(before.startsWith(human));
    assertEachOnce(region, [...unique]);
    const decisions = await fs.readFile(path.join(bankDir(repo), 'decision-log.md'), 'utf8');
    assert.equal(decisions.split('\n- ').length - 1, state.entries.filter((e) => e.category === 'decision').length);
    assert.equal(await mode(bankDir(repo)), 0o555, 'read-only again although merges died inside the writable window');
    const first = await snapshot(repo);
    await merge(repo);
    assert.deepEqual(await snapshot(repo), first);
  });
});
