// Generated branch pairs for the conflict forecast tests: every kind of merge git can meet between
// two branches (clean, content, rename/delete, add/add, binary, modify/delete, rename/rename,
// file/directory, ...), each pair in its own folder so pairs never touch each other, with seeded
// variation (which line, which bytes) so the set is reproducible and not hand-picked.
import { execa } from 'execa';
import { promises as fs } from 'node:fs';
import path from 'node:path';

export interface ScenarioPair {
  kind: string;
  /** Branch names: merging b into a. */
  a: string;
  b: string;
}

type Edit = (dir: string, rng: () => number) => Promise<void>;

const LINES = 12;
const text = (tag: string) => Array.from({ length: LINES }, (_, k) => `${tag} line ${k + 1}`).join('\n') + '\n';
const bytes = (seed: number) => Buffer.from(Array.from({ length: 64 }, (_, k) => (k === 5 ? 0 : (seed * 31 + k * 7) % 256)));

async function write(file: string, data: string | Buffer): Promise<void> {
  await fs.mkdir(path.dirname(file), { recursive: true });
  await fs.writeFile(file, data);
}
async function editLine(file: string, line: number, value: string): Promise<void> {
  const lines = (await fs.readFile(file, 'utf8')).split('\n');
  lines[line] = value;
  await fs.writeFile(file, lines.join('\n'));
}
const pick = (rng: () => number, n: number) => Math.floor(rng() * n);

/** Per kind: what side a and side b do to the scenario's folder (which starts with text.txt, other.txt, bin.dat). */
const KINDS: Record<string, [Edit, Edit]> = {
  'clean-disjoint': [(d, r) => editLine(`${d}/text.txt`, pick(r, LINES), 'a was here'), (d) => editLine(`${d}/other.txt`, 0, 'b was here')],
  'clean-same-file': [(d, r) => editLine(`${d}/text.txt`, pick(r, 3), 'a top'), (d, r) => editLine(`${d}/text.txt`, 8 + pick(r, 3), 'b bottom')],
  content: [
    async (d) => editLine(`${d}/text.txt`, 5, 'a says so'),
    async (d, r) => editLine(`${d}/text.txt`, 5, `b says otherwise ${pick(r, 100)}`),
  ],
  'rename/delete': [(d) => fs.rename(`${d}/text.txt`, `${d}/moved.txt`), (d) => fs.rm(`${d}/text.txt`)],
  'modify/delete': [(d, r) => editLine(`${d}/text.txt`, pick(r, LINES), 'a changed it'), (d) => fs.rm(`${d}/text.txt`)],
  'add/add': [(d) => write(`${d}/new.txt`, 'made by a\n'), (d, r) => write(`${d}/new.txt`, `made by b ${pick(r, 100)}\n`)],
  'add/add-same': [(d) => write(`${d}/new.txt`, 'same text\n'), (d) => write(`${d}/new.txt`, 'same text\n')],
  binary: [(d, r) => write(`${d}/bin.dat`, bytes(1000 + pick(r, 100))), (d, r) => write(`${d}/bin.dat`, bytes(2000 + pick(r, 100)))],
  'binary-one-side': [(d, r) => write(`${d}/bin.dat`, bytes(3000 + pick(r, 100))), (d) => editLine(`${d}/other.txt`, 1, 'b')],
  'rename/modify': [(d) => fs.rename(`${d}/text.txt`, `${d}/renamed.txt`), (d, r) => editLine(`${d}/text.txt`, 2 + pick(r, 6), 'b edits the old name')],
  'rename/rename': [(d) => fs.rename(`${d}/text.txt`, `${d}/by-a.txt`), (d) => fs.rename(`${d}/text.txt`, `${d}/by-b.txt`)],
  'file/directory': [(d) => write(`${d}/thing`, 'a file\n'), (d) => write(`${d}/thing/inside.txt`, 'a folder\n')],
  'same-change': [(d) => editLine(`${d}/text.txt`, 4, 'agreed'), (d) => editLine(`${d}/text.txt`, 4, 'agreed')],
  'mode/content': [(d) => fs.chmod(`${d}/text.txt`, 0o755), (d) => editLine(`${d}/text.txt`, 0, 'b edits')],
};

export const SCENARIO_KINDS = Object.keys(KINDS);

/** A small deterministic generator (mulberry32). */
export function seeded(seed: number): () => number {
  let t = seed >>> 0;
  return () => {
    t = (t + 0x6d2b79f5) >>> 0;
    let x = Math.imul(t ^ (t >>> 15), 1 | t);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

const gitIn = (dir: string, args: string[]) => execa('git', args, { cwd: dir });

async function commitAll(dir: string, message: string): Promise<void> {
  await gitIn(dir, ['add', '-A']);
  await gitIn(dir, ['commit', '-q', '--allow-empty', '-m', message]);
}

/**
 * Adds `perKind` pairs of every kind to the repository at `dir` (a clean checkout of `main`),
 * returns them. Works in the checkout itself and leaves it back on `main`.
 */
export async function makeScenarioPairs(dir: string, perKind: number, seed = 1): Promise<ScenarioPair[]> {
  const rng = seeded(seed);
  const plan: { kind: string; folder: string }[] = [];
  for (const kind of SCENARIO_KINDS) for (let k = 0; k < perKind; k++) plan.push({ kind, folder: `s-${kind.replace(/\//g, '-')}-${k}` });
  for (const { folder } of plan) {
    await write(path.join(dir, folder, 'text.txt'), text(folder));
    await write(path.join(dir, folder, 'other.txt'), text(`${folder} other`));
    await write(path.join(dir, folder, 'bin.dat'), bytes(plan.length + folder.length));
  }
  await commitAll(dir, 'scenario base');
  const pairs: ScenarioPair[] = [];
  for (const { kind, folder } of plan) {
    const [editA, editB] = KINDS[kind]!;
    const names = { a: `${folder}-a`, b: `${folder}-b` };
    for (const [side, edit] of [['a', editA], ['b', editB]] as const) {
      await gitIn(dir, ['checkout', '-q', '-b', names[side], 'main']);
      await edit(path.join(dir, folder), rng);
      await commitAll(dir, `${kind}: side ${side}`);
      await gitIn(dir, ['checkout', '-q', 'main']);
    }
    pairs.push({ kind, ...names });
  }
  return pairs;
}

export interface RealMerge {
  clean: boolean;
  /** Unmerged files after the merge, sorted. */
  files: string[];
}

/** What a real `git merge --no-ff b` does on a detached checkout of a, in `worktree`; leaves it clean. */
export async function realMerge(worktree: string, a: string, b: string): Promise<RealMerge> {
  await gitIn(worktree, ['checkout', '-q', '--detach', '--force', a]);
  const run = await execa('git', ['merge', '--no-ff', '--no-edit', '-q', b], { cwd: worktree, reject: false });
  const unmerged = (await gitIn(worktree, ['diff', '--name-only', '--diff-filter=U', '-z'])).stdout.split('\0').filter(Boolean);
  await execa('git', ['merge', '--abort'], { cwd: worktree, reject: false });
  await gitIn(worktree, ['reset', '-q', '--hard']);
  await gitIn(worktree, ['clean', '-fdxq']);
  return { clean: run.exitCode === 0, files: [...new Set(unmerged)].sort() };
}
