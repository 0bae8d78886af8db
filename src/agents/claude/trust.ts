// `wt-coord trust`: records, after the user's explicit yes, the answers Claude Code would otherwise
// ask for on every instance's first screen: trust of the main checkout (which covers every
// worktree of it) and, when ANTHROPIC_API_KEY is set, the use of that key. Written the way Claude
// Code writes them itself (claude-config.ts); nothing else in the file changes.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from '../../lib/atomic.js';
import { apiKeyAnswer, readClaudeConfig, trustedRoot } from './claude-config.js';

export interface TrustPlan {
  file: string;
  /** The folder to record as trusted, or null when it already is. */
  trustDir: string | null;
  /** The last 20 characters of the key to approve, or null. */
  approveKey: string | null;
  /** The key's last 4 characters, for the question. */
  keyHint: string | null;
}

export async function planTrust(mainRepo: string, env: NodeJS.ProcessEnv = process.env): Promise<TrustPlan> {
  const config = await readClaudeConfig(env);
  const key = env.ANTHROPIC_API_KEY;
  const approve = key && apiKeyAnswer(config, key) !== 'approved' ? key : null;
  return {
    file: config.file,
    trustDir: trustedRoot(config, mainRepo) ? null : mainRepo,
    approveKey: approve ? approve.slice(-20) : null,
    keyHint: approve ? approve.slice(-4) : null,
  };
}

export function describeTrustPlan(plan: TrustPlan): string[] {
  const lines: string[] = [];
  if (plan.trustDir) lines.push(`trust the folder ${plan.trustDir} (and every instance worktree of it), as answering Yes to Claude Code's "trust this folder?" would`);
  if (plan.approveKey) lines.push(`use the API key ending in …${plan.keyHint} from ANTHROPIC_API_KEY, as answering Yes to "Do you want to use this API key?" would`);
  return lines;
}

type Json = Record<string, unknown>;

/** Applies the plan to the file as it is now (Claude Code may have rewritten it meanwhile). */
export async function applyTrust(plan: TrustPlan, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  if (!plan.trustDir && !plan.approveKey) return;
  const config = await readClaudeConfig(env);
  const data: Json = { ...config.data };
  if (plan.trustDir) {
    const projects = (typeof data.projects === 'object' && data.projects !== null ? data.projects : {}) as Record<string, Json>;
    data.projects = { ...projects, [plan.trustDir]: { ...(projects[plan.trustDir] ?? {}), hasTrustDialogAccepted: true } };
  }
  if (plan.approveKey) {
    const responses = (data.customApiKeyResponses ?? {}) as { approved?: unknown; rejected?: unknown };
    const approved = Array.isArray(responses.approved) ? responses.approved : [];
    const rejected = Array.isArray(responses.rejected) ? responses.rejected : [];
    data.customApiKeyResponses = { ...responses, approved: approved.includes(plan.approveKey) ? approved : [...approved, plan.approveKey], rejected: rejected.filter((k) => k !== plan.approveKey) };
  }
  await fs.mkdir(path.dirname(config.file), { recursive: true });
  await writeFileAtomic(config.file, `${JSON.stringify(data, null, 2)}\n`, { mode: 0o600 });
}
