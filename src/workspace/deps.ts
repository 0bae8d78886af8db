// Each instance gets its OWN node_modules. When the main checkout's node_modules matches the
// lockfile at the base, it is materialized from there (copy-on-write clone where the filesystem
// has one, else a copy); otherwise the package manager named by the lockfile installs it.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { WtError } from '../lib/errors.js';
import { gitMaybe } from '../lib/git.js';
import type { installStrategies } from '../config/config.js';

export type InstallStrategy = (typeof installStrategies)[number];
export type PackageManager = 'npm' | 'pnpm' | 'yarn' | 'bun';
/** What was actually done for one instance. */
export type MaterializeMethod = 'clone' | 'copy' | 'hardlink' | 'install' | 'none' | 'no-package-json';

/** The files whose change means an instance's node_modules must be made again. */
export function dependencyInputs(): string[] {
  return ['package.json', ...LOCKFILES.map(([file]) => file)];
}

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

interface LockEntry {
  version?: string;
  integrity?: string;
  resolved?: string;
  link?: boolean;
  optional?: boolean;
  dev?: boolean;
}

/**
 * npm keeps node_modules/.package-lock.json (the "hidden lockfile") describing exactly what it
 * installed. The tree matches the lockfile when both list the same installed packages with the same
 * version and integrity. Optional packages may be absent (another platform's binaries), but an
 * installed package the lockfile does not list (`npm install x --no-save`) is a mismatch.
 */
export function npmTreeMatches(lockText: string, hiddenText: string): boolean {
  let lock: { packages?: Record<string, LockEntry> };
  let hidden: { packages?: Record<string, LockEntry> };
  try {
    lock = JSON.parse(lockText);
    hidden = JSON.parse(hiddenText);
  } catch {
    return false;
  }
  if (!lock.packages || !hidden.packages) return false; // lockfileVersion 1: no per-package record to compare
  const installed = (entries: Record<string, LockEntry>) => Object.entries(entries).filter(([key]) => key.includes('node_modules/'));
  const same = (a: LockEntry, b: LockEntry) => a.version === b.version && (a.integrity ?? null) === (b.integrity ?? null) && Boolean(a.link) === Boolean(b.link);
  const have = hidden.packages;
  const want = lock.packages;
  for (const [key, entry] of installed(want)) {
    const got = have[key];
    if (got ? !same(entry, got) : !entry.optional) return false;
  }
  return installed(have).every(([key]) => key in want);
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
  // yarn and bun keep no copy of the lockfile we can compare: trust a tree at least as new as the
  // lockfile, and only when the working tree's lockfile is the base's.
  const [tree, lock, working] = await Promise.all([fs.stat(nm).catch(() => null), fs.stat(path.join(mainWorktree, lockfile)).catch(() => null), fs.readFile(path.join(mainWorktree, lockfile), 'utf8').catch(() => null)]);
  return Boolean(tree && lock && working === lockText && tree.mtimeMs >= lock.mtimeMs);
}

function declaresDependencies(packageJsonText: string): boolean {
  try {
    const pkg = JSON.parse(packageJsonText) as Record<string, unknown>;
    return ['dependencies', 'devDependencies', 'optionalDependencies', 'peerDependencies'].some((k) => Object.keys((pkg[k] as object | undefined) ?? {}).length > 0) || Boolean(pkg.workspaces);
  } catch {
    return true; // let the package manager report what is wrong with it
  }
}

/**
 * Decides once per spawn how instances get node_modules. `targetParent` is where instance folders
 * go: copy-on-write clones only work within one filesystem, so that is where the probe runs.
 */
export async function planDependencies(mainWorktree: string, base: string, requested: InstallStrategy, targetParent: string): Promise<DependencyPlan> {
  const packageJson = await showAtBase(mainWorktree, base, 'package.json');
  if (packageJson === null) return { strategy: 'no-package-json', packageManager: null, lockfile: null, reason: 'no package.json at the base' };
  if (requested === 'none') return { strategy: 'none', packageManager: null, lockfile: null, reason: '--install none' };
  // A tracked node_modules comes with the checkout; putting another over it would overwrite tracked files.
  if (((await gitMaybe(mainWorktree, ['ls-tree', '--name-only', base, '--', 'node_modules'])) ?? '').trim()) {
    return { strategy: 'none', packageManager: null, lockfile: null, reason: 'node_modules is tracked by git: it comes with the checkout' };
  }
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
  if (requested === 'auto' && !lockfile && !hasMainTree && !declaresDependencies(packageJson)) {
    return { strategy: 'none', packageManager: null, lockfile: null, reason: 'package.json declares no dependencies' };
  }
  const matches = Boolean(lockfile && pm && hasMainTree && (await mainTreeMatchesLockfile(mainWorktree, base, lockfile, pm)));
  if (requested === 'install' || (requested === 'auto' && !matches)) {
    const why = requested === 'install' ? '--install install' : !lockfile ? 'no lockfile at the base' : !hasMainTree ? 'main has no node_modules' : `main's node_modules does not match ${lockfile} at the base`;
    return { strategy: 'install', packageManager: pm ?? 'npm', lockfile, reason: why };
  }
  if (!hasMainTree) {
    throw new WtError(`--install ${requested} needs node_modules in the main checkout, and there is none`, 'install there first, or use --install install');
  }
  if (requested === 'auto') {
    const cow = await supportsReflink(path.join(mainWorktree, 'node_modules'), targetParent);
    return { strategy: cow ? 'clone' : 'copy', packageManager: pm, lockfile, reason: `main's node_modules matches ${lockfile}; ${cow ? 'copy-on-write clone' : 'no copy-on-write on this filesystem: full copy'}` };
  }
  if (requested === 'clone' && !(await supportsReflink(path.join(mainWorktree, 'node_modules'), targetParent))) {
    throw new WtError(`--install clone needs a copy-on-write filesystem (btrfs, XFS, APFS) under ${targetParent}`, 'use --install auto, which copies when it cannot clone');
  }
  return { strategy: requested, packageManager: pm, lockfile, reason: `--install ${requested}` };
}

async function firstFileIn(dir: string, depth = 3): Promise<string | null> {
  const entries = await fs.readdir(dir, { withFileTypes: true }).catch(() => []);
  for (const entry of entries) if (entry.isFile()) return path.join(dir, entry.name);
  if (depth === 0) return null;
  for (const entry of entries) {
    if (!entry.isDirectory()) continue;
    const found = await firstFileIn(path.join(dir, entry.name), depth - 1);
    if (found) return found;
  }
  return null;
}

/**
 * Whether a file of `sourceDir` can be cloned copy-on-write (btrfs, XFS, APFS) into `targetDir`:
 * tried once with a real file. Only the target side is written: main's node_modules is not touched
 * (a write there would make npm distrust its hidden lockfile).
 */
export async function supportsReflink(sourceDir: string, targetDir: string): Promise<boolean> {
  const source = await firstFileIn(sourceDir);
  if (!source) return false;
  const probe = path.join(targetDir, `.wt-coord-reflink-probe-${process.pid}`);
  try {
    await fs.copyFile(source, probe, fs.constants.COPYFILE_FICLONE_FORCE);
    return true;
  } catch {
    return false;
  } finally {
    await fs.rm(probe, { force: true });
  }
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
      // Without a lockfile, install without writing one: a new lockfile would show in `git status`.
      const finalArgs = plan.lockfile ? args : plan.packageManager === 'npm' ? ['install', '--no-audit', '--no-fund', '--no-package-lock'] : args.filter((a) => a !== '--frozen-lockfile');
      const result = await execa(cmd, finalArgs, { cwd: worktree, all: true, reject: false, stdin: 'ignore' });
      await log(`$ ${cmd} ${finalArgs.join(' ')}\n${result.all ?? ''}\n`);
      if (result.exitCode !== 0) {
        const tail = (result.all ?? '').trim().split('\n').slice(-3).join(' | ');
        throw new WtError(`\`${cmd} ${finalArgs.join(' ')}\` exited ${result.exitCode}: ${tail || '(no output)'}`, 'see the instance log, fix the install, or spawn with --install none');
      }
      return 'install';
    }
    case 'clone':
    case 'copy':
    case 'hardlink': {
      if (await fs.lstat(target).then(() => true, () => false)) {
        throw new WtError(`${target} already exists, so main's node_modules cannot be put there`, 'drop node_modules from .worktreeinclude, or spawn with --install none');
      }
      await copyTree(source, target, plan.strategy);
      if (plan.strategy === 'hardlink') await privatizeRewrittenFiles(target);
      return plan.strategy;
    }
  }
}

/** npm rewrites these in place: in a hard-linked tree they must be private copies. */
const REWRITTEN_IN_PLACE = ['.package-lock.json', '.modules.yaml', '.pnpm/lock.yaml', '.yarn-state.yml', '.yarn-integrity'];

async function privatizeRewrittenFiles(nodeModules: string): Promise<void> {
  for (const name of REWRITTEN_IN_PLACE) {
    const file = path.join(nodeModules, name);
    const data = await fs.readFile(file).catch(() => null);
    if (data === null) continue;
    await fs.rm(file);
    await fs.writeFile(file, data);
  }
}
