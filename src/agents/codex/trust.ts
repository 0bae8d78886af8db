// What `wt-coord trust` records for Codex, after the user's yes: the trust of the repository root,
// `[projects."<main checkout>"] trust_level = "trusted"` in $CODEX_HOME/config.toml, exactly what
// Codex writes on "Trust and continue" (one record covers every instance worktree). An explicit
// "untrusted" is the user's decision and is never overruled (preflight says so instead).
import { codexConfigFile, codexHome, readCodexSettings, recordTrust, setting } from './codex-config.js';

export interface CodexTrustPlan {
  file: string;
  home: string;
  /** The folder to record as trusted, or null when there is nothing wt-coord may record. */
  trustDir: string | null;
}

export async function planCodexTrust(mainRepo: string, env: NodeJS.ProcessEnv = process.env): Promise<CodexTrustPlan> {
  const home = codexHome(env);
  const { settings } = await readCodexSettings(home);
  const trust = setting(settings, ['projects', mainRepo], 'trust_level');
  return { file: codexConfigFile(home), home, trustDir: trust === undefined ? mainRepo : null };
}

export function describeCodexTrustPlan(plan: CodexTrustPlan): string[] {
  return plan.trustDir ? [`Codex: trust ${plan.trustDir} (and every instance worktree of it), as choosing "Trust and continue" would, in ${plan.file}`] : [];
}

export async function applyCodexTrust(plan: CodexTrustPlan): Promise<void> {
  if (plan.trustDir) await recordTrust(plan.home, plan.trustDir);
}
