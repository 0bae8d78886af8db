// dist/instance.cjs: what every coordinate.sh call runs. It loads the real entry (instance-main.cjs,
// one CommonJS bundle) through V8's code cache: compiling that bundle, and then each function it
// runs, costs a fresh process ~10 ms of every call; with the cache V8 reads the compiled code back.
// The cache is a file next to the bundle, written once (atomically, by whichever call finds it
// missing, after its verb ran so that what the verb compiled is in it). V8 checks it against the
// source and its own version and flags, and rejects a stale one, which is then written again. A
// folder that cannot be written (a read-only install, an agent's sandbox) only loses the speed-up.
// V8 does not check the cache's bytes (a release build skips its checksum), and compiled code
// from a torn file is undefined behaviour: the file holds the data twice, and a cache whose two
// copies differ is never handed to V8. Comparing them is one memcmp; a digest would cost every
// call ~3 ms (a JS loop over 200 KB in a fresh process) to ~5 ms (loading node:crypto). A file
// torn by two writers, cut short, or with blocks lost in a crash has copies that differ; one
// zeroed whole is refused by V8's own header check.
// The bundle may hold no dynamic import(): a vm script needs an experimental loader option for it,
// which prints a warning into the agent's output (scripts/build.mjs refuses such a bundle).
// Copied into dist/ by scripts/build.mjs; node built-ins only.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const vm = require('node:vm');
const Module = require('node:module');

const file = path.join(__dirname, 'instance-main.cjs');
const cacheFile = `${file}.v8cache`;
/** The cache's V8 data, or undefined when there is none or its two copies differ. */
function readCache() {
  let stored;
  try {
    stored = fs.readFileSync(cacheFile);
  } catch {
    return undefined;
  }
  const half = stored.length / 2;
  if (stored.length === 0 || !Number.isInteger(half)) return undefined;
  const data = stored.subarray(0, half);
  return data.equals(stored.subarray(half)) ? data : undefined;
}

const cachedData = readCache();
const script = new vm.Script(Module.wrap(fs.readFileSync(file, 'utf8').replace(/^#!.*/, '')), { filename: file, cachedData });
if (cachedData === undefined || script.cachedDataRejected) {
  process.once('exit', () => {
    // A name no other writer can have (two sandboxes can each have a pid 2).
    const temp = `${cacheFile}.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`;
    try {
      const data = script.createCachedData();
      fs.writeFileSync(temp, Buffer.concat([data, data]), { flag: 'wx' });
      fs.renameSync(temp, cacheFile);
    } catch {
      try {
        fs.rmSync(temp, { force: true });
      } catch {
        // a folder we cannot write: nothing was made
      }
    }
  });
}
const entry = new Module(file, module);
entry.filename = file;
entry.paths = Module._nodeModulePaths(__dirname);
const localRequire = (id) => entry.require(id);
localRequire.resolve = (request) => Module._resolveFilename(request, entry);
script.runInThisContext()(entry.exports, localRequire, entry, file, __dirname);
