// Issue 14 item 17 (and issue 11 item 5's ANSI rule): text from tasks, messages, progress notes,
// failure reasons, claim reasons and discoveries reaches the terminal without control characters,
// wherever it is printed; --json keeps it exact.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { git, instanceDir } from './helpers.js';
import { agent, leader, queueRepo, type QueueRepo } from './tasks-fixtures.js';

const EVIL = '\u001b]0;pwned\u0007\u001b[2J\u001b[31mred\u001b[0m\u0008\u009b6n';
const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;

function assertSafe(text: string, where: string): void {
  const bad = UNSAFE.exec(text);
  assert.equal(bad, null, `${where} printed a control character (U+${bad?.[0].charCodeAt(0).toString(16).padStart(4, '0')}) near ${JSON.stringify(text.slice(Math.max(0, (bad?.index ?? 0) - 20), (bad?.index ?? 0) + 20))}`);
}

describe('item 17: every text from agents is terminal-safe where it is printed', () => {
  let q: QueueRepo;
  before(async () => {
    q = await queueRepo(2, 'memory_auto_merge: false\nmax_attempts: 5\n');
    assert.equal((await leader(q, ['task', 'add', `parse the input ${EVIL}`, '--hint', `hint ${EVIL}`, '--files', `src/${'x'}.ts`])).code, 0);
    assert.equal((await leader(q, ['task', 'add', `second ${EVIL}`, '--depends', '1'])).code, 0);
    assert.equal((await agent(q, 1, ['request-task', '1'])).code, 0);
    assert.equal((await agent(q, 1, ['report-progress', '50%', `note ${EVIL}`])).code, 0);
    assert.equal((await agent(q, 1, ['claim', 'src/', `reason ${EVIL}`])).code, 0);
    assert.equal((await agent(q, 1, ['send', 'instance-2', `hello ${EVIL}`])).code, 0);
    assert.equal((await agent(q, 1, ['update-memory', `a finding ${EVIL}`, '--category', 'pattern'])).code, 0);
  });
  after(() => q.repo.cleanup());

  test('wt-coord status, task list, task show, watch --once, msg log, memory', async () => {
    for (const args of [['status'], ['task', 'list'], ['task', 'show', '1'], ['task', 'show', '2'], ['watch', '--once'], ['msg', 'log'], ['claims']]) {
      const r = await leader(q, args);
      assert.equal(r.code, 0, `${args.join(' ')}: ${r.err}`);
      assertSafe(r.out + r.err, `wt-coord ${args.join(' ')}`);
    }
  });

  test('coordinate.sh status, inbox, claims and the briefing of a retried task', async () => {
    for (const args of [['status'], ['inbox', '--peek'], ['claims'], ['recall', 'finding']]) {
      const r = await agent(q, 2, args);
      assertSafe(r.out + r.err, `coordinate.sh ${args.join(' ')}`);
    }
    assert.equal((await agent(q, 1, ['fail', 'task-001', `failed because ${EVIL}`])).code, 0);
    const briefing = await agent(q, 2, ['request-task', '1']);
    assert.equal(briefing.code, 0, briefing.err);
    assertSafe(briefing.out + briefing.err, 'the briefing');
    assert.equal((await agent(q, 2, ['complete', 'task-001', `summary ${EVIL}`])).code, 0);
    const next = await agent(q, 2, ['request-task', '2']);
    assertSafe(next.out + next.err, 'the briefing with a dependency result');
    const show = await leader(q, ['task', 'show', '1']);
    assertSafe(show.out, 'task show of a done task');
  });

  test('the pre-commit refusal, even for a claim stored raw (claims.json from an older version or edited by hand)', async () => {
    assert.equal((await agent(q, 1, ['claim', 'src/', 'for the refusal', '--no-task'])).code, 0);
    const file = path.join(q.coordDir, 'claims.json');
    const doc = JSON.parse(readFileSync(file, 'utf8'));
    doc.claims.find((c: { pattern: string }) => c.pattern === 'src/').reason = `stored raw ${EVIL}`;
    writeFileSync(file, JSON.stringify(doc));
    const wt = instanceDir(q.repo, 2);
    mkdirSync(path.join(wt, 'src'), { recursive: true });
    writeFileSync(path.join(wt, 'src', 'a.ts'), 'x\n');
    await git(wt, ['add', 'src/a.ts']);
    const r = await agent(q, 2, ['check-claims', '--staged']);
    assert.equal(r.code, 4);
    assertSafe(r.out + r.err, 'the pre-commit refusal');
  });

  test('--json keeps the text exact', async () => {
    const r = await leader(q, ['task', 'show', '2', '--json']);
    assert.equal(JSON.parse(r.out).description, `second ${EVIL}`);
  });
});

test('a followed log: an escape sequence split between two reads is removed whole', async () => {
  const { terminalTextStream } = await import('../src/lib/terminal-text.js');
  const safe = terminalTextStream();
  const text = `a\u001b[31mred\u001b[0m b\u001b]0;title\u0007c\u001b`;
  // Every split point of the same text gives the same safe output as the text in one piece.
  for (let cut = 0; cut <= text.length; cut++) {
    const stream = terminalTextStream();
    const out = stream(text.slice(0, cut)) + stream(text.slice(cut)) + stream('[1md');
    assert.equal(out, 'ared bcd', `split at ${cut}`);
  }
  assert.equal(safe('plain'), 'plain');
});
