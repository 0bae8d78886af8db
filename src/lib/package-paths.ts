// Where the installed package's parts are at run time. Bundled code may sit in dist/chunks/, so
// walk up from this module to the folder holding the entries, and to the package root.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

function findUp(start: string, test: (dir: string) => boolean): string {
  let dir = start;
  for (;;) {
    if (test(dir)) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`wt-coord is installed incompletely: nothing above ${start} passes ${test.name}`);
    dir = parent;
  }
}

const here = path.dirname(fileURLToPath(import.meta.url));

/** The built entries (cli.js, instance.js). */
export const DIST_DIR = findUp(here, function hasEntries(dir) {
  return existsSync(path.join(dir, 'instance.js')) && existsSync(path.join(dir, 'cli.js'));
});

export const PACKAGE_ROOT = findUp(here, function hasTemplates(dir) {
  return existsSync(path.join(dir, 'templates')) && existsSync(path.join(dir, 'package.json'));
});

export const TEMPLATES_DIR = path.join(PACKAGE_ROOT, 'templates');

/** The version in package.json: the one place the version is written. */
export function packageVersion(): string {
  return (JSON.parse(readFileSync(path.join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
}
