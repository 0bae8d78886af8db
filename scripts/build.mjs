// Bundles wt-coord into dist/:
//   cli.js          the leader's CLI (commander, real zod, the MCP SDK), ESM with shared chunks;
//   instance.cjs    what every coordinate.sh call runs: scripts/code-cache-loader.cjs, which loads the
//                   bundle instance-main.cjs through V8's code cache; and hook-run.cjs, the full
//                   Claude Code hook run: the light entries (below);
//   hook.js         what every prompt and tool call of a Claude Code instance runs: one small
//                   standalone file that loads hook-run.cjs only when there may be news.
// WT_COORD_METAFILE=1 writes dist/meta.json (cli) and dist/meta-light.json (the light entries):
// what each output holds, to see what a verb loads (bench/verbs.bench.mjs measures what it costs).
import { build } from 'esbuild';
import { createHash } from 'node:crypto';
import { chmod, copyFile, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const outdir = process.env.WT_COORD_OUTDIR ?? 'dist';
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const metafile = Boolean(process.env.WT_COORD_METAFILE);

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
// The build's identity (src/lib/build-id.ts): a digest of every source file and of package.json, so
// a sealed document (src/lib/seal.ts) is trusted only by the build that wrote it.
async function buildId() {
  const hash = createHash('sha1');
  const files = (await readdir(path.join(root, 'src'), { recursive: true })).filter((f) => f.endsWith('.ts')).sort();
  for (const file of [...files.map((f) => path.join('src', f)), 'package.json']) hash.update(`${file}\0`).update(await readFile(path.join(root, file))).update('\0');
  return hash.digest('hex').slice(0, 16);
}
const define = { __WT_BUILD_ID__: JSON.stringify(await buildId()) };

await rm(outdir, { recursive: true, force: true });
const main = await build({
  entryPoints: { cli: 'src/cli.ts' },
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
  define,
  minify: true,
  metafile,
  logLevel: 'warning',
});
if (main.metafile) await writeFile(`${outdir}/meta.json`, JSON.stringify(main.metafile));

// The light entries: every agent call pays Node's start-up plus what these load, so they are
//   - CommonJS, one file each: Node starts a CommonJS entry ~10 ms sooner than an ES module (no ESM
//     loader), and one file is one read and one compile;
//   - built with zod-lite (src/lib/zod-lite.ts) for zod: same schemas, same verdicts and messages
//     (test/zod-lite.test.ts), without zod's ~40 ms of loading and its per-field cost on big queues;
//   - without the yaml and pg packages: yaml is needed only when an instance's copy of wt-coord.yaml
//     is stale (src/config/cached.ts), pg only for a folder that uses a PostgreSQL store
//     (src/store/remote.ts); each is required from node_modules at that moment.
const light = await build({
  entryPoints: { 'instance-main': 'src/instance.ts', 'hook-run': 'src/agents/claude/hooks/run.ts' },
  outdir,
  outExtension: { '.js': '.cjs' },
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  sourcemap: 'linked',
  alias: { zod: path.join(root, 'src/lib/zod-lite.ts') },
  external: ['yaml', 'pg'],
  // import.meta.url (src/lib/package-paths.ts finds dist/ and templates/ from it) in CommonJS terms.
  define: { ...define, 'import.meta.url': '__wtImportMetaUrl' },
  banner: { js: "const __wtImportMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
  minify: true,
  metafile,
  logLevel: 'warning',
});
if (light.metafile) await writeFile(`${outdir}/meta-light.json`, JSON.stringify(light.metafile));
// instance.cjs loads instance-main.cjs as a vm script, where import() would need an experimental option.
if ((await readFile(`${outdir}/instance-main.cjs`, 'utf8')).includes('import(')) throw new Error('dist/instance-main.cjs holds a dynamic import(): load node built-ins with src/lib/child-process.ts\'s createRequire pattern, bundle the rest');
await copyFile(path.join(root, 'scripts/code-cache-loader.cjs'), `${outdir}/instance.cjs`);
// Kits rendered before instance.cjs existed call dist/instance.js: keep it, as a forwarder.
await writeFile(`${outdir}/instance.js`, "#!/usr/bin/env node\n// Kits made by an older wt-coord call this file; `wt-coord refresh` points them at instance.cjs.\nimport './instance.cjs';\n");

// hook.js runs on every prompt and tool call of a Claude Code instance: one small standalone file
// (no shared chunk, no require banner), which imports hook-run.cjs only when there may be news.
await build({
  entryPoints: { hook: 'src/agents/claude/hooks/hook-entry.ts' },
  outdir,
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  external: ['./hook-run.cjs'],
  minify: true,
  logLevel: 'warning',
});
await chmod(`${outdir}/cli.js`, 0o755);
await chmod(`${outdir}/instance.cjs`, 0o755);
await chmod(`${outdir}/instance.js`, 0o755);
