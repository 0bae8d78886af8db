// Bundles the CLI into dist/. Two entries share chunks: cli.js (the leader's CLI, commander)
// and instance.js (what coordinate.sh and the hooks call: no commander, loaded on every agent call).
import { build } from 'esbuild';
import { chmod, rm } from 'node:fs/promises';

const outdir = process.env.WT_COORD_OUTDIR ?? 'dist';
await rm(outdir, { recursive: true, force: true });
await build({
  entryPoints: { cli: 'src/cli.ts', instance: 'src/instance.ts' },
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  sourcemap: 'linked',
  chunkNames: 'chunks/[name]-[hash]',
  // Bundled CommonJS dependencies call require() for Node built-ins; give ESM chunks a real require.
  banner: { js: "import { createRequire as __wtCreateRequire } from 'node:module'; const require = __wtCreateRequire(import.meta.url);" },
  logLevel: 'warning',
});
await chmod(`${outdir}/cli.js`, 0o755);
await chmod(`${outdir}/instance.js`, 0o755);
