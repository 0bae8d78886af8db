// What would stop Claude Code at its first screen, checked before anything is spawned: no
// credentials, an API key it would ask about, first-run setup not done, the main checkout not
// trusted (every instance is a worktree of it, and Claude Code keys trust on the main checkout).
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import type { PreflightContext, PreflightProblem } from '../kind/index.js';
import { apiKeyAnswer, onboardingDone, readClaudeConfig, trustedRoot } from './claude-config.js';

function configDir(env: NodeJS.ProcessEnv): string {
  return env.CLAUDE_CONFIG_DIR?.trim() || path.join(env.HOME || homedir(), '.claude');
}

function userSettingsHaveKeyHelper(env: NodeJS.ProcessEnv): boolean {
  try {
    return /"apiKeyHelper"\s*:/.test(readFileSync(path.join(configDir(env), 'settings.json'), 'utf8'));
  } catch {
    return false;
  }
}

/** Any way Claude Code can authenticate without asking: a key or token, a cloud provider, a login. */
function hasCredentials(env: NodeJS.ProcessEnv, config: Record<string, unknown>): boolean {
  if (env.ANTHROPIC_API_KEY || env.ANTHROPIC_AUTH_TOKEN || env.CLAUDE_CODE_OAUTH_TOKEN) return true;
  if (['CLAUDE_CODE_USE_BEDROCK', 'CLAUDE_CODE_USE_VERTEX', 'CLAUDE_CODE_USE_FOUNDRY'].some((k) => env[k] === '1' || env[k] === 'true')) return true;
  if (existsSync(path.join(configDir(env), '.credentials.json')) || config.oauthAccount) return true;
  return userSettingsHaveKeyHelper(env);
}

const hasOption = (argv: string[], ...names: string[]) => argv.some((a) => names.some((n) => a === n || a.startsWith(`${n}=`)));

export async function claudePreflight({ mainRepo, env, argv }: PreflightContext): Promise<PreflightProblem[]> {
  const config = await readClaudeConfig(env);
  const problems: PreflightProblem[] = [];
  if (!hasCredentials(env, config.data)) {
    problems.push({ problem: 'Claude Code has no credentials here (not logged in, no ANTHROPIC_API_KEY)', fix: 'run `claude` once and log in, or export ANTHROPIC_API_KEY' });
  }
  const key = env.ANTHROPIC_API_KEY;
  if (key && !env.ANTHROPIC_AUTH_TOKEN) {
    const answer = apiKeyAnswer(config, key);
    if (answer !== 'approved') {
      problems.push({
        problem: `Claude Code would ask whether to use the API key ending in …${key.slice(-4)} (${answer === 'rejected' ? 'it was answered No before' : 'never answered'})`,
        fix: 'run `wt-coord trust` (it asks you first), or start `claude` once and answer Yes',
        trustable: true,
      });
    }
  }
  if (!onboardingDone(config)) {
    problems.push({ problem: `Claude Code's first-run setup is not done (${config.file} has no hasCompletedOnboarding)`, fix: 'run `claude` once and finish its setup screens' });
  }
  if (!env.CLAUDE_CODE_SANDBOXED && !trustedRoot(config, mainRepo)) {
    problems.push({ problem: `Claude Code does not trust the main checkout ${mainRepo}: every instance would stop at its "trust this folder?" dialog`, fix: 'run `wt-coord trust` (it asks you first), or start `claude` in the main checkout once and answer Yes', trustable: true });
  }
  if (env.ANTHROPIC_BASE_URL && !hasOption(argv, '--permission-mode', '--dangerously-skip-permissions')) {
    problems.push({
      problem: `with ANTHROPIC_BASE_URL (${env.ANTHROPIC_BASE_URL}) Claude Code's default auto mode cannot reach its safety check and stops at a notice`,
      fix: 'pass a permission mode in the agent command, e.g. --agent "claude --permission-mode acceptEdits" (see docs/claude-code.md)',
    });
  }
  return problems;
}
