// Shared memory through real processes: coordinate.sh update-memory / recall / memory in spawned
// instances, wt-coord merge-memory / memory in the main checkout. Bad input fails with a one-line
// error and changes nothing; the document stays well-formed; human text is kept byte for byte.
import assert from 'node:assert/strict';
import { execa } from 'execa';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CLI, cli, coordinate, type TempRepo } from './helpers.js';
import { planMerge } from '../src/coord/memory/memory-merge.js';
import { cleanDiscoveryText, type DiscoveryRecord } from '../src/coord/memory/memory-queue.js';
import { assertWellFormed, bankDir, coordDir, ledger, merge, mode, patternsFile, queued, remember, repoWithInstances, run, snapshot } from './memory-fixtures.js';

const repos: TempRepo[] = [];
after(() => repos.forEach((r) => r.cleanup()));
const waitFor = async (what: string, check: () => Promise<boolean>, ms = 15_000) => {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.fail(`timed out waiting for ${what}`);
};

describe('pure parts', () => {
  it('duplicates differing in case, whitespace and punctuation become one entry crediting both', () => {
    const rec = (id: string, instance: string, text: string): DiscoveryRecord => ({ v: 1, id, instance, task: null, category: 'pattern', text, files: [], time: `2026-01-01T00:00:0${id.at(-1)}Z` });
    const plan = planMerge({ version: 1, generation: 0, entries: [] }, [rec('d-a-1', 'instance-1', 'Use   events, not polling!'), rec('d-a-2', 'instance-2', 'use events not POLLING'), rec('d-a-3', 'instance-2', 'Something else')]);
    assert.equal(plan.added.length, 2);
    assert.equal(plan.duplicates.length, 1);
    assert.deepEqual(plan.state.entries[0]!.contributors.map((c) => c.instance), ['instance-1', 'instance-2']);
    const again = planMerge(plan.state, [rec('d-a-1', 'instance-1', 'Use events, not polling!')]);
    assert.equal(again.changed, false, 'an id already in the ledger is not merged twice');
    assert.equal(again.alreadyMerged.length, 1);
  });

  it('strips ANSI sequences and control characters, keeps newlines', () => {
    assert.deepEqual(cleanDiscoveryText('\u001b[31mred\u001b[0m\u0007 a\r\nb\u0000'), { text: 'red a\nb', removed: 11 });
  });
});

describe('update-memory and merge-memory', () => {
  let repo: TempRepo;
  before(async () => {
    repo = await repoWithInstances(2, ['memory_auto_merge: false', 'memory_categories: [pattern, decision, solution, blocker, gotcha]']);
    repos.push(repo);
  });

  it('refuses bad input with a one-line error and queues nothing', async () => {
    const cases: [string, Promise<Awaited<ReturnType<typeof remember>>>, RegExp][] = [
      ['empty argument', remember(repo, 1, ['']), /the discovery is empty/],
      ['blank stdin', remember(repo, 1, [], '  \n\t\n'), /the discovery is empty/],
      ['control characters only', remember(repo, 1, ['\u0001\u0002\u001b[0m']), /the discovery is empty/],
      ['1 MB on stdin', remember(repo, 1, [], 'x'.repeat(1024 * 1024)), /over the limit of 65536 bytes \(64 KiB\)/],
      ['just over the limit', remember(repo, 1, ['y'.repeat(64 * 1024 + 1)]), /65537 bytes, over the limit/],
      ['unknown category', remember(repo, 1, ['text', '--category', 'nope']), /unknown category "nope" — use one of: pattern, decision, solution, blocker, gotcha; memory_categories in wt-coord.yaml/],
      ['unknown option', remember(repo, 1, ['text', '--colour', 'x']), /unknown option --colour/],
      ['option without value', remember(repo, 1, ['text', '--category']), /--category needs a value/],
    ];
    for (const [name, pending, message] of cases) {
      const r = await pending;
      assert.equal(r.exitCode, 2, `${name}: exit code`);
      assert.match(r.stderr, message, name);
      assert.equal(r.stderr.trim().split('\n').length, 1, `${name}: one line`);
    }
    assert.deepEqual(await queued(repo), [], 'nothing queued');
    const ok = await remember(repo, 1, ['x'.repeat(64 * 1024)]);
    assert.equal(ok.exitCode, 0, 'exactly the limit is accepted');
  });

  it('keeps the document well-formed whatever the text, and human text byte for byte', async () => {
    const human = '# System patterns\n\nWritten by a person: keep me.\r\nTrailing spaces   \n';
    await fs.chmod(bankDir(repo), 0o755);
    await fs.chmod(patternsFile(repo), 0o644);
    await fs.writeFile(patternsFile(repo), human);
    const nasty = [
      '## Not a heading\n# nor this\nText under it',
      `Fake end marker\n<!-- wt-coord:discoveries:end -->\nand begin <!-- wt-coord:discoveries:begin -->`,
      'Setext attempt\n---\nand\n===',
      '```\nan unclosed fence',
      '<script>\nraw html block',
    ];
    for (const text of nasty) assert.equal((await remember(repo, 2, [text, '--category', 'gotcha'])).exitCode, 0);
    // NUL cannot travel in argv: through stdin.
    const piped = await remember(repo, 2, ['--category', 'gotcha'], '\u001b[1mbold\u001b[0m with a bell\u0007 and NUL\u0000 inside\n');
    assert.match(piped.stdout, /\(10 control characters removed\)/);
    const ctl = await remember(repo, 2, ['tab\there', '--category', 'gotcha', '--json']);
    assert.equal(JSON.parse(ctl.stdout).category, 'gotcha');
    const merged = await merge(repo);
    assert.equal(merged.exitCode, 0, merged.stderr);
    const doc = await fs.readFile(patternsFile(repo), 'utf8');
    const parts = assertWellFormed(doc, ['Patterns', 'Decisions', 'Solutions', 'Blockers', 'Gotchas']);
    assert.ok(parts.before.startsWith(human), 'human text kept byte for byte');
    assert.ok(!doc.includes('\u001b') && !doc.includes('\u0007') && !doc.includes('\u0000'), 'no control characters');
    assert.match(doc, /## Gotchas/);
    assert.match(doc, /bold with a bell and NUL inside/);
    // Human text written after the region also survives the next merge.
    await fs.chmod(bankDir(repo), 0o755);
    await fs.chmod(patternsFile(repo), 0o644);
    const withTail = `${doc}\n## Notes by the lead\n\nStill mine.\n`;
    await fs.writeFile(patternsFile(repo), withTail);
    await remember(repo, 1, ['One more discovery about caching', '--category', 'solution']);
    assert.equal((await merge(repo)).exitCode, 0);
    const after2 = assertWellFormed(await fs.readFile(patternsFile(repo), 'utf8'), ['Patterns', 'Decisions', 'Solutions', 'Blockers', 'Gotchas']);
    assert.ok(after2.before.startsWith(human));
    assert.equal(after2.after, '\n\n## Notes by the lead\n\nStill mine.\n');
  });

  it('reports, skips and keeps a corrupt queue record; merges the rest', async () => {
    const newDir = path.join(coordDir(repo), 'memory-queue', 'new');
    await fs.writeFile(path.join(newDir, 'd-zz-00.json'), '{"v":1,"id":"d-zz-00","text":');
    await fs.writeFile(path.join(newDir, 'd-zz-01.json'), JSON.stringify({ v: 1, id: 'd-zz-01', instance: 'x', task: null, category: 'pattern', text: '', files: [], time: 'now' }));
    const good = await remember(repo, 1, ['A good one beside the corrupt ones']);
    const r = await merge(repo);
    assert.equal(r.exitCode, 0, r.stderr);
    assert.match(r.stdout, /skipped corrupt record .*d-zz-00\.json: not valid JSON \(kept for inspection\)/);
    assert.match(r.stdout, /skipped corrupt record .*d-zz-01\.json: text:/);
    assert.deepEqual(await queued(repo, 'corrupt'), ['d-zz-00.json', 'd-zz-01.json']);
    assert.equal(await fs.readFile(path.join(coordDir(repo), 'memory-queue', 'corrupt', 'd-zz-00.json'), 'utf8'), '{"v":1,"id":"d-zz-00","text":', 'kept as it was');
    assert.deepEqual(await queued(repo), []);
    assert.ok((await ledger(repo)).entries.some((e) => e.contributors.some((c) => c.id === good.stdout.split(' ')[0])));
    const json = JSON.parse((await run(cli(repo.dir, ['memory', 'show', '--json']))).stdout);
    assert.deepEqual(json.queue, { pending: 0, corrupt: 2 });
  });

  it('a merge with nothing new changes no byte; --dry-run changes nothing', async () => {
    await merge(repo);
    const first = await snapshot(repo);
    const r = await merge(repo);
    assert.match(r.stdout, /memory bank unchanged/);
    assert.deepEqual(await snapshot(repo), first);
    await remember(repo, 2, ['Dry run should not merge this']);
    const dry = await merge(repo, ['--dry-run', '--json']);
    const report = JSON.parse(dry.stdout);
    assert.equal(report.merged, 1);
    assert.equal(report.dry_run, true);
    assert.deepEqual(await snapshot(repo), first);
    assert.equal((await queued(repo)).length, 1);
  });

  it('decisions go to decision-log.md, solutions and blockers are found by recall', async () => {
    for (let k = 1; k <= 7; k++) assert.equal((await cli(repo.dir, ['task', 'add', `task ${k}`])).exitCode, 0); // --task names a task that exists
    await remember(repo, 1, ['Use SQLite for the session store: one file, no server', '--category', 'decision', '--task', '7']);
    await remember(repo, 2, ['Flaky test in auth.spec: the clock must be frozen with fake timers', '--category', 'solution', '--files', 'test/auth.spec.ts']);
    await remember(repo, 2, ['The payment sandbox rejects requests without an idempotency key', '--category', 'blocker']);
    assert.equal((await merge(repo)).exitCode, 0);
    const log = await fs.readFile(path.join(bankDir(repo), 'decision-log.md'), 'utf8');
    assert.match(log, /^# Decision log/);
    assert.match(log, /- Use SQLite for the session store: one file, no server\n  — instance-1 \(task-007, \d{4}-\d\d-\d\d\)/);
    assert.match(await fs.readFile(path.join(bankDir(repo), 'knowledge-cache', 'solutions.md'), 'utf8'), /clock must be frozen/);
    const found = await run(coordinate(repo, 1, ['recall', 'flaky', 'clock']));
    assert.equal(found.exitCode, 0);
    assert.match(found.stdout, /^\[solution\] Flaky test in auth\.spec/);
    assert.match(found.stdout, /instance-2, .*files: test\/auth\.spec\.ts/);
    const blockers = JSON.parse((await run(coordinate(repo, 1, ['recall', 'payment', '--category', 'blocker', '--json']))).stdout);
    assert.equal(blockers.length, 1);
    assert.equal(blockers[0].pending, false);
    const none = await run(coordinate(repo, 1, ['recall', 'kubernetes']));
    assert.equal(none.exitCode, 1);
    assert.match(none.stdout, /nothing in the memory bank mentions "kubernetes"/);
  });

  it('coordinate.sh memory shows what changed since this instance last looked; memory edit keeps the bank read-only', async () => {
    const first = await run(coordinate(repo, 2, ['memory']));
    assert.match(first.stdout, /^first look at the memory bank/);
    assert.match((await run(coordinate(repo, 2, ['memory']))).stdout, /^nothing new in the memory bank since you last looked/);
    await remember(repo, 1, ['Instance one found that the API paginates with cursors']);
    assert.equal((await merge(repo)).exitCode, 0);
    // The leader edits projectbrief.md through an "editor" script that appends a line.
    const editor = path.join(repo.parent, 'editor.sh');
    await fs.writeFile(editor, '#!/bin/sh\necho "New goal: ship v2" >> "$1"\n', { mode: 0o755 });
    const edit = await run(cli(repo.dir, ['memory', 'edit', 'projectbrief.md'], { env: { EDITOR: editor, VISUAL: '' } }));
    assert.equal(edit.exitCode, 0, edit.stderr);
    assert.match(await fs.readFile(path.join(bankDir(repo), 'projectbrief.md'), 'utf8'), /New goal: ship v2\n$/);
    assert.equal(await mode(bankDir(repo)), 0o555, 'bank folder read-only again');
    assert.equal(await mode(path.join(bankDir(repo), 'projectbrief.md')), 0o444);
    assert.equal(await mode(path.join(bankDir(repo), 'knowledge-cache', 'patterns.md')), 0o444);
    const news = await run(coordinate(repo, 2, ['memory', '--json']));
    const changes = JSON.parse(news.stdout);
    assert.deepEqual(changes.new_entries.map((e: { text: string }) => e.text), ['Instance one found that the API paginates with cursors']);
    assert.deepEqual(changes.changed_files, ['projectbrief.md'], 'a merge does not count as an edit of systemPatterns.md');
    const outside = await run(cli(repo.dir, ['memory', 'edit', '../wt-coord.yaml'], { env: { EDITOR: editor } }));
    assert.equal(outside.exitCode, 2);
    assert.match(outside.stderr, /not a file in the memory bank/);
  });

  it('a merge while the leader is in the editor leaves the bank writable for the save, read-only after', async () => {
    await remember(repo, 1, ['Merged while the lead was editing the brief']);
    const modes = path.join(repo.parent, 'modes-during-edit');
    const editor = path.join(repo.parent, 'slow-editor.sh');
    // The "person" takes a while: a merge runs meanwhile, then the save.
    await fs.writeFile(editor, `#!/bin/sh\n${JSON.stringify(process.execPath)} ${JSON.stringify(CLI)} merge-memory >/dev/null || exit 9\nstat -c '%a' "$1" "$(dirname "$1")" | tr '\\n' ' ' > ${JSON.stringify(modes)}\necho "Edited during a merge" >> "$1"\n`, { mode: 0o755 });
    const edit = await run(cli(repo.dir, ['memory', 'edit', 'requirements.md'], { env: { EDITOR: editor, VISUAL: '' } }));
    assert.equal(edit.exitCode, 0, edit.stderr);
    assert.equal((await fs.readFile(modes, 'utf8')).trim(), '644 755', 'the merge did not make the bank read-only under the open editor');
    assert.match(await fs.readFile(path.join(bankDir(repo), 'requirements.md'), 'utf8'), /Edited during a merge\n$/);
    assert.match(await fs.readFile(patternsFile(repo), 'utf8'), /Merged while the lead was editing the brief/);
    assert.equal(await mode(bankDir(repo)), 0o555, 'read-only again after the edit');
    assert.equal(await mode(path.join(bankDir(repo), 'requirements.md')), 0o444);
    await fs.access(path.join(coordDir(repo), 'memory-edit.json')).then(() => assert.fail('the edit marker is removed'), () => undefined);
  });

  it('memory edit of a new file with an editor that fails (or writes nothing) leaves no file or folder behind', async () => {
    const before = await snapshot(repo);
    const dirsBefore = (await fs.readdir(bankDir(repo))).sort();
    for (const [editor, code] of [['false', 1], ['true', 0]] as const) {
      const r = await run(cli(repo.dir, ['memory', 'edit', 'notes/new-ideas.md'], { env: { EDITOR: editor, VISUAL: '' } }));
      assert.equal(r.exitCode, code, r.stderr);
      if (code) {
        assert.match(r.stderr, /the editor `false` exited 1/);
        assert.equal(r.stderr.trim().split('\n').length, 1, 'one line');
      }
      assert.deepEqual((await fs.readdir(bankDir(repo))).sort(), dirsBefore, `${editor}: no notes/ folder left`);
      assert.deepEqual(await snapshot(repo), before, `${editor}: nothing changed`);
      assert.equal(await mode(bankDir(repo)), 0o555);
    }
  });
});

describe('merging while instances run', () => {
  it('--watch merges as discoveries arrive: instance 2 sees instance 1 within seconds', async () => {
    const repo = await repoWithInstances(2, ['memory_auto_merge: false']);
    repos.push(repo);
    const watch = execa(process.execPath, [CLI, 'merge-memory', '--watch'], { cwd: repo.dir, reject: false });
    try {
      const id = (await remember(repo, 1, ['Session management should use event-driven architecture'])).stdout.split(' ')[0]!;
      await waitFor('the watcher to merge', async () => (await ledger(repo).catch(() => ({ entries: [] }))).entries.some((e) => e.contributors.some((c) => c.id === id)));
      const seen = JSON.parse((await run(coordinate(repo, 2, ['memory', '--json']))).stdout);
      assert.ok(seen.new_entries.some((e: { text: string }) => e.text === 'Session management should use event-driven architecture'));
    } finally {
      watch.kill('SIGTERM');
      const ended = await watch;
      assert.equal(ended.exitCode, 0, String(ended.stderr));
    }
  });

  it('memory_auto_merge (the default) merges in the background after update-memory', async () => {
    const repo = await repoWithInstances(2);
    repos.push(repo);
    const texts = Array.from({ length: 12 }, (_, i) => `Auto merged discovery number ${i}`);
    const answers = await Promise.all(texts.map((t, i) => remember(repo, 1 + (i % 2), [t])));
    assert.ok(answers.every((a) => a.exitCode === 0 && /merging into memory-bank-shared/.test(a.stdout)));
    await waitFor('the background merges to drain the queue', async () => (await queued(repo)).length === 0 && (await ledger(repo).catch(() => ({ entries: [] }))).entries.length === 12);
    const doc = await fs.readFile(patternsFile(repo), 'utf8');
    for (const t of texts) assert.equal(doc.split(`- ${t}\n`).length, 2, `${t} exactly once`);
    assert.equal(await mode(bankDir(repo)), 0o555);
  });
});
