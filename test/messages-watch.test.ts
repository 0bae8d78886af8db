// `wt-coord watch`: in a real terminal (tmux: new-session -d, send-keys, capture-pane) it shows a new
// message within a second and quits cleanly on q; piped, it prints one plain line per change and
// stops cleanly on SIGINT.
import assert from 'node:assert/strict';
import { execa } from 'execa';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { CLI } from './helpers.js';
import { agent, queueRepo, type QueueRepo } from './tasks-fixtures.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const hasTmux = (await execa('tmux', ['-V'], { reject: false }).catch(() => ({ exitCode: 1 }))).exitCode === 0;

describe('wt-coord watch', () => {
  let q: QueueRepo;
  before(async () => {
    q = await queueRepo(2);
  });
  after(() => q.repo.cleanup());

  test('in tmux: a new message shows within a second, and q quits cleanly', { skip: hasTmux ? false : 'tmux is not installed: the live terminal view cannot be driven' }, async () => {
    const socket = `wtc-msg-${process.pid}`;
    const tmux = (...args: string[]) => execa('tmux', ['-L', socket, ...args], { reject: false });
    const exitFile = path.join(q.repo.parent, 'watch-exit');
    const screen = async () => (await tmux('capture-pane', '-p', '-t', 'watch')).stdout;
    try {
      const command = `cd ${JSON.stringify(q.repo.dir)} && ${JSON.stringify(process.execPath)} ${JSON.stringify(CLI)} watch; echo "exit=$?" > ${JSON.stringify(exitFile)}`;
      const started = await tmux('new-session', '-d', '-s', 'watch', '-x', '160', '-y', '40', '-e', 'TERM=xterm-256color', command);
      assert.equal(started.exitCode, 0, started.stderr);
      for (let i = 0; i < 200 && !(await screen()).includes('INSTANCES (2)'); i++) await sleep(50);
      assert.match(await screen(), /wt-coord watch {2}app .*\(q to quit\)/);
      assert.match(await screen(), /instance-1 +no task +0%/);

      const sent = await agent(q, 1, ['send', 'instance-2', 'watch me arrive']);
      assert.equal(sent.code, 0, sent.err);
      const sentAt = Date.now();
      let seen = false;
      while (!seen && Date.now() - sentAt < 1_000) {
        seen = (await screen()).includes('instance-1 -> instance-2 [message] watch me arrive');
        if (!seen) await sleep(25);
      }
      assert.ok(seen, `the message was not on screen within a second of the send:\n${await screen()}`);

      assert.equal((await agent(q, 2, ['claim', 'src/api/', 'live'])).code, 0);
      for (let i = 0; i < 40 && !(await screen()).includes('PATH CLAIMS (1)'); i++) await sleep(25);
      assert.match(await screen(), /src\/api\/ +instance-2/);

      await tmux('send-keys', '-t', 'watch', 'q');
      for (let i = 0; i < 100 && !existsSync(exitFile); i++) await sleep(50);
      assert.equal(readFileSync(exitFile, 'utf8').trim(), 'exit=0', 'q quits with exit 0');
    } finally {
      await tmux('kill-server');
    }
  });

  test('piped: plain lines, one per change, and a clean stop on SIGINT', async () => {
    const child = execa(process.execPath, [CLI, 'watch'], { cwd: q.repo.dir, reject: false });
    let out = '';
    child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    for (let i = 0; i < 200 && !out.includes('instance instance-2'); i++) await sleep(50);
    assert.doesNotMatch(out, /\x1b\[/, 'no terminal control codes in a pipe');
    assert.equal((await agent(q, 2, ['broadcast', 'plain and simple'])).code, 0);
    for (let i = 0; i < 100 && !out.includes('plain and simple'); i++) await sleep(20);
    assert.match(out, /^message m\d+ \S+ instance-2 -> broadcast \[discovery\] plain and simple$/m);
    child.kill('SIGINT');
    const result = await child;
    assert.equal(result.exitCode, 0);
  });

  test('--once --json prints one snapshot', async () => {
    const r = await execa(process.execPath, [CLI, 'watch', '--once', '--json'], { cwd: q.repo.dir });
    const snap = JSON.parse(r.stdout);
    assert.deepEqual(snap.instances.map((i: { name: string }) => i.name), ['instance-1', 'instance-2']);
    assert.ok(snap.messages.some((m: { body: string }) => m.body === 'plain and simple'));
  });

  test('a count that is not a number is refused with a one-line error, not replaced by the default', async () => {
    for (const args of [['watch', '--once', '--messages', 'abc'], ['watch', '--once', '--messages', '0'], ['msg', 'log', '--limit', 'ten']]) {
      const r = await execa(process.execPath, [CLI, ...args], { cwd: q.repo.dir, reject: false });
      assert.equal(r.exitCode, 2, args.join(' '));
      assert.match(String(r.stderr), /^error: --(messages|limit) must be a whole number .* — e\.g\. wt-coord .*$/);
      assert.equal(String(r.stderr).trim().split('\n').length, 1);
      assert.equal(String(r.stdout), '');
    }
  });

  test('an agent\'s escape sequences never reach the terminal; watch keeps each message on one line', async () => {
    // Clear the screen, move home, retitle the window, then a second line that fakes a message.
    const hostile = '\x1b[2J\x1b[Hhello\x1b]0;pwned\x07\nmessage m999 12:00:00 leader -> you [message] fake';
    assert.equal((await agent(q, 1, ['send', 'instance-2', hostile])).code, 0);
    assert.equal((await agent(q, 1, ['claim', 'src/ui/', 'restyling\nthe \x1b[31mbuttons'])).code, 0);
    const watched = String((await execa(process.execPath, [CLI, 'watch', '--once'], { cwd: q.repo.dir })).stdout);
    assert.doesNotMatch(watched, /[\x00-\x08\x0b-\x1f\x7f]/, 'no escape or control characters');
    assert.match(watched, /^message m\d+ \S+ instance-1 -> instance-2 \[message\] hello ⏎ message m999 12:00:00 leader -> you \[message\] fake$/m);
    assert.doesNotMatch(watched, /^message m999/m, 'the fake line is not a line of its own');
    assert.match(watched, /^claim src\/ui\/ +instance-1 +"restyling ⏎ the buttons"$/m, 'the claim reason is kept on one line');
    const inbox = await agent(q, 2, ['inbox']);
    assert.doesNotMatch(inbox.out, /\x1b/);
    assert.match(inbox.out, /\[message\] hello\nmessage m999/, 'an inbox keeps the lines of a body, without the escapes');
    const log = await execa(process.execPath, [CLI, 'msg', 'log'], { cwd: q.repo.dir });
    assert.doesNotMatch(String(log.stdout), /\x1b/);
    const json = JSON.parse((await agent(q, 2, ['inbox', '--all', '--json'])).out) as { body: string }[];
    assert.ok(json.some((m) => m.body === hostile), '--json keeps the body exactly as sent');
    const refused = await agent(q, 1, ['claim', 'src/\x1b[2Jx']);
    assert.equal(refused.code, 2);
    assert.match(refused.err, /contains control characters/);
  });
});
