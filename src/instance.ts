// Entry point of coordinate.sh (and so of the commit guard, which runs `coordinate.sh check-claims`):
// `instance.cjs --instance-dir <dir> <verb> ...`. The Claude Code hooks have their own entry, hook.js.
// Kept light on purpose: every agent call pays Node's start-up plus whatever this file loads
// (scripts/build.mjs makes it one CommonJS file with zod-lite; bench/verbs.bench.mjs measures each verb).
import { printToFd } from './lib/print-fd.js';
import { ExitCode, UsageError, exitCodeOf, formatError } from './lib/errors.js';
import { loadInstanceContext } from './instance/context.js';
import { storeSelection } from './coord/store-choice.js';
import { usageText, verbs } from './instance/verbs.js';
import { terminalSafe, terminalText } from './lib/terminal-text.js';

function print(fd: 1 | 2, text: string): void {
  printToFd(fd, text, ExitCode.ok);
}

async function main(argv: string[]): Promise<number> {
  if (argv[0] !== '--instance-dir' || !argv[1]) throw new UsageError('instance.cjs needs --instance-dir <dir> first', 'call it through .claude-instance/coordinate.sh');
  const kitDir = argv[1];
  const [verb = 'help', ...args] = argv.slice(2);
  const spec = Object.hasOwn(verbs, verb) ? verbs[verb] : undefined;
  if (!spec) {
    print(2, `error: unknown verb "${verb}" (coordinate.sh help lists the verbs)\n${usageText()}`);
    return ExitCode.usage;
  }
  if (args.includes('--help') || args.includes('-h')) {
    print(1, `usage: coordinate.sh ${spec.usage}\n  ${spec.summary}`);
    return ExitCode.ok;
  }
  const ctx = await loadInstanceContext(kitDir);
  const { run } = await spec.load();
  const result = await run(ctx, args);
  // Every call renews the instance's lease. Verbs that run a transaction renew it inside (touchInstance,
  // no extra lock); for the others, one heartbeat here. A verb that throws changed nothing, not even this.
  if (!spec.readOnly) {
    const { heartbeat, heartbeatRenewed } = await import('./coord/instances/heartbeat.js');
    // The verb's work is done: a failed heartbeat is reported, never an error, or the caller would
    // retry something that already happened.
    if (!heartbeatRenewed()) {
      await heartbeat(ctx.coordDir, ctx.id).catch((error: unknown) => process.stderr.write(`${terminalText(`warning: done, but the lease was not renewed: ${formatError(error).replace(/^error: /, '')}`)}\n`));
    }
  }
  // A store shared by machines: bring this machine's memory bank up to the latest merge (one query;
  // like the heartbeat, a failure after the verb's work is a warning, not an error).
  if (storeSelection(ctx.coordDir)) {
    await (await import('./instance/memory-sync.js')).syncSharedMemory(ctx).catch((error: unknown) => process.stderr.write(`${terminalText(`warning: done, but the memory bank was not brought up to date: ${formatError(error).replace(/^error: /, '')}`)}\n`));
  }
  if (result.output) print(1, terminalSafe(result.output));
  return result.exitCode ?? ExitCode.ok;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    print(2, terminalText(formatError(error)));
    process.exitCode = exitCodeOf(error);
  },
);
