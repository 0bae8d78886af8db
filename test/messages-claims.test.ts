// Path claims through real coordinate.sh processes: first claim wins and names the holder, release,
// lease expiry, completion and handoff of the task a claim was taken for, the pre-commit hook in
// instance worktrees (chained with the project's own hook), and the warnings in `wt-coord status`.
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { execa } from 'execa';
import { instanceDir } from './helpers.js';
import { agent, assertUnchanged, leader, queueRepo, readJson, snapshot, type QueueRepo } from './tasks-fixtures.js';

interface ClaimJson {
  pattern: string;
  instance: string;
  task_id: string | null;
  reason: string | null;
  expired: boolean;
}

async function claimsOf(q: QueueRepo): Promise<ClaimJson[]> {
  const r = await leader(q, ['claims', '--json']);
  assert.equal(r.code, 0, r.err);
  return JSON.parse(r.out) as ClaimJson[];
}

function gitIn(cwd: string, args: string[]) {
  return execa('git', args, { cwd, reject: false });
}

describe('path claims', () => {
  let q: QueueRepo;
  before(async () => {
    q = await queueRepo(3);
  });
  after(() => q.repo.cleanup());

  test('the first claim wins; an overlapping claim is refused naming the holder; release frees it', async () => {
    assert.equal((await agent(q, 1, ['claim', 'src/api/', 'reworking auth'])).out.trim(), 'claimed src/api/');
    for (const pattern of ['src/api/users.ts', 'src/**/*.ts', 'src/api', 'src/{api,web}/']) {
      const before = snapshot(q, 3);
      const refused = await agent(q, 2, ['claim', pattern]);
      assert.equal(refused.code, 4, `${pattern}: ${refused.err}`);
      assert.match(refused.err, /overlaps src\/api\/ claimed by instance-1 \("reworking auth"\)/);
      assert.match(refused.err, /first claim wins: ask instance-1/);
      assertUnchanged(before, snapshot(q, 3), `refused claim ${pattern}`);
    }
    assert.equal((await agent(q, 2, ['claim', 'src/web/'])).code, 0, 'a separate folder is free');
    assert.equal((await agent(q, 2, ['claim', 'src/api-v2/'])).code, 0, 'segment-wise: src/api does not cover src/api-v2');
    assert.equal((await agent(q, 1, ['claim', 'src/api/users.ts'])).code, 0, 'overlapping your own claim is fine');
    const abs = await agent(q, 3, ['claim', path.join(instanceDir(q.repo, 3), 'docs', 'guide.md')]);
    assert.equal(abs.out.trim(), 'claimed docs/guide.md', 'an absolute path inside the worktree becomes repository-relative');
    const listed = await claimsOf(q);
    assert.deepEqual(listed.map((c) => [c.pattern, c.instance, c.reason]), [
      ['src/api/', 'instance-1', 'reworking auth'],
      ['src/web/', 'instance-2', null],
      ['src/api-v2/', 'instance-2', null],
      ['src/api/users.ts', 'instance-1', null],
      ['docs/guide.md', 'instance-3', null],
    ]);
    assert.match((await agent(q, 3, ['claims'])).out, /src\/api\/ {2}instance-1 {2}"reworking auth"/);
    const general = JSON.parse((await agent(q, 3, ['inbox', '--json'])).out) as { type: string; body: string }[];
    assert.ok(general.some((m) => m.type === 'claim' && m.body === 'claimed src/api/: reworking auth'), 'claims are announced on #general');

    assert.equal((await agent(q, 1, ['release', 'src/api'])).out.trim(), 'released src/api/', 'src/api and src/api/ are the same claim');
    assert.equal((await agent(q, 1, ['release', 'src/api/users.ts'])).code, 0);
    assert.equal((await agent(q, 2, ['claim', 'src/api/'])).code, 0, 'free again after release');
    assert.equal((await agent(q, 2, ['release', '--all'])).out.trim(), 'released src/web/, src/api-v2/, src/api/');
  });

  test('bad claims and releases fail with a clear error and change nothing', async () => {
    const cases: { k: number; args: string[]; code: number; error: RegExp }[] = [
      { k: 1, args: ['claim', '../other-repo/src'], code: 2, error: /"\.\.\/other-repo\/src" contains "\.\.": a claim must stay inside the repository/ },
      { k: 1, args: ['claim', 'src/../../etc'], code: 2, error: /contains "\.\."/ },
      { k: 1, args: ['claim', '/etc/passwd'], code: 2, error: /"\/etc\/passwd" is outside the repository/ },
      { k: 1, args: ['claim'], code: 2, error: /claim needs a path or glob/ },
      { k: 1, args: ['claim', '.'], code: 2, error: /names the whole repository/ },
      { k: 1, args: ['release', 'src/nothing/'], code: 5, error: /instance-1 holds no claim on src\/nothing\// },
      { k: 2, args: ['release', 'docs/guide.md'], code: 5, error: /docs\/guide.md is claimed by instance-3, not by instance-2/ },
      { k: 1, args: ['release', '../x'], code: 2, error: /contains "\.\."/ },
    ];
    for (const c of cases) {
      const before = snapshot(q, 3);
      const r = await agent(q, c.k, c.args);
      assert.equal(r.code, c.code, `${c.args.join(' ')}: ${r.err}`);
      assert.match(r.err, c.error);
      assert.equal(r.err.trim().split('\n').length, 1);
      assertUnchanged(before, snapshot(q, 3), c.args.join(' '));
    }
  });

  test('completing a task releases the claims taken for it', async () => {
    assert.equal((await leader(q, ['task', 'add', 'Build the billing page'])).code, 0);
    const got = await agent(q, 1, ['request-task', '--json']);
    assert.equal(got.code, 0, got.err);
    const claimed = await agent(q, 1, ['claim', 'src/billing/', 'billing page']);
    assert.match(claimed.out, /claimed src\/billing\/ for task-\d+ \(released when it completes\)/);
    assert.equal((await agent(q, 1, ['claim', 'docs/billing.md', '--no-task'])).code, 0);
    const taskId = (await claimsOf(q)).find((c) => c.pattern === 'src/billing/')!.task_id!;
    assert.equal((await agent(q, 1, ['complete', taskId, 'done'])).code, 0);
    const after = await claimsOf(q);
    assert.ok(!after.some((c) => c.pattern === 'src/billing/'), 'the task claim went with the task');
    assert.ok(after.some((c) => c.pattern === 'docs/billing.md'), 'a claim for no task stays');
    assert.equal((await agent(q, 2, ['claim', 'src/billing/'])).code, 0);
    const events = readFileSync(path.join(q.coordDir, 'events.jsonl'), 'utf8');
    assert.match(events, new RegExp(`"type":"claim.released","instance":"instance-1","data":\\{"pattern":"src/billing/","why":"task ${taskId} done"`));
    await agent(q, 2, ['release', '--all']);
    await agent(q, 1, ['release', '--all']);
  });

  test('handoff passes the task, its claims and its context to another instance', async () => {
    assert.equal((await leader(q, ['task', 'add', 'Migrate the orders table'])).code, 0);
    assert.equal((await agent(q, 1, ['request-task'])).code, 0);
    const taskId = (readJson(path.join(instanceDir(q.repo, 1), '.claude-instance', 'info.json')).assigned_tasks as string[])[0]!;
    assert.equal((await agent(q, 1, ['claim', 'db/migrations/', 'orders'])).code, 0);
    await agent(q, 2, ['inbox']);
    const handed = await agent(q, 1, ['handoff', taskId, '--to', 'instance-2', 'what: orders migration half done; why: I am blocked on auth; where: db/migrations/004.sql; next: add the index']);
    assert.equal(handed.code, 0, handed.err);
    assert.match(handed.out, new RegExp(`handed ${taskId} to instance-2, with the claims db/migrations/`));
    const tasks = readJson(path.join(q.coordDir, 'tasks.json')).tasks as { id: string; claimed_by: string }[];
    assert.equal(tasks.find((t) => t.id === taskId)!.claimed_by, 'instance-2');
    assert.deepEqual(readJson(path.join(instanceDir(q.repo, 2), '.claude-instance', 'info.json')).assigned_tasks, [taskId]);
    assert.deepEqual((await claimsOf(q)).filter((c) => c.pattern === 'db/migrations/').map((c) => c.instance), ['instance-2']);
    const inbox = JSON.parse((await agent(q, 2, ['inbox', '--json'])).out) as { type: string; to: string; body: string }[];
    const note = inbox.find((m) => m.type === 'handoff' && m.to === 'instance-2')!;
    assert.match(note.body, /instance-1 handed task-\d+ to you: Migrate the orders table/);
    assert.match(note.body, /where: db\/migrations\/004.sql; next: add the index/);
    assert.ok(inbox.some((m) => m.to === '#handoffs'), 'a notice on #handoffs');
    const late = await agent(q, 1, ['complete', taskId, 'done anyway']);
    assert.equal(late.code, 5, 'the old holder can no longer complete it');
    const refused = await agent(q, 1, ['handoff', taskId, '--to', 'instance-3', 'again']);
    assert.equal(refused.code, 5);
    assert.match(refused.err, /instance-1 does not hold task-\d+ \(held by instance-2\)/);
    assert.equal((await agent(q, 2, ['handoff', taskId, '--to', 'instance-9', 'x'])).code, 2);
    assert.equal((await agent(q, 2, ['complete', taskId, 'finished'])).code, 0);
    assert.ok(!(await claimsOf(q)).some((c) => c.pattern === 'db/migrations/'));
  });
});

describe('claims expire with the lease', () => {
  let q: QueueRepo;
  before(async () => {
    q = await queueRepo(2, 'lease_minutes: 0.01\n'); // 0.6 s
  });
  after(() => q.repo.cleanup());

  test('a claim whose holder stopped calling in no longer blocks', async () => {
    assert.equal((await agent(q, 1, ['claim', 'src/'])).code, 0);
    await new Promise((r) => setTimeout(r, 1_000));
    assert.equal((await claimsOf(q))[0]!.expired, true);
    const taken = await agent(q, 2, ['claim', 'src/lib/']);
    assert.equal(taken.code, 0, taken.err);
    assert.deepEqual((await claimsOf(q)).map((c) => c.pattern), ['src/lib/'], 'the expired claim was dropped');
    assert.match(readFileSync(path.join(q.coordDir, 'events.jsonl'), 'utf8'), /"type":"claim.expired","instance":"instance-1"/);
  });
});

describe('the pre-commit hook and status warnings', () => {
  let q: QueueRepo;
  let marker: string;
  before(async () => {
    q = await queueRepo(2);
    // The project's own pre-commit hook, in the common hooks folder, added after spawn.
    marker = path.join(q.repo.parent, 'project-hook.log');
    const hook = path.join(q.repo.dir, '.git', 'hooks', 'pre-commit');
    writeFileSync(hook, `#!/bin/sh\necho "project hook in $(pwd)" >> ${JSON.stringify(marker)}\n`);
    chmodSync(hook, 0o755);
  });
  after(() => q.repo.cleanup());

  const commitIn = async (dir: string, file: string, extra: string[] = []) => {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), `${Date.now()}\n`);
    await gitIn(dir, ['add', file]);
    return gitIn(dir, ['commit', '-q', '-m', `change ${file}`, ...extra]);
  };
  const hookRuns = () => (existsSync(marker) ? readFileSync(marker, 'utf8').trim().split('\n') : []);

  test('a commit touching another instance\'s claim is refused, naming the holder and --no-verify', async () => {
    const one = instanceDir(q.repo, 1);
    const two = instanceDir(q.repo, 2);
    assert.equal((await agent(q, 1, ['claim', 'src/api/', 'auth'])).code, 0);
    const refused = await commitIn(two, 'src/api/users.ts');
    assert.notEqual(refused.exitCode, 0);
    assert.match(refused.stderr, /src\/api\/users.ts: claimed by instance-1 as src\/api\/ \("auth"\)/);
    assert.match(refused.stderr, /git commit --no-verify/);
    assert.equal((await gitIn(two, ['log', '--oneline', 'main..HEAD'])).stdout, '', 'nothing committed');
    await gitIn(two, ['reset', '-q', '--', 'src/api/users.ts']); // the agent backs off (the file stays, uncommitted)

    const own = await commitIn(one, 'src/api/auth.ts');
    assert.equal(own.exitCode, 0, own.stderr);
    assert.deepEqual(hookRuns(), [`project hook in ${one}`], 'the project hook still runs, chained after the claim check');

    const unrelated = await commitIn(two, 'src/web/page.ts');
    assert.equal(unrelated.exitCode, 0, unrelated.stderr);
    assert.equal(hookRuns().length, 2);
  });

  test('status warns about uncommitted and committed changes to another instance\'s claim', async () => {
    const two = instanceDir(q.repo, 2);
    writeFileSync(path.join(two, 'src', 'api', 'users.ts'), 'still here\n'); // left from the refused commit
    let status = await leader(q, ['status']);
    assert.match(status.out, /WARNING: instance-2 changes src\/api\/users.ts \(uncommitted\), claimed by instance-1 as src\/api\//);
    const forced = await commitIn(two, 'src/api/users.ts', ['--no-verify']);
    assert.equal(forced.exitCode, 0, '--no-verify is the escape');
    status = await leader(q, ['status', '--json']);
    const warnings = JSON.parse(status.out).sections.claims.warnings as { instance: string; path: string; where: string; holder: string }[];
    assert.deepEqual(warnings, [{ instance: 'instance-2', path: 'src/api/users.ts', where: 'committed', holder: 'instance-1', pattern: 'src/api/' }]);
  });

  test('the main checkout is untouched: its commits skip the claim check and run the project hook', async () => {
    const runs = hookRuns().length;
    const main = await commitIn(q.repo.dir, 'src/api/users.ts');
    assert.equal(main.exitCode, 0, main.stderr);
    assert.equal(hookRuns().length, runs + 1);
    assert.equal((await gitIn(q.repo.dir, ['config', 'core.hooksPath'])).stdout, '', 'no hooksPath for the main checkout');
  });

  test('a project core.hooksPath is honoured too', async () => {
    const projectHooks = path.join(q.repo.parent, 'project-hooks');
    mkdirSync(projectHooks);
    const hook = path.join(projectHooks, 'pre-commit');
    writeFileSync(hook, `#!/bin/sh\necho "hooksPath hook in $(pwd)" >> ${JSON.stringify(marker)}\n`);
    chmodSync(hook, 0o755);
    await gitIn(q.repo.dir, ['config', 'core.hooksPath', projectHooks]);
    const one = instanceDir(q.repo, 1);
    assert.equal((await commitIn(one, 'src/api/more.ts')).exitCode, 0);
    assert.equal(hookRuns().at(-1), `hooksPath hook in ${one}`);
    const refused = await commitIn(instanceDir(q.repo, 2), 'src/api/again.ts');
    assert.notEqual(refused.exitCode, 0, 'the claim check still runs before the project hook');
  });

  test('teardown drops the claims of the removed instance', async () => {
    assert.equal((await leader(q, ['teardown', '1', '--force'])).code, 0);
    assert.deepEqual((await claimsOf(q)).filter((c) => c.instance === 'instance-1'), []);
  });
});
