// Issue 14 items 12, 13 and 14: a corrupt view is rebuilt, not an obstacle; purge keeps what people made;
// a discovery reports what happened and a retry of the same discovery is a no-op.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { instanceDir } from './helpers.js';
import { agent, leader, queueRepo, type QueueRepo } from './tasks-fixtures.js';

function queued(coordDir: string): { id: string; text: string; category: string; task: string | null }[] {
  return ['new', 'merged'].flatMap((d) => {
    const dir = path.join(coordDir, 'memory-queue', d);
    return existsSync(dir) ? readdirSync(dir).map((n) => JSON.parse(readFileSync(path.join(dir, n), 'utf8'))) : [];
  });
}

describe('item 12: a corrupt view is rebuilt, said once, and never blocks', () => {
  let q: QueueRepo;
  before(async () => {
    q = await queueRepo(2, 'memory_auto_merge: false\n');
    assert.equal((await leader(q, ['task', 'add', 'a task'])).code, 0);
  });
  after(() => q.repo.cleanup());

  for (const view of ['progress-reports.json', 'task-assignments.json']) {
    for (const [how, text] of [['truncated', '{"instances": {"instance-1": {"pro'], ['hand-edited', '[1, 2, 3]\n'], ['emptied', '']] as const) {
      test(`${view} ${how}: report-progress and request-task still work and the view is rebuilt`, async () => {
        const file = path.join(q.coordDir, view);
        writeFileSync(file, text);
        const first = await agent(q, 1, ['report-progress', '30%', 'working']);
        assert.equal(first.code, 0, first.err);
        assert.match(first.err, new RegExp(`${view.replace('.', '\\.')}.*rebuilt`), 'the rebuild is said');
        const view1 = JSON.parse(readFileSync(file, 'utf8'));
        assert.ok(typeof view1 === 'object' && !Array.isArray(view1) && ('instances' in view1 || 'assignments' in view1), `${view} was not rebuilt: ${readFileSync(file, 'utf8').slice(0, 80)}`);
        const second = await agent(q, 1, ['report-progress', '40%', 'still working']);
        assert.equal(second.code, 0, second.err);
        assert.doesNotMatch(second.err, /rebuilt/, 'said once, not on every call');
      });
    }
  }

  test('another instance\'s info.json that is not JSON is rebuilt too, and does not block the caller', async () => {
    const info = path.join(instanceDir(q.repo, 2), '.claude-instance', 'info.json');
    writeFileSync(info, 'garbage');
    const r = await agent(q, 1, ['request-task']);
    assert.equal(r.code, 0, r.err);
    assert.equal(JSON.parse(readFileSync(info, 'utf8')).name, 'instance-2');
  });
});

describe('item 14: a discovery reports what happened; a retry of the same discovery is a no-op', () => {
  let q: QueueRepo;
  before(async () => {
    q = await queueRepo(1, 'memory_auto_merge: false\n');
  });
  after(() => q.repo.cleanup());

  test('the same discovery sent twice is queued once; the second call says so', async () => {
    const first = await agent(q, 1, ['update-memory', 'the cache lives in src/cache.ts', '--category', 'solution']);
    assert.equal(first.code, 0, first.err);
    const second = await agent(q, 1, ['update-memory', 'the cache lives in src/cache.ts', '--category', 'solution']);
    assert.equal(second.code, 0, second.err);
    assert.match(second.out, /already queued/);
    assert.equal(queued(q.coordDir).filter((d) => d.text.includes('src/cache.ts')).length, 1);
  });

  test('when something after queueing fails, it still reports success (exit 0) and a retry does not queue twice', async () => {
    const instances = path.join(q.coordDir, 'instances.json');
    const good = readFileSync(instances, 'utf8');
    writeFileSync(instances, '{ not json');
    try {
      const r = await agent(q, 1, ['update-memory', 'a finding while the store is broken']);
      const count = queued(q.coordDir).filter((d) => d.text.includes('store is broken')).length;
      if (r.code === 0) {
        assert.equal(count, 1);
        assert.match(r.out, /queued/);
      } else {
        assert.equal(count, 0, `it printed an error (${r.err.trim()}) although the discovery was queued`);
      }
    } finally {
      writeFileSync(instances, good);
    }
    await agent(q, 1, ['update-memory', 'a finding while the store is broken']);
    assert.equal(queued(q.coordDir).filter((d) => d.text.includes('store is broken')).length, 1);
  });
});

describe('item 13: purge deletes what wt-coord made; edited memory and checkpoints stay unless a flag names them', () => {
  let q: QueueRepo;
  before(async () => {
    q = await queueRepo(2, 'memory_auto_merge: false\n');
  });
  after(() => q.repo.cleanup());

  test('--dry-run lists everything first; --purge keeps a grown memory bank and the checkpoints; the flags delete them', async () => {
    const bank = path.join(q.repo.dir, 'memory-bank');
    const checkpoint = path.join(q.coordDir, 'checkpoints', 'before-purge');
    // The memory bank grows the way it does in use: a discovery merged into systemPatterns.md.
    assert.equal((await agent(q, 1, ['update-memory', 'retries live in src/net/retry.ts', '--category', 'pattern'])).code, 0);
    const merged = await leader(q, ['merge-memory']);
    assert.equal(merged.code, 0, merged.err);
    assert.match(readFileSync(path.join(bank, 'systemPatterns.md'), 'utf8'), /src\/net\/retry\.ts/);
    assert.equal((await leader(q, ['checkpoint', 'before-purge'])).code, 0);

    const alone = await leader(q, ['teardown', '--all', '--purge-memory']);
    assert.equal(alone.code, 2);
    assert.match(alone.err, /--purge-memory .* goes only with it/);

    const dry = await leader(q, ['teardown', '--all', '--force', '--purge', '--dry-run']);
    assert.equal(dry.code, 0, dry.err);
    assert.match(dry.out, new RegExp(`would delete ${q.coordDir} \\(all but checkpoints/\\)`));
    assert.match(dry.out, new RegExp(`would keep ${bank}: \\d+ file\\(s\\) differ from the templates \\([^)]*systemPatterns\\.md\\): --purge-memory deletes it`));
    assert.match(dry.out, new RegExp(`would keep ${path.join(q.coordDir, 'checkpoints')}: 1 checkpoint\\(s\\) \\(before-purge\\): --purge-checkpoints deletes them`));
    assert.ok(existsSync(path.join(q.coordDir, 'instances.json')) && existsSync(instanceDir(q.repo, 1)), '--dry-run changed nothing');

    const purge = await leader(q, ['teardown', '--all', '--force', '--purge']);
    assert.equal(purge.code, 0, purge.err);
    assert.match(purge.out, /kept .*memory-bank: \d+ file\(s\) differ/);
    assert.match(readFileSync(path.join(bank, 'systemPatterns.md'), 'utf8'), /src\/net\/retry\.ts/, 'the grown memory bank is kept');
    assert.ok(existsSync(path.join(checkpoint, 'manifest.json')), 'the checkpoint is kept');
    assert.deepEqual(readdirSync(q.coordDir), ['checkpoints'], 'everything else wt-coord made is gone');

    const all = await leader(q, ['teardown', '--all', '--purge', '--purge-memory', '--purge-checkpoints']);
    assert.equal(all.code, 0, all.err);
    assert.equal(existsSync(bank), false);
    assert.equal(existsSync(q.coordDir), false);
  });
});
