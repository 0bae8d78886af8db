// Joining a PostgreSQL store from a checkout (`wt-coord init --store <url>`, or WT_COORD_STORE /
// `store:` in wt-coord.yaml): which URL was asked for, and the project every clone of one remote shares.
import path from 'node:path';
import { UsageError, WtError } from '../lib/errors.js';
import { gitMaybe } from '../lib/git.js';
import { STORE_ENV, isPostgresUrl, joinStore, machineName, storeSelection, type JoinResult } from '../coord/store-choice.js';
import type { RepoContext } from './repo.js';

/** The store asked for: --store, else WT_COORD_STORE, else `store:` in wt-coord.yaml; null: the folder. */
export function requestedStore(repo: RepoContext, option?: string): string | null {
  const url = option?.trim() || process.env[STORE_ENV]?.trim() || repo.config.store;
  if (!url) return null;
  if (!isPostgresUrl(url)) throw new UsageError(`the store must be a postgres:// URL, got "${url.replace(/\/\/[^@/]*@/, '//…@').slice(0, 80)}"`, 'e.g. --store postgres://user@host:5432/wtcoord (leave it out for the file store)');
  return url;
}

/** The URL this checkout joined (store.json), or null for the file store. */
export function joinedStoreUrl(repo: RepoContext): string | null {
  return storeSelection(repo.coordDir)?.url ?? null;
}

/** Clones of one remote share a project: its origin URL without scheme, user and `.git` (a local path, resolved). */
export async function projectKeyOf(repo: RepoContext): Promise<string> {
  const origin = (await gitMaybe(repo.mainWorktree, ['remote', 'get-url', 'origin']))?.trim();
  if (!origin) return `local:${machineName()}:${repo.mainWorktree}`;
  const isPath = !/^[a-z][a-z0-9+.-]*:\/\//i.test(origin) && !/^[^/]+:/.test(origin);
  const key = isPath
    ? path.resolve(repo.mainWorktree, origin)
    : origin.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '').replace(/^[^@/]*@/, '').replace(/^([^/:]+):(?!\d)/, '$1/');
  return key.replace(/\/+$/, '').replace(/\.git$/, '');
}

export async function joinRequestedStore(repo: RepoContext, url: string): Promise<JoinResult> {
  const joined = storeSelection(repo.coordDir);
  return joinStore({ coordDir: repo.coordDir, mainWorktree: repo.mainWorktree, url, project: await projectKeyOf(repo), machine: repo.config.machine ?? joined?.machine });
}

/** Joins the requested store if this checkout has not yet (spawn and the other commands that initialize). */
export async function ensureStoreJoined(repo: RepoContext): Promise<void> {
  const url = requestedStore(repo);
  if (!url) return;
  let joined = null;
  try {
    joined = storeSelection(repo.coordDir);
  } catch (error) {
    if (!(error instanceof WtError)) throw error; // "has not joined": join below
  }
  if (!joined) await joinRequestedStore(repo, url);
}
