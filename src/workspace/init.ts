// `wt-coord init`: config file, memory bank and coordination folder. Creates only what is missing,
// so running it again changes nothing that exists.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { CONFIG_FILE, parseConfigText, readConfigText } from '../config/config.js';
import { writeConfigCopy } from '../config/cached.js';
import { configTemplateFor } from '../config/template.js';
import { TEMPLATES_DIR } from '../lib/package-paths.js';
import { assertMemoryBankRoot } from '../lib/safe-path.js';
import type { RepoContext } from './repo.js';
import { ensureExcluded } from './exclude.js';
import { ensureStoreJoined } from './store-join.js';

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

async function writeIfMissing(file: string, text: string, result: InitResult): Promise<void> {
  try {
    await fs.writeFile(file, text, { flag: 'wx' });
    result.created.push(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    result.kept.push(file);
  }
}

async function mkdirIfMissing(dir: string, result: InitResult): Promise<void> {
  const made = await fs.mkdir(dir, { recursive: true });
  (made ? result.created : result.kept).push(dir);
}

export async function initWorkspace(repo: RepoContext, { writeConfig = true } = {}): Promise<InitResult> {
  const result: InitResult = { created: [], kept: [] };
  if (writeConfig) await writeIfMissing(path.join(repo.mainWorktree, CONFIG_FILE), await configTemplateFor(repo.mainWorktree), result);
  await assertMemoryBankRoot(repo.mainWorktree, repo.memoryBankDir);
  await mkdirIfMissing(repo.memoryBankDir, result);
  for (const file of MEMORY_BANK_FILES) {
    await copyIfMissing(path.join(TEMPLATES_DIR, 'memory-bank', file), path.join(repo.memoryBankDir, file), result);
  }
  await mkdirIfMissing(repo.coordDir, result);
  // The instances' validated copy of wt-coord.yaml, as it is now (init may just have written it).
  const source = await readConfigText(repo.mainWorktree);
  await writeConfigCopy(repo.coordDir, source, source === repo.configSource ? repo.config : parseConfigText(path.join(repo.mainWorktree, CONFIG_FILE), source));
  // The memory bank is shared through links, not through commits: keep it out of `git status`.
  const relativeBank = path.relative(repo.mainWorktree, repo.memoryBankDir);
  if (!relativeBank.startsWith('..') && !path.isAbsolute(relativeBank)) await ensureExcluded(repo.commonDir, [`/${relativeBank}/`]);
  return result;
}

/**
 * Spawn calls this: the shared folders are made on first use, silently. The config file is not:
 * it is the user's to create (`wt-coord init`), and an unasked-for file would show in `git status`.
 */
export async function ensureInitialized(repo: RepoContext): Promise<void> {
  await ensureStoreJoined(repo); // first: an unreachable server leaves nothing half-made
  await initWorkspace(repo, { writeConfig: false });
}
