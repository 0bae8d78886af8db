// Shared by the memory tests: a repo with spawned instances, reading the bank and the ledger, and
// a structural check of systemPatterns.md.
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { cli, coordinate, gitRepo, type TempRepo } from './helpers.js';

export const BEGIN = '<!-- wt-coord:discoveries:begin -->';
export const END = '<!-- wt-coord:discoveries:end -->';

export interface Run {
  exitCode: number | undefined;
  stdout: string;
  stderr: string;
}

export const run = async (p: Promise<{ exitCode?: number; stdout?: unknown; stderr?: unknown }>): Promise<Run> => {
  const r = await p;
  return { exitCode: r.exitCode, stdout: String(r.stdout ?? ''), stderr: String(r.stderr ?? '') };
};

export const coordDir = (repo: TempRepo) => path.join(repo.dir, '.git', 'wt-coord');
export const bankDir = (repo: TempRepo) => path.join(repo.dir, 'memory-bank');
export const patternsFile = (repo: TempRepo) => path.join(bankDir(repo), 'systemPatterns.md');
export const mode = async (p: string) => (await fs.stat(p)).mode & 0o777;

/** A repo with `count` spawned instances; wt-coord.yaml gets `config` lines appended. */
export async function repoWithInstances(count: number, config: string[] = []): Promise<TempRepo> {
  const repo = await gitRepo('app');
  const init = await run(cli(repo.dir, ['init']));
  assert.equal(init.exitCode, 0, init.stderr);
  await fs.appendFile(path.join(repo.dir, 'wt-coord.yaml'), `${config.join('\n')}\n`);
  const spawned = await run(cli(repo.dir, ['spawn', String(count), '--install', 'none']));
  assert.equal(spawned.exitCode, 0, spawned.stderr);
  return repo;
}

export const remember = (repo: TempRepo, k: number, args: string[], input?: string) => run(coordinate(repo, k, ['update-memory', ...args], input === undefined ? {} : { input }));
export const merge = (repo: TempRepo, args: string[] = []) => run(cli(repo.dir, ['merge-memory', ...args]));

export interface Ledger {
  generation: number;
  entries: { key: string; category: string; text: string; contributors: { id: string; instance: string; task: string | null }[] }[];
}
export async function ledger(repo: TempRepo): Promise<Ledger> {
  return JSON.parse(await fs.readFile(path.join(coordDir(repo), 'memory-merged.json'), 'utf8'));
}

export async function queued(repo: TempRepo, box: 'new' | 'merged' | 'corrupt' = 'new'): Promise<string[]> {
  return (await fs.readdir(path.join(coordDir(repo), 'memory-queue', box)).catch(() => [] as string[])).sort();
}

/** Every file in the bank and the ledger, byte for byte. */
export async function snapshot(repo: TempRepo): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const walk = async (dir: string) => {
    for (const e of await fs.readdir(dir, { withFileTypes: true })) {
      const full = path.join(dir, e.name);
      if (e.isDirectory()) await walk(full);
      else out.set(full, await fs.readFile(full, 'latin1'));
    }
  };
  await walk(bankDir(repo));
  out.set('memory-merged.json', await fs.readFile(path.join(coordDir(repo), 'memory-merged.json'), 'latin1').catch(() => ''));
  return out;
}

/**
 * systemPatterns.md is well-formed: one begin and one end marker, each a whole line, begin first;
 * inside the region the only headings are the category headings, and code fences balance.
 */
export function assertWellFormed(doc: string, categories = ['Patterns', 'Decisions', 'Solutions', 'Blockers']): { before: string; region: string; after: string } {
  const lines = doc.split('\n');
  assert.equal(lines.filter((l) => l === BEGIN).length, 1, 'one begin marker line');
  assert.equal(lines.filter((l) => l === END).length, 1, 'one end marker line');
  assert.equal(doc.split(BEGIN).length, 2, 'begin marker text appears once');
  assert.equal(doc.split(END).length, 2, 'end marker text appears once');
  const b = doc.indexOf(BEGIN);
  const e = doc.indexOf(END);
  assert.ok(b < e, 'begin before end');
  const region = doc.slice(b, e + END.length);
  for (const line of region.split('\n')) {
    if (/^\s{0,3}#/.test(line) || /^\s{0,3}(=+|-{2,})\s*$/.test(line)) assert.match(line, new RegExp(`^## (${categories.join('|')})$`), `unexpected heading line in region: ${line}`);
    assert.ok(!line.includes('<!--') || line === BEGIN || line === END || line.startsWith('<!-- Written by'), `HTML comment inside region: ${line}`);
  }
  assert.equal(region.split('\n').filter((l) => /^\s*(```|~~~)/.test(l)).length % 2, 0, 'code fences balance');
  return { before: doc.slice(0, b), region, after: doc.slice(e + END.length) };
}
