// Bundles the CLI into dist/. Two entries share chunks: cli.js (the leader's CLI, commander)
// and instance.js (what coordinate.sh calls: no commander, loaded on every agent call).
import { build } from 'esbuild';
import { chmod, rm, writeFile } from 'node:fs/promises';

const outdir = process.env.WT_COORD_OUTDIR ?? 'dist';

// zod's namespace re-exports every locale (~60 files); wt-coord speaks English, and every agent call
// would parse the rest: resolve zod's locale index to English alone.
const zodEnglishOnly = {
  name: 'zod-english-only',
  setup(b) {
    b.onResolve({ filter: /\/locales\/index\.js$/ }, (args) =>
      args.importer.includes(`${'node_modules'}/zod/`) ? { path: 'zod-locales-en', namespace: 'zod-locales' } : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'zod-locales' }, () => ({
      contents: "export { default as en } from 'zod/v4/locales/en.js';",
      resolveDir: process.cwd(),
    }));
  },
};
await rm(outdir, { recursive: true, force: true });
const main = await build({
  // hook-run.js: the full Claude Code hook run, loaded by hook.js (below) only when needed.
  entryPoints: { cli: 'src/cli.ts', instance: 'src/instance.ts', 'hook-run': 'src/agents/claude/hooks/run.ts' },
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
  plugins: [zodEnglishOnly],
  // Smaller files parse faster, and every coordinate.sh call parses what it loads.
  minify: true,
  // WT_COORD_METAFILE=1 writes dist/meta.json: what each chunk holds, to see what a verb loads.
  metafile: Boolean(process.env.WT_COORD_METAFILE),
  logLevel: 'warning',
});
if (main.metafile) await writeFile(`${outdir}/meta.json`, JSON.stringify(main.metafile));
// hook.js runs on every prompt and tool call of a Claude Code instance: one small standalone file
// (no shared chunk, no require banner), which imports hook-run.js only when there may be news.
await build({
  entryPoints: { hook: 'src/agents/claude/hooks/hook-entry.ts' },
  outdir,
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  external: ['./hook-run.js'],
  minify: true,
  logLevel: 'warning',
});
await chmod(`${outdir}/cli.js`, 0o755);
await chmod(`${outdir}/instance.js`, 0o755);
