// zod-lite (src/lib/zod-lite.ts) stands in for zod in the light entries (coordinate.sh, the agent
// hooks): for every document they read, both must accept and reject the same values, output the
// same data, and report the same problems (code, path and message: what `error: ... is invalid:`
// prints). The corpus is what a real session leaves on disk (spawn, tasks, claims, messages,
// channels, memory), each document as written and with every field mutated: removed, null, of
// another type, out of range, and with an unknown key beside it.
import { strict as assert } from 'node:assert';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { build } from 'esbuild';
import { ROOT, cli, coordinate, gitRepo, instanceDir, type TempRepo } from './helpers.js';

type Verdict = (name: string, value: unknown) => unknown;

async function bundle(outDir: string, lite: boolean): Promise<Verdict> {
  const outfile = path.join(outDir, lite ? 'lite.mjs' : 'zod.mjs');
  await build({
    entryPoints: [path.join(ROOT, 'test/support/lite-schemas.ts')],
    outfile,
    bundle: true,
    format: 'esm',
    platform: 'node',
    packages: 'external',
    // The same source twice; only what `zod` resolves to differs (as in scripts/build.mjs's light entries).
    alias: lite ? { zod: path.join(ROOT, 'src/lib/zod-lite.ts') } : undefined,
    logLevel: 'error',
  });
  return ((await import(outfile)) as { verdict: Verdict }).verdict;
}

/** Every value that differs from `value` at one place: removed, null, another type, a boundary, an extra key. */
function* mutations(value: unknown, at: (string | number)[] = []): Generator<[string, (root: unknown) => unknown]> {
  const set = (replace: (old: unknown) => unknown, remove = false) => (root: unknown) => {
    const copy = structuredClone(root);
    if (at.length === 0) return replace(copy);
    let node = copy as Record<string | number, unknown>;
    for (const key of at.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
    const last = at[at.length - 1]!;
    if (remove) delete node[last];
    else node[last] = replace(node[last]);
    return copy;
  };
  const where = at.join('.') || '(root)';
  if (at.length) yield [`${where} removed`, set(() => undefined, true)];
  for (const other of [null, 'text', '', 0, -1, 1.5, 2 ** 60, true, [], {}]) {
    if (JSON.stringify(other) !== JSON.stringify(value)) yield [`${where} = ${JSON.stringify(other)}`, set(() => other)];
  }
  if (typeof value === 'string') yield [`${where} very long`, set(() => 'x'.repeat(200_001))];
  if (Array.isArray(value)) {
    yield [`${where} with an extra item`, set((old) => [...(old as unknown[]), (old as unknown[])[0] ?? 'item'])];
    for (let i = 0; i < Math.min(value.length, 2); i++) yield* mutations(value[i], [...at, i]);
  } else if (value && typeof value === 'object') {
    yield [`${where} with an unknown key`, set((old) => ({ ...(old as object), unknown_key: 1 }))];
    for (const [key, child] of Object.entries(value)) yield* mutations(child, [...at, key]);
  }
}

describe('zod-lite matches zod on every document the light entries read', () => {
  let repo: TempRepo;
  let zod: Verdict;
  let lite: Verdict;
  const corpus: [string, unknown][] = [];
  let outDir = '';

  before(async () => {
    repo = await gitRepo('app', { 'README.md': '# app\n', 'wt-coord.yaml': 'max_instances: 4\nmemory_auto_merge: false\nmemory_categories: [pattern, gotcha]\n' });
    // Inside the repository (.test-tmp/ is ignored), so the bundles resolve the packages they leave out.
    await fs.mkdir(path.join(ROOT, '.test-tmp'), { recursive: true });
    outDir = await fs.mkdtemp(path.join(ROOT, '.test-tmp', 'zod-lite-'));
    [zod, lite] = await Promise.all([bundle(outDir, false), bundle(outDir, true)]);
    const ok = async (p: Promise<{ exitCode?: number; stderr?: unknown }>) => {
      const r = await p;
      assert.equal(r.exitCode, 0, String(r.stderr));
    };
    await ok(cli(repo.dir, ['spawn', '2', '--install', 'none']));
    await ok(cli(repo.dir, ['task', 'add', 'first task', '--files', 'src/a.ts']));
    await ok(cli(repo.dir, ['task', 'add', 'second task', '--depends', 'task-001', '--hint', 'keep it small']));
    await ok(coordinate(repo, 1, ['request-task']));
    await ok(coordinate(repo, 1, ['report-progress', '40%', 'halfway']));
    await ok(coordinate(repo, 1, ['claim', 'src/a.ts', 'editing it']));
    await ok(coordinate(repo, 1, ['join', 'backend']));
    await ok(coordinate(repo, 1, ['send', 'instance-2', 'hello', '--paths', 'src/a.ts']));
    await ok(coordinate(repo, 2, ['inbox']));
    await ok(coordinate(repo, 1, ['update-memory', 'a discovery worth keeping', '--category', 'gotcha', '--files', 'src/a.ts']));
    await ok(cli(repo.dir, ['merge-memory']));
    await ok(coordinate(repo, 1, ['complete', 'task-001', 'done']));
    const coord = path.join(repo.dir, '.git', 'wt-coord');
    for (const name of await fs.readdir(coord)) {
      const text = await fs.readFile(path.join(coord, name), 'utf8').catch(() => null);
      if (text === null) continue;
      if (name.endsWith('.jsonl')) for (const line of text.split('\n').filter(Boolean).slice(0, 3)) corpus.push([name, JSON.parse(line)]);
      else if (name.endsWith('.json')) corpus.push([name, JSON.parse(text)]);
    }
    corpus.push(['info.json', JSON.parse(await fs.readFile(path.join(instanceDir(repo, 1), '.claude-instance', 'info.json'), 'utf8'))]);
    const merged = path.join(coord, 'memory-queue', 'merged');
    for (const name of (await fs.readdir(merged)).slice(0, 1)) corpus.push(['discovery.json', JSON.parse(await fs.readFile(path.join(merged, name), 'utf8'))]);
    corpus.push(['wt-coord.yaml', { max_instances: 4, memory_auto_merge: false, memory_categories: ['pattern', 'gotcha'], setup: ['npm run build'], install: 'copy' }]);
  });

  after(async () => {
    repo?.cleanup();
    if (outDir) await fs.rm(outDir, { recursive: true, force: true });
  });

  it('the session left a document of every type the light entries read', () => {
    const names = new Set(corpus.map(([name]) => name));
    for (const name of ['tasks.json', 'instances.json', 'claims.json', 'channels.json', 'config.json', 'info.json', 'events.jsonl', 'messages.jsonl', 'discovery.json', 'wt-coord.yaml']) {
      assert.ok(names.has(name), `no ${name} in the corpus (have ${[...names].join(', ')})`);
    }
  });

  it('gives the same verdict on each document and on every mutation of it', () => {
    let compared = 0;
    for (const [name, value] of corpus) {
      let known = true;
      try {
        zod(name, value);
      } catch {
        known = false; // a file no light entry validates (e.g. a view)
      }
      if (!known) continue;
      assert.deepEqual(lite(name, value), zod(name, value), `${name} as written`);
      assert.equal((zod(name, value) as { success: boolean }).success, true, `${name} as written should be valid`);
      for (const [what, mutate] of mutations(value)) {
        const changed = mutate(value);
        assert.deepEqual(lite(name, changed), zod(name, changed), `${name}: ${what}`);
        compared += 1;
      }
    }
    assert.ok(compared > 500, `only ${compared} mutations compared`);
  });
});
