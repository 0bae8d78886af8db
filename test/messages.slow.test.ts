// The message bus and path claims under real concurrency: 4 instances exchange 1,000 messages with
// real coordinate.sh processes (every inbox shows every message addressed to it exactly once, in
// order per sender); senders SIGKILLed mid-flight leave no duplicate and no gap in what they
// confirmed; 8 instances claiming overlapping paths at once: exactly one wins.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { coordinate } from './helpers.js';
import { agent, queueRepo, type QueueRepo } from './tasks-fixtures.js';

interface Msg {
  seq: number;
  from: string;
  to: string;
  body: string;
}

async function drain(q: QueueRepo, k: number): Promise<Msg[]> {
  const r = await agent(q, k, ['inbox', '--json']);
  assert.equal(r.code, 0, r.err);
  assert.equal(r.err, '', 'no unreadable lines');
  return JSON.parse(r.out) as Msg[];
}

describe('messages and claims under concurrency', () => {
  let q: QueueRepo;
  before(async () => {
    q = await queueRepo(8);
  });
  after(() => q.repo.cleanup());

  test('4 instances exchange 1,000 messages: each inbox shows each of its messages once, in order per sender', async () => {
    const senders = [1, 2, 3, 4];
    const perSender = 250;
    const received = new Map<number, Msg[]>(senders.map((k) => [k, []]));
    const expected = new Map<number, string[]>(senders.map((k) => [k, []]));
    // Each agent sends in its own order (one send after another) while reading its inbox now and then.
    await Promise.all(
      senders.map(async (me) => {
        const others = senders.filter((k) => k !== me);
        for (let i = 0; i < perSender; i++) {
          const to = others[i % others.length]!;
          const body = `from ${me} #${i}`;
          const r = await coordinate(q.repo, me, ['send', `instance-${to}`, body]);
          assert.equal(r.exitCode, 0, String(r.stderr));
          expected.get(to)!.push(body);
          if (i % 25 === 24) received.get(me)!.push(...(await drain(q, me)));
        }
      }),
    );
    for (const k of senders) received.get(k)!.push(...(await drain(q, k)));

    for (const k of senders) {
      const got = received.get(k)!;
      assert.equal(new Set(got.map((m) => m.seq)).size, got.length, `instance-${k}: a message was shown twice`);
      assert.deepEqual(got.map((m) => m.body).sort(), [...expected.get(k)!].sort(), `instance-${k}: every message addressed to it, none missed`);
      for (const from of senders.filter((s) => s !== k)) {
        const counters = got.filter((m) => m.from === `instance-${from}`).map((m) => Number(m.body.split('#')[1]));
        assert.deepEqual(counters, [...counters].sort((a, b) => a - b), `instance-${k}: messages of instance-${from} out of order`);
      }
      assert.ok(got.every((m) => m.to === `instance-${k}`));
    }
    assert.equal([...received.values()].reduce((n, list) => n + list.length, 0), 1_000);
  });

  test('senders killed at random moments: what they confirmed arrives exactly once, and reading never crashes', async () => {
    await drain(q, 1);
    const confirmed: string[] = [];
    await Promise.all(
      Array.from({ length: 24 }, async (_, i) => {
        const sender = 5 + (i % 4);
        const child = coordinate(q.repo, sender, ['send', 'instance-1', `kill-test ${i}`]);
        const killer = i % 2 === 0 ? setTimeout(() => child.kill('SIGKILL'), 40 + Math.random() * 160) : null;
        const r = await child;
        if (killer) clearTimeout(killer);
        if (r.exitCode === 0 && /^sent m\d+/.test(String(r.stdout))) confirmed.push(`kill-test ${i}`);
      }),
    );
    const r = await agent(q, 1, ['inbox', '--json']);
    assert.equal(r.code, 0, r.err);
    const got = (JSON.parse(r.out) as Msg[]).map((m) => m.body);
    assert.equal(new Set(got).size, got.length, 'no message twice');
    for (const body of confirmed) assert.ok(got.includes(body), `confirmed "${body}" is missing`);
    assert.ok(confirmed.length >= 12, 'the senders nobody killed all got through');
    const next = await agent(q, 5, ['send', 'instance-1', 'after the kills']);
    assert.equal(next.code, 0, next.err);
    assert.deepEqual((await drain(q, 1)).map((m) => m.body), ['after the kills']);
  });

  test('8 instances claim overlapping paths at once: exactly one wins each round, the others are told who', async () => {
    const rounds: ((k: number) => string)[] = [() => 'src/shared/', (k) => (k % 2 ? 'src/core/**' : 'src/core/file.ts'), (k) => ['lib/', 'lib/a/', 'lib/**/*.ts', 'lib/a/b.ts'][k % 4]!];
    for (const patternOf of rounds) {
      const results = await Promise.all(Array.from({ length: 8 }, (_, i) => agent(q, i + 1, ['claim', patternOf(i + 1)])));
      const winners = results.map((r, i) => ({ ...r, k: i + 1 })).filter((r) => r.code === 0);
      assert.equal(winners.length, 1, results.map((r) => `${r.code} ${r.err}`).join('\n'));
      const winner = `instance-${winners[0]!.k}`;
      for (const r of results.filter((x) => x.code !== 0)) {
        assert.equal(r.code, 4);
        assert.match(r.err, new RegExp(`claimed by ${winner}`));
      }
      const listed = JSON.parse((await agent(q, 1, ['claims', '--json'])).out) as { instance: string }[];
      assert.deepEqual(listed.map((c) => c.instance), [winner]);
      assert.equal((await agent(q, winners[0]!.k, ['release', '--all'])).code, 0);
    }
  });
});
