// The CLI as a shell pipeline sees it: a reader that stops early (`| head`) is not a crash.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { execa } from 'execa';
import { CLI, cli, gitRepo, type TempRepo } from './helpers.js';

let repo: TempRepo;
before(async () => {
  repo = await gitRepo();
  // Enough tasks that `task list --json` is far larger than a pipe's buffer (64 KiB).
  const tasks = Array.from({ length: 1500 }, (_, i) => ({ description: `task number ${i + 1} with some words to make the listing long` }));
  const file = path.join(repo.parent, 'tasks.json');
  writeFileSync(file, JSON.stringify({ tasks }));
  assert.equal((await cli(repo.dir, ['task', 'import', file])).exitCode, 0);
});
after(() => repo.cleanup());

test('`wt-coord task list --json | head -c 100` exits 0 and prints no error', async () => {
  const r = await execa('bash', ['-c', `set -o pipefail; "${process.execPath}" "${CLI}" task list --json | head -c 100 >/dev/null`], { cwd: repo.dir, reject: false });
  assert.equal(r.stderr, '', 'the CLI printed an error when its reader stopped early');
  assert.equal(r.exitCode, 0);
});
