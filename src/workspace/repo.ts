// Finds the repository around a folder and everything wt-coord derives from it: the main worktree,
// the git common dir, the configuration and the shared folders.
import { promises as fs, realpathSync } from 'node:fs';
import path from 'node:path';
import { writeConfigCopy } from '../config/cached.js';
import { CONFIG_FILE, parseConfigText, readConfigText, type Config } from '../config/config.js';
import { WtError } from '../lib/errors.js';
import { gitMaybe, listWorktrees } from '../lib/git.js';

export interface RepoContext {
  /** The main worktree: where the leader works, wt-coord.yaml and the memory bank live. */
  mainWorktree: string;
  /** The git common dir (`.git` of the main worktree), shared by all worktrees. */
  commonDir: string;
  /** Basename of the main worktree: instance folders are `<repoName>-instance-<k>`. */
  repoName: string;
  config: Config;
  /** wt-coord.yaml's text the config was read from (null: no file): the instances' copy records it. */
  configSource: string | null;
  coordDir: string;
  memoryBankDir: string;
  instancesParent: string;
}

async function isFolder(dir: string): Promise<boolean> {
  return (await fs.stat(dir).catch(() => null))?.isDirectory() ?? false;
}

function real(p: string): string {
  try {
    return realpathSync(p);
  } catch {
    return path.resolve(p);
  }
}

export async function findRepo(cwd: string = process.cwd()): Promise<{ mainWorktree: string; commonDir: string }> {
  try {
    await fs.access(cwd);
  } catch {
    throw new WtError(`folder ${cwd} does not exist`, 'run wt-coord inside a git repository');
  }
  const inside = await gitMaybe(cwd, ['rev-parse', '--is-inside-work-tree']);
  const bare = await gitMaybe(cwd, ['rev-parse', '--is-bare-repository']);
  if (bare?.trim() === 'true') {
    throw new WtError(`${cwd} is a bare repository: wt-coord needs a main worktree to spawn instances from`, 'clone it (`git clone <bare> <folder>`) and run wt-coord in the clone');
  }
  if (inside?.trim() !== 'true') {
    throw new WtError(`${cwd} is not inside a git repository`, 'run wt-coord inside a git repository, or create one with `git init`');
  }
  const common = (await gitMaybe(cwd, ['rev-parse', '--path-format=absolute', '--git-common-dir']))?.trim();
  if (!common) throw new WtError(`cannot find the git folder of ${cwd}`, 'check that `git rev-parse --git-common-dir` works here');
  const worktrees = await listWorktrees(cwd);
  const main = worktrees[0];
  if (!main || main.bare) {
    throw new WtError(`the repository at ${common} has no main worktree`, 'clone it (`git clone <bare> <folder>`) and run wt-coord in the clone');
  }
  return { mainWorktree: real(main.path), commonDir: real(common) };
}

export async function openRepo(cwd: string = process.cwd()): Promise<RepoContext> {
  const { mainWorktree, commonDir } = await findRepo(cwd);
  const source = await readConfigText(mainWorktree);
  const config = parseConfigText(path.join(mainWorktree, CONFIG_FILE), source);
  const fromMain = (p: string) => path.resolve(mainWorktree, p);
  const coordDir = config.coordination_dir ? fromMain(config.coordination_dir) : path.join(commonDir, 'wt-coord');
  // The instances read this validated copy instead of parsing wt-coord.yaml (config/cached.ts).
  if (await isFolder(coordDir)) await writeConfigCopy(coordDir, source, config);
  return {
    mainWorktree,
    commonDir,
    repoName: path.basename(mainWorktree),
    config,
    configSource: source,
    coordDir,
    memoryBankDir: fromMain(config.memory_bank),
    instancesParent: real(fromMain(config.instances_dir)),
  };
}

export async function hasCommits(dir: string): Promise<boolean> {
  return (await gitMaybe(dir, ['rev-parse', '--verify', '--quiet', 'HEAD^{commit}'])) !== null;
}
