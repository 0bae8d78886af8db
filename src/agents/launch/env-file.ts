// The agent's environment reaches it through a file, not argv: `tmux new-session -e KEY=value`
// put every API key into the process list (`ps` shows a client's arguments to every user). The
// launcher writes the variables to a 0600 file in the instance's runtime folder; the launch script
// sources it and deletes it before it starts the agent, so the values live on disk for a moment,
// readable only by the user, and never in any process's arguments.
import { promises as fs } from 'node:fs';
import { shellQuote } from '../../lib/shell-quote.js';

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function envFileText(env: Record<string, string>): string {
  return `${Object.entries(env)
    .filter(([key]) => NAME.test(key))
    .map(([key, value]) => `export ${key}=${shellQuote(value)}`)
    .join('\n')}\n`;
}

/** Writes the file readable by the user alone (created 0600; an older file is replaced, not reused). */
export async function writeEnvFile(file: string, env: Record<string, string>): Promise<void> {
  await fs.rm(file, { force: true });
  const handle = await fs.open(file, 'wx', 0o600);
  try {
    await handle.writeFile(envFileText(env));
  } finally {
    await handle.close();
  }
}

/** The launch-script lines that load the environment and remove its file. */
export function sourceEnvLines(file: string): string[] {
  const quoted = shellQuote(file);
  return [`if [ -f ${quoted} ]; then . ${quoted}; rm -f ${quoted}; fi`];
}
