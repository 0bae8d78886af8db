// The per-instance kit: .claude-instance/ with info.json (a view of the registry) and
// coordinate.sh rendered from templates/ with absolute paths to node and the built CLI.
import { assertNoSymlinkBelow } from '../lib/safe-path.js';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { infoJsonOf, infoJsonPath, INSTANCE_KIT_DIR } from '../coord/views/index.js';
import type { Instance } from '../coord/instances/index.js';
import { shellQuote } from '../lib/shell-quote.js';
import { writeFileAtomic } from '../lib/atomic.js';
import { toJsonText } from '../lib/json-file.js';
import { DIST_DIR, TEMPLATES_DIR } from '../lib/package-paths.js';


export function templatePath(...parts: string[]): string {
  return path.join(TEMPLATES_DIR, ...parts);
}

/** The built entry coordinate.sh and the hooks call: light, no commander. */
export function instanceEntryPath(): string {
  return path.join(DIST_DIR, 'instance.cjs');
}

export function kitDir(worktree: string): string {
  return path.join(worktree, INSTANCE_KIT_DIR);
}

export function coordinateScriptPath(worktree: string): string {
  return path.join(kitDir(worktree), 'coordinate.sh');
}

export async function renderTemplate(name: string, values: Record<string, string>): Promise<string> {
  const text = await fs.readFile(templatePath(name), 'utf8');
  return text.replace(/\{\{([A-Z_]+)\}\}/g, (whole, key: string) => values[key] ?? whole);
}

export async function writeInstanceKit(instance: Instance): Promise<void> {
  const dir = kitDir(instance.worktree);
  await assertNoSymlinkBelow(instance.worktree, infoJsonPath(instance));
  await fs.mkdir(dir, { recursive: true });
  await writeFileAtomic(infoJsonPath(instance), toJsonText(infoJsonOf(instance)), { fsync: false });
  const script = await renderTemplate('coordinate.sh', {
    INSTANCE_NAME: instance.name,
    NODE: shellQuote(process.execPath),
    ENTRY: shellQuote(instanceEntryPath()),
    KIT_DIR: shellQuote(dir),
    INSTANCE_ID: String(instance.id),
    INSTANCE_NAME_Q: shellQuote(instance.name),
    WORKTREE: shellQuote(instance.worktree),
    PORT: instance.port === null ? "''" : String(instance.port),
  });
  // Replaced by rename, never rewritten in place: a bash already running the old script (an agent's
  // call during `wt-coord refresh`) keeps reading the file it opened.
  await writeFileAtomic(coordinateScriptPath(instance.worktree), script, { mode: 0o755, fsync: false });
}
