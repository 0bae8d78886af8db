// Two (or more) "machines" for store tests on one host: clones of one bare remote, each its own
// checkout with its own WT_COORD_MACHINE, all joined to one PostgreSQL database.
import { execa, type Options } from 'execa';
import { mkdirSync, mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CLI } from '../helpers.js';

export interface Run {
  exitCode: number | undefined;
  stdout: string;
  stderr: string;
}

function settle(child: Promise<{ exitCode?: number; stdout?: unknown; stderr?: unknown }>): Promise<Run> {
  return child.then((r) => ({ exitCode: r.exitCode, stdout: String(r.stdout ?? ''), stderr: String(r.stderr ?? '') }));
}

export interface Machine {
  name: string;
  /** The clone's main checkout. */
  dir: string;
  env: Record<string, string>;
  cli: (args: string[], options?: Options) => Promise<Run>;
  /** The folder of instance k (instances are numbered across machines). */
  instanceDir: (k: number) => string;
  coordinate: (k: number, args: string[], options?: Options) => Promise<Run>;
}

export interface Machines {
  root: string;
  remote: string;
  machines: Machine[];
  cleanup: () => void;
}

async function gitIdentity(dir: string): Promise<void> {
  for (const [key, value] of Object.entries({ 'user.name': 'Test', 'user.email': 'test@example.com', 'commit.gpgsign': 'false', 'gc.auto': '0' })) {
    await execa('git', ['config', key, value], { cwd: dir });
  }
}

/** Clones of one bare remote, one per name, each in its own folder (its instances go beside it). */
export async function cloneMachines(names: string[], env: Record<string, string> = {}): Promise<Machines> {
  const root = realpathSync(mkdtempSync(path.join(tmpdir(), 'wtc-machines-')));
  const remote = path.join(root, 'remote.git');
  await execa('git', ['init', '-q', '--bare', '-b', 'main', remote]);
  const seed = path.join(root, 'seed');
  await execa('git', ['clone', '-q', remote, seed]);
  await gitIdentity(seed);
  await execa('sh', ['-c', 'printf "# app\\n" > README.md && mkdir -p src && printf "x\\n" > src/x.ts && git add -A && git commit -qm initial && git push -q origin HEAD:main'], { cwd: seed });
  const machines = [];
  for (const name of names) {
    const parent = path.join(root, name);
    mkdirSync(parent);
    const dir = path.join(parent, 'app');
    await execa('git', ['clone', '-q', remote, dir]);
    await gitIdentity(dir);
    const menv = { ...env, WT_COORD_MACHINE: name };
    const instanceDir = (k: number) => path.join(parent, `app-instance-${k}`);
    machines.push({
      name,
      dir,
      env: menv,
      instanceDir,
      cli: (args: string[], options: Options = {}) => settle(execa(process.execPath, [CLI, ...args], { cwd: dir, reject: false, ...options, env: { ...menv, ...(options.env ?? {}) } })),
      coordinate: (k: number, args: string[], options: Options = {}) => settle(execa(path.join(instanceDir(k), '.claude-instance', 'coordinate.sh'), args, { cwd: instanceDir(k), reject: false, ...options, env: { ...menv, ...(options.env ?? {}) } })),
    });
  }
  return { root, remote, machines, cleanup: () => void execa('chmod', ['-R', 'u+w', root], { reject: false }).then(() => rmSync(root, { recursive: true, force: true })) };
}
