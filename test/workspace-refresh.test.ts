// wt-coord refresh: existing instances get the kit spawn would give them now, keeping what a person
// added; an instance whose folder is gone is skipped, an unknown one refused.
import assert from 'node:assert/strict';
import { appendFileSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { cli, coordinate, gitRepo, instanceDir, type TempRepo } from './helpers.js';

let repo: TempRepo;
before(async () => {
  repo = await gitRepo();
  const r = await cli(repo.dir, ['spawn', '2', '--install', 'none']);
  assert.equal(r.exitCode, 0, String(r.stderr));
});
after(() => repo.cleanup());

const settingsOf = (k: number) => JSON.parse(readFileSync(path.join(instanceDir(repo, k), '.claude', 'settings.local.json'), 'utf8'));

test('refresh repairs an instance whose coordinate.sh points at a node that is gone, and keeps what a person added', async () => {
  const script = path.join(instanceDir(repo, 1), '.claude-instance', 'coordinate.sh');
  // As after moving or upgrading node: the path fixed at spawn time no longer exists.
  writeFileSync(script, readFileSync(script, 'utf8').replace(/^WT_COORD_NODE=.*$/m, "WT_COORD_NODE='/nonexistent/node'"));
  assert.notEqual((await coordinate(repo, 1, ['whoami'])).exitCode, 0);

  const settingsFile = path.join(instanceDir(repo, 1), '.claude', 'settings.local.json');
  const settings = settingsOf(1);
  settings.permissions = { allow: ['Bash(npm test)'] };
  writeFileSync(settingsFile, JSON.stringify(settings, null, 2));
  const hooksBefore = JSON.stringify(settings.hooks);
  appendFileSync(path.join(instanceDir(repo, 1), 'CLAUDE.local.md'), '\nMy own note: run the e2e suite last.\n');

  const r = await cli(repo.dir, ['refresh', '1']);
  assert.equal(r.exitCode, 0, String(r.stderr));
  assert.match(String(r.stdout), /^refreshed instance-1$/m);
  const whoami = await coordinate(repo, 1, ['whoami', '--json']);
  assert.equal(whoami.exitCode, 0, String(whoami.stderr));
  assert.equal(JSON.parse(String(whoami.stdout)).name, 'instance-1');

  const after = settingsOf(1);
  // The person's rule stays first; refresh gives back the coordination rules the person's edit dropped, once each.
  assert.equal(after.permissions.allow[0], 'Bash(npm test)', 'a key a person added was lost');
  assert.ok(after.permissions.allow.some((rule: string) => rule.includes('coordinate.sh')), 'refresh did not restore the coordinate.sh permission');
  assert.equal(new Set(after.permissions.allow).size, after.permissions.allow.length, 'a permission rule was duplicated');
  assert.equal(JSON.stringify(after.hooks), hooksBefore, 'the hooks changed or were duplicated');
  assert.match(readFileSync(path.join(instanceDir(repo, 1), 'CLAUDE.local.md'), 'utf8'), /My own note: run the e2e suite last\./);
});

test('refresh of an unknown instance is refused; one whose folder was deleted by hand is skipped', async () => {
  const unknown = await cli(repo.dir, ['refresh', '9']);
  assert.equal(unknown.exitCode, 1);
  assert.match(String(unknown.stderr), /^error: no such instance: instance-9 — /);
  rmSync(instanceDir(repo, 2), { recursive: true, force: true });
  const r = await cli(repo.dir, ['refresh']);
  assert.equal(r.exitCode, 0, String(r.stderr));
  assert.match(String(r.stdout), /^refreshed instance-1$/m);
  assert.match(String(r.stdout), /^skipped instance-2: its folder is gone/m);
});
