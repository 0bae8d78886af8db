// Shared by the task tests: a repo with spawned instances, and a snapshot of every coordination file
// (to prove a refused call changed nothing).
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { cli, coordinate, gitRepo, instanceDir, type TempRepo } from './helpers.js';

export interface QueueRepo {
  repo: TempRepo;
  coordDir: string;
}

export async function queueRepo(instances: number, yaml?: string): Promise<QueueRepo> {
  const repo = await gitRepo();
  if (yaml !== undefined) writeFileSync(path.join(repo.dir, 'wt-coord.yaml'), yaml);
  const spawned = await cli(repo.dir, ['spawn', String(instances)]);
  assert.equal(spawned.exitCode, 0, String(spawned.stderr));
  return { repo, coordDir: path.join(repo.dir, '.git', 'wt-coord') };
}

export async function leader(q: QueueRepo, args: string[]) {
  const r = await cli(q.repo.dir, args);
  return { code: r.exitCode, out: String(r.stdout), err: String(r.stderr) };
}

export async function agent(q: QueueRepo, k: number, args: string[]) {
  const r = await coordinate(q.repo, k, args);
  return { code: r.exitCode, out: String(r.stdout), err: String(r.stderr) };
}

function walk(dir: string, into: Map<string, string>): void {
  for (const name of readdirSync(dir)) {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) walk(full, into);
    else into.set(full, readFileSync(full, 'utf8'));
  }
}

/** Every file of the coordination folder and every instance's info.json. */
export function snapshot(q: QueueRepo, instances: number): Map<string, string> {
  const files = new Map<string, string>();
  walk(q.coordDir, files);
  for (let k = 1; k <= instances; k++) {
    const info = path.join(instanceDir(q.repo, k), '.claude-instance', 'info.json');
    files.set(info, readFileSync(info, 'utf8'));
  }
  return files;
}

export function assertUnchanged(before: Map<string, string>, after: Map<string, string>, what: string): void {
  assert.deepEqual([...after.keys()].sort(), [...before.keys()].sort(), `${what}: files were added or removed`);
  for (const [file, text] of before) assert.equal(after.get(file), text, `${what}: ${file} changed`);
}

export function readJson(file: string): any {
  return JSON.parse(readFileSync(file, 'utf8'));
}
