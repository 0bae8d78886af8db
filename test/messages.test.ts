// The message bus through real coordinate.sh processes and the leader's CLI: inboxes (exactly once,
// peek, history), questions and answers, channels, events, compaction, and bad input that fails
// with a clear error and changes nothing.
import assert from 'node:assert/strict';
import { appendFileSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { spawn } from 'node:child_process';
import { cli, coordinate, instanceDir } from './helpers.js';
import { agent, assertUnchanged, leader, queueRepo, snapshot, type QueueRepo } from './tasks-fixtures.js';

interface Msg {
  id: string;
  seq: number;
  from: string;
  to: string;
  type: string;
  body: string;
  correlation_id: string | null;
  requires_response: boolean;
}

async function inbox(q: QueueRepo, k: number, ...flags: string[]): Promise<Msg[]> {
  const r = await agent(q, k, ['inbox', '--json', ...flags]);
  assert.equal(r.code, 0, r.err);
  return JSON.parse(r.out) as Msg[];
}

const bodies = (messages: Msg[]) => messages.map((m) => m.body);

describe('messages between instances', () => {
  let q: QueueRepo;
  before(async () => {
    q = await queueRepo(3);
  });
  after(() => q.repo.cleanup());

  test('an inbox shows each message as new exactly once; --peek keeps it new; --all shows history', async () => {
    assert.match((await agent(q, 1, ['send', 'instance-2', 'first', 'note'])).out, /^sent m\d+ to instance-2/);
    assert.equal((await agent(q, 1, ['send', '2', 'second note', '--type', 'discovery', '--priority', 'urgent'])).code, 0);
    const peeked = await inbox(q, 2, '--peek');
    assert.deepEqual(bodies(peeked), ['first note', 'second note']);
    assert.equal(peeked[1]!.type, 'discovery');
    const read = await inbox(q, 2);
    assert.deepEqual(bodies(read), ['first note', 'second note'], 'peek did not consume them');
    assert.deepEqual(await inbox(q, 2), [], 'never shown as new twice');
    assert.match((await agent(q, 2, ['inbox'])).out, /no new messages/);
    assert.deepEqual(bodies(await inbox(q, 2, '--all')).slice(0, 2), ['first note', 'second note']);
    assert.deepEqual(bodies(await inbox(q, 3)).filter((b) => b.includes('note')), [], 'instance-3 got none of them');
  });

  test('an inbox whose reader is gone before it prints keeps the messages new: never lost (at least once)', async () => {
    assert.equal((await agent(q, 1, ['send', 'instance-3', 'must not be lost'])).code, 0);
    // The reading end of stdout is closed before the process writes: it cannot show the message, so
    // the read position must not move past it (the torture run kills readers at random moments).
    const script = path.join(instanceDir(q.repo, 3), '.claude-instance', 'coordinate.sh');
    const child = spawn(script, ['inbox', '--json'], { cwd: instanceDir(q.repo, 3), stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.destroy();
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += String(d)));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    assert.equal(code, 0, `a reader that went away is not an error: ${err}`);
    assert.deepEqual(bodies(await inbox(q, 3)), ['must not be lost'], 'shown again to the next read');
    assert.deepEqual(await inbox(q, 3), [], 'and then it is read');
  });

  test('a question and its answer are correlated, and the answer goes back to whoever asked', async () => {
    const asked = await agent(q, 1, ['ask', 'where is the database config?', '--json']);
    assert.equal(asked.code, 0, asked.err);
    const question = JSON.parse(asked.out) as Msg;
    assert.equal(question.type, 'question');
    assert.equal(question.requires_response, true);
    const atTwo = await agent(q, 2, ['inbox']);
    assert.match(atTwo.out, new RegExp(`${question.id} .*instance-1 -> broadcast \\[question\\] where is the database config\\?`));
    assert.match(atTwo.out, new RegExp(`reply: coordinate.sh answer ${question.id}`));
    await inbox(q, 3); // instance-3 reads it too, and stays quiet
    const answered = await agent(q, 2, ['answer', question.id, 'config/database.yml']);
    assert.match(answered.out, new RegExp(`answered ${question.id} with m\\d+ to instance-1`));
    const [answer, ...rest] = (await inbox(q, 1)).filter((m) => m.type === 'answer');
    assert.equal(rest.length, 0);
    assert.equal(answer!.correlation_id, question.id);
    assert.equal(answer!.from, 'instance-2');
    assert.equal(answer!.body, 'config/database.yml');
    assert.match((await agent(q, 1, ['inbox', '--all'])).out, new RegExp(`\\(re ${question.id}\\) config/database.yml`));
    assert.deepEqual((await inbox(q, 3)).filter((m) => m.type === 'answer'), [], 'the answer went to the asker only');
  });

  test('default channels reach everyone; a named channel reaches its members', async () => {
    await Promise.all([1, 2, 3].map((k) => inbox(q, k))); // start from empty inboxes
    assert.match((await agent(q, 1, ['alert', 'the test database is down'])).out, /alerted #alerts/);
    assert.match((await agent(q, 2, ['join', 'db-migration'])).out, /created #db-migration/);
    assert.equal((await agent(q, 3, ['send', '#db-migration', 'schema v2 is ready'])).code, 0, 'anyone may post to a channel');
    assert.equal((await agent(q, 1, ['send', 'handoffs', 'anyone free for task-9?'])).code, 0);
    const two = await inbox(q, 2);
    assert.deepEqual(two.map((m) => [m.to, m.body]), [
      ['#alerts', 'the test database is down'],
      ['#db-migration', 'schema v2 is ready'],
      ['#handoffs', 'anyone free for task-9?'],
    ]);
    assert.equal(two[0]!.type, 'alert');
    const one = await inbox(q, 1);
    assert.deepEqual(bodies(one), [], 'instance-1 is not in #db-migration and does not see its own posts');
    assert.deepEqual(bodies(await inbox(q, 3)), ['the test database is down', 'anyone free for task-9?']);
    const channels = JSON.parse((await agent(q, 2, ['channels', '--json'])).out) as { name: string; joined: boolean }[];
    assert.deepEqual(channels.map((c) => c.name), ['general', 'alerts', 'handoffs', 'db-migration']);
    assert.equal((await agent(q, 2, ['leave', 'db-migration'])).code, 0);
    assert.equal((await agent(q, 2, ['leave', 'general'])).code, 2, 'default channels cannot be left');
  });

  test('the leader takes part with wt-coord msg send|broadcast|inbox', async () => {
    await Promise.all([1, 2, 3].map((k) => inbox(q, k)));
    assert.match((await leader(q, ['msg', 'send', 'instance-3', 'please', 'rebase'])).out, /sent m\d+ to instance-3/);
    assert.match((await leader(q, ['msg', 'broadcast', 'main is green'])).out, /sent m\d+ to everyone/);
    assert.deepEqual(bodies(await inbox(q, 3)), ['please rebase', 'main is green']);
    assert.deepEqual(bodies(await inbox(q, 1)), ['main is green']);
    assert.equal((await agent(q, 1, ['send', 'leader', 'task-1 needs a decision'])).code, 0);
    const leaderInbox = await leader(q, ['msg', 'inbox', '--json']);
    assert.ok((JSON.parse(leaderInbox.out) as Msg[]).some((m) => m.body === 'task-1 needs a decision' && m.from === 'instance-1'));
    assert.match((await leader(q, ['msg', 'inbox'])).out, /no new messages/);
  });

  test('every message is also an event in events.jsonl', async () => {
    const sent = JSON.parse((await agent(q, 2, ['send', 'instance-1', 'event me', '--json'])).out) as Msg;
    const events = readFileSync(path.join(q.coordDir, 'events.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    const event = events.find((e) => e.type === 'message' && e.data.id === sent.id);
    assert.ok(event, 'message event recorded');
    assert.equal(event.instance, 'instance-2');
    assert.equal(event.data.to, 'instance-1');
    assert.equal(event.data.body, 'event me');
  });

  test('bad input fails with a clear error and changes nothing', async () => {
    const cases: { args: string[]; code: number; error: RegExp; input?: string }[] = [
      { args: ['send', 'instance-9', 'hello'], code: 2, error: /unknown recipient "instance-9" — send to one of: instance-1, instance-2, instance-3, leader, broadcast, general/ },
      { args: ['send', 'nobody', 'hello'], code: 2, error: /unknown recipient "nobody"/ },
      { args: ['send', 'instance-2', '   '], code: 2, error: /the message is empty/ },
      { args: ['send', 'instance-2'], code: 2, error: /the message is empty/ },
      { args: ['broadcast'], code: 2, error: /the message is empty/ },
      { args: ['send', 'instance-2', '-'], code: 2, error: /the message is 1048576 bytes, over the limit of 65536 bytes \(64 KiB\)/, input: 'x'.repeat(1024 * 1024) },
      { args: ['send', 'instance-2', 'y'.repeat(70_000)], code: 2, error: /70000 bytes, over the limit of 65536/ },
      { args: ['send', 'instance-2', 'hi', '--priority', 'asap'], code: 2, error: /--priority must be one of urgent, normal, low/ },
      { args: ['send', 'instance-2', 'hi', '--type', 'Bad Type'], code: 2, error: /"Bad Type" is not a message type/ },
      { args: ['answer', 'm99999', 'late'], code: 1, error: /no message m99999 on the bus/ },
      { args: ['answer', 'what', 'late'], code: 2, error: /"what" is not a message id/ },
      { args: ['join', 'Bad Name!'], code: 2, error: /is not a channel name/ },
      { args: ['join', 'instance-4'], code: 2, error: /reserved/ },
    ];
    for (const c of cases) {
      const before = snapshot(q, 3);
      const r = await coordinate(q.repo, 1, c.args, c.input === undefined ? {} : { input: c.input });
      assert.equal(r.exitCode, c.code, `${c.args.join(' ').slice(0, 60)}: ${r.stderr}`);
      const err = String(r.stderr);
      assert.match(err, c.error);
      assert.equal(err.trim().split('\n').length, 1, 'one line');
      assert.match(err, / — .+$/m, 'with a hint');
      assertUnchanged(before, snapshot(q, 3), c.args.join(' ').slice(0, 40));
    }
    const before = snapshot(q, 3);
    assert.equal((await leader(q, ['msg', 'send', 'instance-7', 'x'])).code, 2);
    const empty = await cli(q.repo.dir, ['msg', 'broadcast', '-'], { input: '' });
    assert.equal(empty.exitCode, 2);
    assert.match(String(empty.stderr), /the message is empty/);
    assertUnchanged(before, snapshot(q, 3), 'leader bad input');
  });

  test('a torn or corrupt line in the message log is reported and skipped, never a crash', async () => {
    await Promise.all([1, 2, 3].map((k) => inbox(q, k)));
    const log = path.join(q.coordDir, 'messages.jsonl');
    assert.equal((await agent(q, 1, ['send', 'instance-2', 'before the damage'])).code, 0);
    appendFileSync(log, '{"seq": 100000, "id": "m100000", "from": "instance-1", "to": "instance-2", "ty\n');
    appendFileSync(log, 'not json at all\n');
    assert.equal((await agent(q, 3, ['send', 'instance-2', 'after the damage'])).code, 0);
    appendFileSync(log, '{"seq": 200000, "from": "instance-1", "body": "torn by a kill'); // no newline: a sender killed mid-write
    const r = await agent(q, 2, ['inbox', '--json']);
    assert.equal(r.code, 0, r.err);
    assert.deepEqual(bodies(JSON.parse(r.out) as Msg[]), ['before the damage', 'after the damage']);
    assert.match(r.err, /warning: skipped 3 unreadable line\(s\) of messages.jsonl \(line \d+: not valid JSON; line \d+: not valid JSON; line \d+: torn last line/);
    // The next sender seals the torn tail off with a newline (so its own line stays whole, never glued
    // to the torn one) and numbering goes on; the torn line is never read as a message.
    const next = JSON.parse((await agent(q, 1, ['send', 'instance-2', 'and on', '--json'])).out) as Msg;
    assert.deepEqual(bodies(await inbox(q, 2)), ['and on']);
    const lines = readFileSync(log, 'utf8').split('\n');
    assert.equal(lines.filter((l) => l.includes('"and on"')).length, 1, 'the new message is one whole line');
    assert.equal(lines.find((l) => l.includes('and on'))!.startsWith('{"seq":'), true, 'the new message was glued to the torn line');
    assert.equal(next.seq > 0, true, 'numbering goes on');
    // wt-coord msg compact drops the unreadable lines (two corrupt, one torn) for good.
    const compacted = await leader(q, ['msg', 'compact', '--json']);
    assert.equal(JSON.parse(compacted.out).unreadable_dropped, 3);
    assert.equal((await agent(q, 2, ['inbox'])).err, '');
  });
});

describe('message retention', () => {
  let q: QueueRepo;
  before(async () => {
    q = await queueRepo(2, 'message_retention_hours: 0.0004\n'); // 1.44 s
  });
  after(() => q.repo.cleanup());

  test('messages older than the retention limit are compacted; numbering and read positions carry on', async () => {
    for (const text of ['old one', 'old two']) assert.equal((await agent(q, 1, ['send', 'instance-2', text])).code, 0);
    await new Promise((r) => setTimeout(r, 2_300)); // past 1.5x the limit: the next inbox compacts
    const fresh = JSON.parse((await agent(q, 1, ['send', 'instance-2', 'fresh', '--json'])).out) as Msg;
    assert.deepEqual(bodies(await inbox(q, 2)), ['old one', 'old two', 'fresh'], 'compaction never hides unread news it was handed');
    const log = readFileSync(path.join(q.coordDir, 'messages.jsonl'), 'utf8');
    assert.ok(!log.includes('old one'), 'old messages compacted away');
    assert.match(log.split('\n')[0]!, /"kind":"compacted"/);
    const events = readFileSync(path.join(q.coordDir, 'events.jsonl'), 'utf8');
    assert.match(events, /"type":"messages.compacted".*"removed":2/);
    const next = JSON.parse((await agent(q, 1, ['send', 'instance-2', 'later', '--json'])).out) as Msg;
    assert.equal(next.seq, fresh.seq + 1, 'numbering continues');
    assert.deepEqual(bodies(await inbox(q, 2)), ['later']);
  });
});
