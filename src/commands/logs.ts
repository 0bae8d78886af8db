import type { Command } from 'commander';
import { promises as fs } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import { UsageError, WtError } from '../lib/errors.js';
import { openRepo } from '../workspace/repo.js';
import { listAgentStatuses } from '../agents/launcher.js';
import { parseInstanceRef } from '../coord/instances/index.js';
import { terminalTextStream } from '../lib/terminal-text.js';
import { printJson } from './output.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function parseLineCount(input: string): number {
  if (!/^\d+$/.test(input.trim())) throw new UsageError(`-n (lines) must be a whole number, got "${input}"`, 'e.g. wt-coord logs 2 -n 50');
  return Number(input);
}

export function register(program: Command): void {
  program
    .command('logs')
    .description("print an instance's agent output (kept in <coordination>/logs/instance-<k>-agent.log)")
    .argument('<instance>', 'the instance (2 or instance-2)')
    .option('-f, --follow', 'keep printing new output until the agent exits (or Ctrl-C)')
    .option('-n, --lines <n>', 'only the last n lines')
    .option('--raw', 'print the bytes exactly as the agent wrote them, terminal escapes included (to replay its screen)')
    .option('--json', 'print the log path, agent state and text as JSON (the text exact)')
    .addHelpText('after', '\nThe log is what the agent drew on its terminal: by default its escape sequences and control\ncharacters are removed, so nothing in it (a task description an agent echoed, say) can act on\nyour terminal; --raw prints it as written.\n\nExamples:\n  wt-coord logs 2\n  wt-coord logs 2 -f\n  wt-coord logs 2 --raw | less -R')
    .action(async (ref: string, options: { follow?: boolean; lines?: string; raw?: boolean; json?: boolean }) => {
      const id = parseInstanceRef(ref);
      const lines = options.lines === undefined ? undefined : parseLineCount(options.lines);
      const repo = await openRepo();
      const [status] = await listAgentStatuses(repo, [id]);
      if (!status?.record) throw new WtError(`${status?.name ?? ref} has no agent started, so no log`, 'start one: wt-coord start');
      const file = status.record.log;
      let text = await fs.readFile(file, 'utf8').catch(() => '');
      let offset = Buffer.byteLength(text);
      if (lines !== undefined) text = lines === 0 ? '' : text.split('\n').slice(-lines - 1).join('\n');
      if (options.json) return printJson({ instance: status.name, state: status.state, exit_code: status.exit_code, log: file, text });
      // Text from the agent reaches the user's terminal: made safe unless asked raw (see terminal-text.ts).
      const safe = options.raw ? (chunk: string) => chunk : terminalTextStream();
      const decoder = new StringDecoder('utf8'); // a character split between two reads stays whole
      process.stdout.write(safe(text));
      if (!options.follow) return;
      const printNew = async () => {
        const handle = await fs.open(file, 'r').catch(() => null);
        if (!handle) return;
        try {
          const { size } = await handle.stat();
          if (size <= offset) return;
          const buffer = Buffer.alloc(size - offset);
          await handle.read(buffer, 0, buffer.length, offset);
          process.stdout.write(options.raw ? buffer : safe(decoder.write(buffer)));
          offset = size;
        } finally {
          await handle.close();
        }
      };
      for (;;) {
        const [now] = await listAgentStatuses(repo, [id]);
        await printNew();
        if (now?.state !== 'running') {
          process.stderr.write(`[${status.name}'s agent ${now?.state}${now?.exit_code != null ? `, exit code ${now.exit_code}` : ''}]\n`);
          return;
        }
        await sleep(300);
      }
    });
}
