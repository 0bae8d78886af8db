// Reads wt-coord.yaml through the config schema (schema.ts). Every option has a default, so the
// file may be absent; unknown keys are errors (a typo should not fall back to a default silently).
// Loads the yaml package: the leader's side, and an instance only when its copy is stale (cached.ts).
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { InvalidFileError, describeZodError } from '../lib/errors.js';
import { CONFIG_FILE, configSchema, defaultConfig, type Config } from './schema.js';

export { CONFIG_FILE, helpDefault, installStrategies, type Config } from './schema.js';

const HINT = 'docs/configuration.md lists the options and their defaults';

/** The configuration `text` (wt-coord.yaml's content; null: there is no file) sets. */
export function parseConfigText(file: string, text: string | null): Config {
  if (text === null) return defaultConfig();
  let raw: unknown;
  try {
    raw = parseYaml(text) ?? {};
  } catch (error) {
    throw new InvalidFileError(file, `not valid YAML (${(error as Error).message.split('\n')[0]})`, `fix the YAML syntax; ${HINT}`);
  }
  const result = configSchema.safeParse(raw);
  if (!result.success) throw new InvalidFileError(file, describeZodError(result.error), HINT);
  return result.data;
}

/** wt-coord.yaml's text, or null when the main checkout has none. */
export async function readConfigText(mainWorktree: string): Promise<string | null> {
  try {
    return await fs.readFile(path.join(mainWorktree, CONFIG_FILE), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}
