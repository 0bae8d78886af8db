// Each instance gets its OWN node_modules. When the main checkout's node_modules matches the
// lockfile at the base, it is materialized from there (copy-on-write clone where the filesystem
// has one, else a copy); otherwise the package manager named by the lockfile installs it.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { WtError } from '../errors.js';
import { gitMaybe } from '../git.js';
import type { installStrategies } from '../config.js';

export type InstallStrategy = (typeof installStrategies)[number];
export type PackageManager = 'npm' | 'pnpm' | 'yarn' | 'bun';
/** What was actually done for one instance. */
export type MaterializeMethod = 'clone' | 'copy' | 'hardlink' | 'install' | 'none' | 'no-package-json';

const LOCKFILES: [string, PackageManager][] = [
  ['package-lock.json', 'npm'],
  ['npm-shrinkwrap.json', 'npm'],
  ['pnpm-lock.yaml', 'pnpm'],
  ['yarn.lock', 'yarn'],
  ['bun.lock', 'bun'],
  ['bun.lockb', 'bun'],
];

export interface DependencyPlan {
  strategy: Exclude<MaterializeMethod, 'no-package-json'> | 'no-package-json';
  packageManager: PackageManager | null;
  lockfile: string | null;
  /** Why this strategy: printed by spawn so the user knows what happened. */
  reason: string;
}

async function showAtBase(mainWorktree: string, base: string, file: string): Promise<string | null> {
  return gitMaybe(mainWorktree, ['show', `${base}:${file}`]);
}

/** npm keeps node_modules/.package-lock.json: it matches when every package entry equals the lockfile's. */
function npmTreeMatches(lockText: string, hiddenText: string): boolean {
  try {
    const lock = JSON.parse(lockText) as { packages?: Record<string, { version?: string; resolved?: string; integrity?: string }> };
    const hidden = JSON.parse(hiddenText) as { packages?: Record<string, { version?: string; resolved?: string; integrity?: string }> };
    const wanted = Object.entries(lock.packages ?? {}).filter(([key, value]) => key.startsWith('node_modules/') && !(value as { optional?: boolean }).optional);
    const have = hidden.packages ?? {};
    return wanted.every(([key, value]) => have[key]?.version === value.version && (have[key]?.integrity ?? null) === (value.integrity ?? null));
  } catch {
    return false;
  }
}

/** Whether main's installed node_modules is what the lockfile at `base` describes. */
export async function mainTreeMatchesLockfile(mainWorktree: string, base: string, lockfile: string, pm: PackageManager): Promise<boolean> {
  const lockText = await showAtBase(mainWorktree, base, lockfile);
  if (lockText === null) return false;
  const nm = path.join(mainWorktree, 'node_modules');
  const read = (p: string) => fs.readFile(path.join(nm, p), 'utf8').catch(() => null);
  if (pm === 'npm') {
    const hidden = await read('.package-lock.json');
    return hidden !== null && npmTreeMatches(lockText, hidden);
  }
  if (pm === 'pnpm') return (await read('.pnpm/lock.yaml')) === lockText;
  // yarn and bun keep no copy of the lockfile we can compare: trust a tree newer than the lockfile.
  const [tree, lock] = await Promise.all([fs.stat(nm).catch(() => null), fs.stat(path.join(mainWorktree, lockfile)).catch(() => null)]);
  return Boolean(tree && lock && tree.mtimeMs >= lock.mtimeMs);
}

export async function planDependencies(mainWorktree: string, base: string, requested: InstallStrategy): Promise<DependencyPlan> {
  if ((await showAtBase(mainWorktree, base, 'package.json')) === null) {
    return { strategy: 'no-package-json', packageManager: null, lockfile: null, reason: 'no package.json at the base' };
  }
  if (requested === 'none') return { strategy: 'none', packageManager: null, lockfile: null, reason: '--install none' };
  let lockfile: string | null = null;
  let pm: PackageManager | null = null;
  for (const [file, manager] of LOCKFILES) {
    if ((await gitMaybe(mainWorktree, ['cat-file', '-e', `${base}:${file}`])) !== null) {
      lockfile = file;
      pm = manager;
      break;
    }
  }
  const hasMainTree = await fs.stat(path.join(mainWorktree, 'node_modules')).then((s) => s.isDirectory(), () => false);
  const matches = Boolean(lockfile && pm && hasMainTree && (await mainTreeMatchesLockfile(mainWorktree, base, lockfile, pm)));
  if (requested === 'install' || (requested === 'auto' && !matches)) {
    if (!pm) pm = 'npm';
    const why = requested === 'install' ? '--install install' : !hasMainTree ? 'main has no node_modules' : `main's node_modules does not match ${lockfile ?? 'a lockfile'} at the base`;
    return { strategy: 'install', packageManager: pm, lockfile, reason: why };
  }
  if (!hasMainTree) {
    throw new WtError(`--install ${requested} needs node_modules in the main checkout, and there is none`, 'install there first, or use --install install');
  }
  if (requested === 'auto') {
    return { strategy: (await supportsReflink(mainWorktree)) ? 'clone' : 'copy', packageManager: pm, lockfile, reason: `main's node_modules matches ${lockfile}` };
  }
  return { strategy: requested, packageManager: pm, lockfile, reason: `--install ${requested}` };
}

let reflinkAnswer: Promise<boolean> | null = null;

/** Whether this filesystem can clone a file copy-on-write (btrfs, XFS, APFS): try it once. */
export function supportsReflink(dir: string): Promise<boolean> {
  reflinkAnswer ??= (async () => {
    const probe = path.join(dir, 'node_modules', `.wt-coord-reflink-probe-${process.pid}`);
    const clone = `${probe}.clone`;
    try {
      await fs.writeFile(probe, 'probe');
      await fs.copyFile(probe, clone, fs.constants.COPYFILE_FICLONE_FORCE);
      return true;
    } catch {
      return false;
    } finally {
      await Promise.all([fs.rm(probe, { force: true }), fs.rm(clone, { force: true })]);
    }
  })();
  return reflinkAnswer;
}

const INSTALL_COMMANDS: Record<PackageManager, [string, string[]]> = {
  npm: ['npm', ['ci', '--no-audit', '--no-fund']],
  pnpm: ['pnpm', ['install', '--frozen-lockfile']],
  yarn: ['yarn', ['install', '--frozen-lockfile']],
  bun: ['bun', ['install', '--frozen-lockfile']],
};

/** Copies `from` to `to` with the system cp (far faster than a JS tree walk). */
async function copyTree(from: string, to: string, mode: 'clone' | 'copy' | 'hardlink'): Promise<void> {
  const mac = process.platform === 'darwin';
  const flags = mode === 'hardlink' ? (mac ? null : ['-al']) : mode === 'clone' ? (mac ? ['-cR'] : ['-a', '--reflink=always']) : mac ? ['-R'] : ['-a'];
  if (!flags) {
    // BSD cp has no -l: link file by file.
    await execa('/bin/sh', ['-c', 'cd "$1" && find . -type d -exec mkdir -p "$2/{}" \\; && find . ! -type d -exec ln "{}" "$2/{}" \\;', 'sh', from, to]);
    return;
  }
  await execa('cp', [...flags, from, to]);
}

export async function materializeDependencies(plan: DependencyPlan, mainWorktree: string, worktree: string, log: (text: string) => Promise<void>): Promise<MaterializeMethod> {
  const target = path.join(worktree, 'node_modules');
  const source = path.join(mainWorktree, 'node_modules');
  switch (plan.strategy) {
    case 'no-package-json':
    case 'none':
      return plan.strategy;
    case 'install': {
      const [cmd, args] = INSTALL_COMMANDS[plan.packageManager ?? 'npm'];
      const useCi = plan.packageManager === 'npm' && plan.lockfile;
      const finalArgs = useCi ? args : plan.packageManager === 'npm' ? ['install', '--no-audit', '--no-fund'] : args;
      const result = await execa(cmd, finalArgs, { cwd: worktree, all: true, reject: false });
      await log(`$ ${cmd} ${finalArgs.join(' ')}\n${result.all ?? ''}\n`);
      if (result.exitCode !== 0) throw new WtError(`${cmd} ${finalArgs.join(' ')} failed in ${worktree} (exit ${result.exitCode}): ${(result.all ?? '').trim().split('\n').slice(-1)[0] ?? ''}`, 'see the instance log, fix the install, or spawn with --install none');
      return 'install';
    }
    case 'clone':
    case 'copy':
    case 'hardlink': {
      await copyTree(source, target, plan.strategy);
      if (plan.strategy === 'hardlink') await privatizeRewrittenFiles(target);
      return plan.strategy;
    }
  }
}

/** npm rewrites these in place: in a hard-linked tree they must be private copies. */
const REWRITTEN_IN_PLACE = ['.package-lock.json', '.modules.yaml', '.yarn-state.yml', '.yarn-integrity'];

async function privatizeRewrittenFiles(nodeModules: string): Promise<void> {
  for (const name of REWRITTEN_IN_PLACE) {
    const file = path.join(nodeModules, name);
    const data = await fs.readFile(file).catch(() => null);
    if (data === null) continue;
    await fs.rm(file);
    await fs.writeFile(file, data);
  }
}
