// The configuration as an instance reads it. coordinate.sh and the hooks must not load a YAML
// parser (every agent call would pay for it), so the validated options live in the coordination
// folder as config.json, beside the exact wt-coord.yaml text they were read from. A reader that
// finds wt-coord.yaml as recorded uses the copy; one that finds it changed (or the copy missing or
// invalid) validates the new text with the full loader, loaded only then, and rewrites the copy.
// So an edit of wt-coord.yaml takes effect at the next call, and an invalid edit fails that call
// with the leader's error. The leader's openRepo writes the copy too (writeConfigCopy).
import path from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from '../lib/atomic.js';
import { readTextIfExists } from '../lib/json-file.js';
import { parseIntact, seal } from '../lib/seal.js';
import { CONFIG_FILE, configSchema, type Config } from './schema.js';

export type { Config } from './schema.js';

export const CONFIG_COPY_FILE = 'config.json';

export const configCopySchema = z.object({
  version: z.literal(1),
  /** wt-coord.yaml's text when the copy was made; null: there was no file. */
  source: z.string().nullable(),
  config: configSchema,
});

const cache = new Map<string, Promise<Config>>();

async function readCopy(coordDir: string): Promise<(z.infer<typeof configCopySchema> & { sealed: boolean }) | null> {
  const text = await readTextIfExists(path.join(coordDir, CONFIG_COPY_FILE));
  if (text === null) return null;
  try {
    // Sealed by this build when it wrote what it had validated (lib/seal.ts): no schema to compile.
    const intact = parseIntact(text);
    if (intact) return { ...(intact.value as z.infer<typeof configCopySchema>), sealed: true };
    const parsed = configCopySchema.safeParse(JSON.parse(text));
    return parsed.success ? { ...parsed.data, sealed: false } : null; // a copy that does not validate is rebuilt, never trusted
  } catch {
    return null;
  }
}

/** Records `config` as what `source` (wt-coord.yaml's text) sets; a copy that already says so is left alone. */
export async function writeConfigCopy(coordDir: string, source: string | null, config: Config): Promise<void> {
  const { text } = seal(`${JSON.stringify({ version: 1, source, config: configSchema.parse(config) }, null, 2)}\n`);
  const file = path.join(coordDir, CONFIG_COPY_FILE);
  if ((await readTextIfExists(file)) === text) return;
  // Derived from wt-coord.yaml: atomic against a killed writer, no fsync (a lost copy is rebuilt).
  await writeFileAtomic(file, text, { fsync: false });
}

async function load(mainRepo: string, coordDir: string): Promise<Config> {
  const source = await readTextIfExists(path.join(mainRepo, CONFIG_FILE));
  const copy = await readCopy(coordDir);
  if (copy && copy.source === source) {
    // Written by another build: sealed by this one for the next call (a folder it cannot write only loses the speed-up).
    if (!copy.sealed) await writeConfigCopy(coordDir, source, copy.config).catch(() => undefined);
    return copy.config;
  }
  const { parseConfigText } = await import('./config.js');
  const config = parseConfigText(path.join(mainRepo, CONFIG_FILE), source);
  await writeConfigCopy(coordDir, source, config);
  return config;
}

/** The configuration of the repository whose main checkout is `mainRepo` (read once per process). */
export function readConfig(mainRepo: string, coordDir: string): Promise<Config> {
  const key = `${mainRepo}\0${coordDir}`;
  let found = cache.get(key);
  if (!found) {
    found = load(mainRepo, coordDir);
    cache.set(key, found);
    found.catch(() => cache.delete(key));
  }
  return found;
}

/**
 * The configuration as wt-coord.yaml says now, for a process that lives across edits (the MCP
 * server): read again on every call, as each coordinate.sh call reads it, so both see an edit at once.
 */
export function readCurrentConfig(mainRepo: string, coordDir: string): Promise<Config> {
  const fresh = load(mainRepo, coordDir);
  cache.set(`${mainRepo}\0${coordDir}`, fresh);
  fresh.catch(() => cache.delete(`${mainRepo}\0${coordDir}`));
  return fresh;
}
