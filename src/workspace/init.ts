// `wt-coord init`: config file, memory bank and coordination folder. Creates only what is missing,
// so running it again changes nothing that exists.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { CONFIG_FILE } from '../config.js';
import { TEMPLATES_DIR } from '../package-paths.js';
import type { RepoContext } from './repo.js';
import { ensureExcluded } from './exclude.js';

export const MEMORY_BANK_FILES = ['projectbrief.md', 'requirements.md', 'systemPatterns.md'] as const;

export interface InitResult {
  created: string[];
  kept: string[];
}

async function copyIfMissing(from: string, to: string, result: InitResult): Promise<void> {
  try {
    await fs.copyFile(from, to, fs.constants.COPYFILE_EXCL);
    result.created.push(to);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    result.kept.push(to);
  }
}

async function mkdirIfMissing(dir: string, result: InitResult): Promise<void> {
  const made = await fs.mkdir(dir, { recursive: true });
  (made ? result.created : result.kept).push(dir);
}

export async function initWorkspace(repo: RepoContext): Promise<InitResult> {
  const result: InitResult = { created: [], kept: [] };
  await copyIfMissing(path.join(TEMPLATES_DIR, 'wt-coord.yaml'), path.join(repo.mainWorktree, CONFIG_FILE), result);
  await mkdirIfMissing(repo.memoryBankDir, result);
  for (const file of MEMORY_BANK_FILES) {
    await copyIfMissing(path.join(TEMPLATES_DIR, 'memory-bank', file), path.join(repo.memoryBankDir, file), result);
  }
  await mkdirIfMissing(repo.coordDir, result);
  // The memory bank is shared through links, not through commits: keep it out of `git status`.
  const relativeBank = path.relative(repo.mainWorktree, repo.memoryBankDir);
  if (!relativeBank.startsWith('..') && !path.isAbsolute(relativeBank)) await ensureExcluded(repo.commonDir, [`/${relativeBank}/`]);
  return result;
}

/** Commands other than init call this: they create the shared folders on first use, silently. */
export async function ensureInitialized(repo: RepoContext): Promise<void> {
  const exists = await fs.stat(repo.coordDir).then(() => true, () => false);
  if (!exists) await initWorkspace(repo);
}
