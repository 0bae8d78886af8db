// wt-coord.yaml: every option has a default, so the file may be absent. Unknown keys are errors
// (a typo should not silently fall back to a default).
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { InvalidFileError, describeZodError } from '../lib/errors.js';

export const CONFIG_FILE = 'wt-coord.yaml';

export const installStrategies = ['auto', 'clone', 'copy', 'hardlink', 'install', 'none'] as const;

export const configSchema = z
  .object({
    /** The shared memory bank, relative to the main worktree. */
    memory_bank: z.string().min(1).default('memory-bank'),
    /** The coordination folder; default `<git common dir>/wt-coord`, out of reach of `git clean`. */
    coordination_dir: z.string().min(1).nullable().default(null),
    /** Where instance folders go, relative to the main worktree: `<instances_dir>/<repo>-instance-<k>`. */
    instances_dir: z.string().min(1).default('..'),
    branch_prefix: z.string().regex(/^[A-Za-z0-9._/-]+$/, 'letters, digits, . _ / - only').default('wt/instance-'),
    max_instances: z.number().int().min(1).max(256).default(16),
    /** How an instance gets its node_modules: auto = clone/copy from main when it matches the lockfile, else install. */
    install: z.enum(installStrategies).default('auto'),
    /** Commands run in each new worktree after it is made (e.g. `npm run build`), logged per instance. */
    setup: z.array(z.string().min(1)).default([]),
    /** A task claim (and an instance's path claims) expire when the instance has not called in this long. */
    lease_minutes: z.number().positive().max(7 * 24 * 60).default(30),
    /** After this many failed attempts a task stays failed. */
    max_attempts: z.number().int().min(1).max(100).default(3),
    /** Messages older than this are compacted out of messages.jsonl (read on the instance side by src/coord/settings.ts). */
    message_retention_hours: z.number().positive().max(24 * 3650).default(72),
    /** Discovery categories `coordinate.sh update-memory --category` accepts; each is a heading in systemPatterns.md. */
    memory_categories: z.array(z.string().regex(/^[a-z][a-z0-9-]{0,31}$/, 'lower-case letters, digits and -, starting with a letter')).min(1).default(['pattern', 'decision', 'solution', 'blocker']),
    /** After each update-memory, a background `merge-memory` folds the discovery into the memory bank. */
    memory_auto_merge: z.boolean().default(true),
    /** A postgres:// URL: the coordination store in PostgreSQL, shared by every clone of the repository (WT_COORD_STORE wins). */
    store: z.string().regex(/^postgres(ql)?:\/\//i, 'a postgres:// URL (leave it out for the file store)').nullable().default(null),
    /** This checkout's machine name in a shared store (WT_COORD_MACHINE wins; default the host name). */
    machine: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/, 'letters, digits, . _ - (up to 63)').nullable().default(null),
  })
  .strict();

export type Config = z.infer<typeof configSchema>;

export function defaultConfig(): Config {
  return configSchema.parse({});
}

export async function loadConfig(mainWorktree: string): Promise<Config> {
  const file = path.join(mainWorktree, CONFIG_FILE);
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return defaultConfig();
    throw error;
  }
  let raw: unknown;
  try {
    raw = parseYaml(text) ?? {};
  } catch (error) {
    throw new InvalidFileError(file, `not valid YAML (${(error as Error).message.split('\n')[0]})`, 'fix the YAML syntax; see README "Configuration"');
  }
  const result = configSchema.safeParse(raw);
  if (!result.success) throw new InvalidFileError(file, describeZodError(result.error), 'see README "Configuration" for the options and their defaults');
  return result.data;
}
