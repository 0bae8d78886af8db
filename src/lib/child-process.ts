// node:child_process, loaded on first use. The light entries (coordinate.sh, the hooks) run git
// or start a process on few paths; loading the module costs every call ~4 ms, so only those pay it.
// A require, not import(): dist/instance.cjs runs its bundle through V8's code cache
// (scripts/code-cache-loader.cjs), where a dynamic import() would need an experimental loader
// option that prints a warning into the agent's output.
import { createRequire } from 'node:module';

type ChildProcess = typeof import('node:child_process');
let loaded: ChildProcess | undefined;

export function childProcess(): ChildProcess {
  loaded ??= createRequire(import.meta.url)('node:child_process') as ChildProcess;
  return loaded;
}
