// Removing files and the flat folders wt-coord stages commits in, on the hot path. Not rmSync: in
// Node 20 every rmSync goes through Node's rimraf, whose first use costs a coordinate.sh call ~2 ms
// to load.
import { readdirSync, rmSync, rmdirSync, unlinkSync } from 'node:fs';
import path from 'node:path';

/** Removes a file if it is there. */
export function removeFile(file: string): void {
  try {
    unlinkSync(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}

/** Removes a folder of files (a lock's staging folder), like removeFile; anything else in it goes through rmSync. */
export function removeFlatDir(dir: string): void {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  try {
    for (const name of names) removeFile(path.join(dir, name));
    rmdirSync(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    rmSync(dir, { recursive: true, force: true }); // a folder inside (EISDIR, EPERM, ENOTEMPTY): the slow way
  }
}
