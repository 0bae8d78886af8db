import type { Command } from 'commander';
import { openRepo } from '../workspace/repo.js';
import { initWorkspace } from '../workspace/init.js';
import { joinRequestedStore, joinedStoreUrl, requestedStore } from '../workspace/store-join.js';
import { printJson, printLines } from './output.js';

export function register(program: Command): void {
  program
    .command('init')
    .description('create wt-coord.yaml, the shared memory bank and the coordination folder (safe to run again)')
    .option('--store <url>', 'use PostgreSQL as the coordination store (postgres://user@host:port/db), shared by every clone of this repository: creates or migrates the schema; default WT_COORD_STORE, then store: in wt-coord.yaml')
    .option('--json', 'print what was created and kept as JSON')
    .addHelpText('after', '\nExamples:\n  wt-coord init\n  WT_COORD_MACHINE=laptop wt-coord init --store postgres://wtcoord@db.internal:5432/wtcoord   (password from PGPASSWORD or ~/.pgpass)\n\nAgents on several machines: docs/postgres.md')
    .action(async (options: { json?: boolean; store?: string }) => {
      const repo = await openRepo();
      // Run again in a checkout that joined a store: migrate (or check) that store's schema.
      const url = requestedStore(repo, options.store) ?? joinedStoreUrl(repo);
      // The server first: if it cannot be reached, nothing local has changed.
      const store = url ? await joinRequestedStore(repo, url) : null;
      const result = await initWorkspace(repo);
      if (options.json) return printJson({ ...result, coordination_dir: repo.coordDir, memory_bank: repo.memoryBankDir, store: store ?? { backend: 'files' } });
      const lines = [
        ...result.created.map((p) => `created ${p}`),
        result.created.length === 0 && !store ? 'already initialized: nothing changed' : '',
        store ? `store: PostgreSQL ${store.where} (schema version ${store.schema.to}${store.schema.from !== store.schema.to ? `, migrated from ${store.schema.from}` : ''}), project ${store.project}, machine ${store.machine}` : '',
        `memory bank:  ${repo.memoryBankDir}`,
        `coordination: ${repo.coordDir}`,
        result.created.some((p) => p.endsWith('wt-coord.yaml')) ? 'commit wt-coord.yaml to share the settings (every option is optional)' : '',
      ];
      printLines(...lines.filter(Boolean));
    });
}
