// dist/instance.cjs: what every coordinate.sh call runs. It loads the real entry (instance-main.cjs,
// one CommonJS bundle) through V8's code cache: compiling that bundle, and then each function it
// runs, costs a fresh process ~10 ms of every call; with the cache V8 reads the compiled code back.
// The cache is a file next to the bundle, written once (atomically, by whichever call finds it
// missing, after its verb ran so that what the verb compiled is in it). V8 checks it against the
// source and its own version and flags, and rejects a stale one, which is then written again. A
// folder that cannot be written (a read-only install, an agent's sandbox) only loses the speed-up.
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
let cachedData;
try {
  cachedData = fs.readFileSync(cacheFile);
} catch {
  // no cache yet
}
const script = new vm.Script(Module.wrap(fs.readFileSync(file, 'utf8').replace(/^#!.*/, '')), { filename: file, cachedData });
if (cachedData === undefined || script.cachedDataRejected) {
  process.once('exit', () => {
    const temp = `${cacheFile}.tmp-${process.pid}`;
    try {
      fs.writeFileSync(temp, script.createCachedData());
      fs.renameSync(temp, cacheFile);
    } catch {
      fs.rmSync(temp, { force: true });
    }
  });
}
const entry = new Module(file, module);
entry.filename = file;
entry.paths = Module._nodeModulePaths(__dirname);
const localRequire = (id) => entry.require(id);
localRequire.resolve = (request) => Module._resolveFilename(request, entry);
script.runInThisContext()(entry.exports, localRequire, entry, file, __dirname);
