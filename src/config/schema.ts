// Every option of wt-coord.yaml: its type, its default and what it does, written once, here.
// Made from this schema: the loader (load.ts) and the instance side's copy (cached.ts), the
// `--help` texts that show a default, docs/configuration.md's table, templates/wt-coord.yaml and
// the shipped JSON Schema schema/wt-coord.schema.json (editors complete and check wt-coord.yaml
// with it). `npm run gen:config` rewrites the last three; test/config.test.ts fails while one of
// them is out of date.
//
// To add an option: add ONE entry to `configSchema` below, a zod type ending in
// `.default(<value>).describe('<what it does: one or two sentences>')`, run `npm run gen:config`,
// and commit what it rewrote. Read it as `repo.config.<name>` on the leader's side (openRepo) or
// `(await readConfig(mainRepo, coordDir)).<name>` on an instance's (coordinate.sh, hooks, MCP).
// Nothing else holds a default: no second constant, no table to edit by hand.
import { z } from 'zod';

export const CONFIG_FILE = 'wt-coord.yaml';

export const installStrategies = ['auto', 'clone', 'copy', 'hardlink', 'install', 'none'] as const;

/** A discovery category: a heading in systemPatterns.md and a value of update-memory --category. */
export const categoryNameSchema = z.string().regex(/^[a-z][a-z0-9-]{0,31}$/, 'lower-case letters, digits and -, starting with a letter, at most 32');

export const configSchema = z
  .object({
    memory_bank: z.string().min(1).default('memory-bank').describe('The shared memory bank, relative to the main checkout.'),
    coordination_dir: z.string().min(1).nullable().default(null).describe('The coordination folder, relative to the main checkout; null: `<git common dir>/wt-coord`, inside .git and out of reach of `git clean`.'),
    instances_dir: z.string().min(1).default('..').describe('Where instance folders go, relative to the main checkout: `<instances_dir>/<repo>-instance-<k>`.'),
    branch_prefix: z.string().regex(/^[A-Za-z0-9._/-]+$/, 'letters, digits, . _ / - only').default('wt/instance-').describe('Instance branches are `<branch_prefix><k>`.'),
    max_instances: z.number().int().min(1).max(256).default(16).describe('spawn and run refuse to go over this many instances.'),
    install: z.enum(installStrategies).default('auto').describe("How each instance gets its node_modules; auto: clone or copy main's when it matches the lockfile, else install (see `wt-coord spawn --help`)."),
    setup: z.array(z.string().min(1)).default([]).describe("Commands run in every new worktree after it is made (e.g. `npm run build`); output goes to the coordination folder's logs/."),
    lease_minutes: z.number().positive().max(7 * 24 * 60).default(30).describe('A task claim (and its instance\'s path claims) expires when the instance has not called in for this long.'),
    max_attempts: z.number().int().min(1).max(100).default(3).describe('After this many failed attempts a task stays failed.'),
    message_retention_hours: z.number().positive().max(24 * 3650).default(72).describe('Messages older than this are compacted out of the message log.'),
    memory_categories: z.array(categoryNameSchema).min(1).default(['pattern', 'decision', 'solution', 'blocker']).describe('The discovery categories `update-memory --category` accepts; one heading each in systemPatterns.md. The first is the default category.'),
    memory_auto_merge: z.boolean().default(true).describe('After each update-memory, a background merge-memory folds the discovery into the memory bank (false: run `wt-coord merge-memory` yourself).'),
    store: z.string().regex(/^postgres(ql)?:\/\//i, 'a postgres:// URL (leave it out for the file store)').nullable().default(null).describe('A postgres:// URL: the coordination store in PostgreSQL, shared by every clone of the repository (docs/postgres.md); WT_COORD_STORE wins, which keeps the password out of the repository; null: the file store in the coordination folder.'),
    machine: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/, 'letters, digits, . _ - (up to 63)').nullable().default(null).describe("This checkout's machine name in a shared store (WT_COORD_MACHINE wins); null: the host name."),
    port_base: z.number().int().min(1024).max(65535).default(4100).describe('The first port of the range each instance gets its own port from (WT_COORD_PORT, stable for its name; docs/integrate.md).'),
    port_range: z.number().int().min(1).max(20000).default(900).describe('How many ports from port_base the instance ports are picked in; port_base + port_range must stay within 65536.'),
    land: z.enum(['ff', 'merge']).default('ff').describe('How `wt-coord land` moves the target to a green integration: ff (fast-forward only) or merge (a merge commit).'),
  })
  .strict();

export type Config = z.infer<typeof configSchema>;
export type ConfigKey = keyof Config;

export function defaultConfig(): Config {
  return configSchema.parse({});
}

/** An option's default as `--help` shows it: `(default: <value>, from wt-coord.yaml <key>)`. */
export function helpDefault(key: ConfigKey): string {
  const value = defaultConfig()[key];
  return `default: ${key} in ${CONFIG_FILE}, else ${Array.isArray(value) ? value.join(', ') : String(value)}`;
}
