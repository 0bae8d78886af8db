// What would stop Codex (0.169.0) at its first screen or its first request, checked from
// $CODEX_HOME/config.toml and the environment before anything is spawned:
//   - no way to reach a model: the OpenAI provider without a login or key, a provider that is not
//     defined, a provider key variable that is not set;
//   - the repository root not trusted: every instance would wait on "Trust this folder?" (Codex
//     keys trust on the main checkout; one record covers every worktree of it). `wt-coord trust`
//     records it after the user's yes (trustable); an explicit `trust_level = "untrusted"` is the
//     user's own decision and is never overruled;
//   - an agent command that asks for what wt-coord will not do unattended (bypassing the sandbox)
//     or for an option 0.169.0 no longer has (--full-auto).
// The model-migration notice ("Meet …: Try new model / Use existing model") depends on a model
// catalogue preflight cannot see: the pane reader reports it as a dialog (pane.ts).
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { PreflightContext, PreflightProblem } from '../kind/index.js';
import { codexHome, readCodexSettings, setting, type CodexSettings } from './codex-config.js';

const OPENAI = 'openai';
/** Providers Codex knows without a [model_providers.<id>] table. */
const BUILT_IN = new Set(['ollama', 'lmstudio', 'oss']);

/** Options wt-coord sets itself (launch.ts), or that would take the sandbox away. */
const REFUSED_OPTIONS: [string[], string][] = [
  [['--full-auto'], 'Codex 0.169.0 has no --full-auto; wt-coord sets the sandbox and approvals itself: drop it from --agent'],
  [['--dangerously-bypass-approvals-and-sandbox', '--yolo'], 'wt-coord runs Codex inside its sandbox, never bypassing it: drop it from --agent'],
  [['--sandbox', '-s', '--ask-for-approval', '-a'], 'wt-coord sets the sandbox (workspace-write with the folders the protocol needs) and approvals (never) itself: drop it from --agent'],
];

function providerProblems(home: string, file: string, settings: CodexSettings, env: NodeJS.ProcessEnv): PreflightProblem[] {
  const provider = (setting(settings, [], 'model_provider') as string | undefined) ?? OPENAI;
  const loggedIn = existsSync(path.join(home, 'auth.json')) || Boolean(env.OPENAI_API_KEY || env.CODEX_API_KEY);
  const notLoggedIn: PreflightProblem = { problem: `Codex is not logged in (no ${path.join(home, 'auth.json')}, no OPENAI_API_KEY)`, fix: `run \`codex login\` (or export OPENAI_API_KEY), or name another provider in ${file} (docs/codex.md)` };
  if (provider === OPENAI) return loggedIn ? [] : [notLoggedIn];
  const table = ['model_providers', provider];
  if (setting(settings, table, 'base_url') === undefined) {
    if (BUILT_IN.has(provider)) return [];
    return [{ problem: `Codex's model_provider is "${provider}" but ${file} has no [model_providers.${provider}] with a base_url`, fix: 'add that table (name, base_url, wire_api = "responses"; docs/codex.md) or name a provider that exists' }];
  }
  const envKey = setting(settings, table, 'env_key');
  if (typeof envKey === 'string' && envKey && !env[envKey]) return [{ problem: `Codex's provider "${provider}" reads its key from $${envKey}, which is not set`, fix: `export ${envKey}=<key> before wt-coord start/run (the agents inherit it)` }];
  if (setting(settings, table, 'requires_openai_auth') === true && !loggedIn) return [notLoggedIn];
  return [];
}

export function trustProblem(file: string, settings: CodexSettings, mainRepo: string): PreflightProblem | null {
  const trust = setting(settings, ['projects', mainRepo], 'trust_level');
  if (trust === 'trusted') return null;
  if (trust === 'untrusted') return { problem: `Codex is told not to trust ${mainRepo} (trust_level = "untrusted" in ${file})`, fix: 'change it to "trusted" there if you trust this repository: wt-coord will not overrule your choice' };
  return {
    problem: `Codex does not trust ${mainRepo} yet: every instance would wait on "Trust this folder?"`,
    fix: `run \`wt-coord trust --agent codex\` (it asks you first), or run \`codex\` once in ${mainRepo} and choose "Trust and continue"`,
    trustable: true,
  };
}

export async function codexPreflight({ mainRepo, env, argv }: PreflightContext): Promise<PreflightProblem[]> {
  const problems: PreflightProblem[] = [];
  for (const [names, fix] of REFUSED_OPTIONS) {
    const given = argv.find((a) => names.some((n) => a === n || a.startsWith(`${n}=`)));
    if (given) problems.push({ problem: `the agent command passes ${given.split('=')[0]} to Codex`, fix });
  }
  const home = codexHome(env);
  const { file, settings } = await readCodexSettings(home);
  problems.push(...providerProblems(home, file, settings, env));
  const trust = trustProblem(file, settings, mainRepo);
  if (trust) problems.push(trust);
  return problems;
}
