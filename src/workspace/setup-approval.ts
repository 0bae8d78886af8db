// Setup commands come from wt-coord.yaml, and a cloned repository controls that file: running its
// `setup:` on spawn would run someone else's shell unasked. So a command set runs only after this
// user approved it. Approvals live outside every repository ($XDG_CONFIG_HOME/wt-coord/
// approved-setup.json, default ~/.config), keyed by the SHA-256 of the commands themselves: a
// changed command set is a new question, and an approved one is approved in every clone.
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { ExitCode, WtError } from '../lib/errors.js';
import { writeFileAtomic } from '../lib/atomic.js';

const approvalsSchema = z.object({
  version: z.literal(1),
  approved: z.record(z.string(), z.object({ commands: z.array(z.string()), approved_at: z.string(), first_repo: z.string() })),
});
type Approvals = z.infer<typeof approvalsSchema>;

export function approvalsFile(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CONFIG_HOME?.trim() || path.join(env.HOME?.trim() || homedir(), '.config');
  return path.join(base, 'wt-coord', 'approved-setup.json');
}

export function setupKey(commands: readonly string[]): string {
  return createHash('sha256').update(JSON.stringify(commands)).digest('hex');
}

async function readApprovals(file: string): Promise<Approvals> {
  const text = await fs.readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return null;
    throw new WtError(`cannot read ${file}: ${error.message}`, 'check its permissions');
  });
  if (text === null) return { version: 1, approved: {} };
  try {
    return approvalsSchema.parse(JSON.parse(text));
  } catch {
    // A damaged approvals file approves nothing; it is rewritten at the next approval.
    return { version: 1, approved: {} };
  }
}

export async function isSetupApproved(commands: readonly string[]): Promise<boolean> {
  if (commands.length === 0) return true;
  return setupKey(commands) in (await readApprovals(approvalsFile())).approved;
}

async function recordApproval(commands: readonly string[], repo: string): Promise<void> {
  const file = approvalsFile();
  const approvals = await readApprovals(file);
  approvals.approved[setupKey(commands)] = { commands: [...commands], approved_at: new Date().toISOString(), first_repo: repo };
  await fs.mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  await writeFileAtomic(file, `${JSON.stringify(approvals, null, 2)}\n`);
}

export interface ApprovalOptions {
  /** --yes: approve without asking (scripts, CI). */
  yes?: boolean;
  /** Asks the person at the terminal; absent when there is none. */
  confirm?: (commands: readonly string[]) => Promise<boolean>;
}

/** Passes when the command set may run; otherwise refuses naming the commands and how to approve. */
export async function ensureSetupApproved(commands: readonly string[], repo: string, options: ApprovalOptions): Promise<void> {
  if (await isSetupApproved(commands)) return;
  const listed = commands.map((c) => `\`${c}\``).join(', ');
  if (options.yes || (options.confirm && (await options.confirm(commands)))) {
    await recordApproval(commands, repo);
    return;
  }
  throw new WtError(
    `wt-coord.yaml asks to run setup command(s) you have not approved: ${listed}`,
    'read them; if you trust them, run again with --yes (remembered for exactly these commands), or remove setup: from wt-coord.yaml',
    ExitCode.usage,
    'SETUP_NOT_APPROVED',
  );
}
