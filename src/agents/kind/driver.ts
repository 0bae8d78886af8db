// How an agent kind plugs into wt-coord. The launcher, the state observer, the waker, preflight
// and the usage report are agent-neutral; everything they need to know about one agent (Claude
// Code, Codex, a script) is an AgentDriver:
//
//   1. Write src/agents/<kind>/driver.ts exporting an AgentDriver (see src/agents/claude/driver.ts).
//   2. Add it to DRIVERS in src/agents/drivers/index.ts (explicit: nothing registers itself on import).
//   3. State: from the agent's own hooks call recordState()/recordSession() of
//      src/agents/state/state-file.ts (node built-ins only, safe on the hot path); give `readPane`
//      for what hooks cannot see (a first-run dialog before any hook runs, a permission prompt).
//   4. Waking: `readPane(...).idle` must be true only when typing text + Enter would submit a
//      prompt (never in a dialog); the waker types `nudgeText` there, rate-limited.
//   5. Preflight: return problems with a one-line fix; `run`/`start` refuse before spawning.
// Every member but `name`, `matches` and `launchArgs` is optional: a plain script gets the defaults
// (prompt as last argument, state from the process only).
import type { Instance } from '../../coord/instances/index.js';
import type { AgentStateName } from '../state/index.js';

export interface LaunchRequest {
  /** The user's command: program (absolute path) and their own arguments, untouched. */
  argv: string[];
  prompt: string;
  instance: Instance;
  /** A session of this agent to continue (from recordSession), when the kind can resume one. */
  resumeSession: string | null;
}

export interface PaneReading {
  /** The state the screen shows, or null when it shows nothing conclusive. */
  state: AgentStateName | null;
  tool?: string | null;
  dialog?: string | null;
  detail?: string | null;
  /** True only when the agent waits at an empty prompt: typing a line and Enter would submit it. */
  idle: boolean;
  /** What stands in the input box now, when the screen shows one (not the conversation above it). */
  input?: string | null;
}

export interface PreflightContext {
  mainRepo: string;
  env: NodeJS.ProcessEnv;
  argv: string[];
}

export interface PreflightProblem {
  /** What would stop the agent at its first screen. */
  problem: string;
  /** What to do about it (one line). */
  fix: string;
  /** A problem `wt-coord trust` can fix after the user's yes. */
  trustable?: boolean;
}

export interface TokenUsage {
  input_tokens: number;
  output_tokens: number;
  cache_read_input_tokens: number;
  cache_creation_input_tokens: number;
}

export interface AgentDriver {
  /** Short name shown in status: "claude", "codex", "command". */
  name: string;
  /** Whether this driver runs `program` (the command's base name, e.g. "claude"). */
  matches(program: string): boolean;
  /** The full argv: the user's words plus whatever carries the prompt (and the resumed session). */
  launchArgs(request: LaunchRequest): string[];
  /** Checks before anything is spawned. */
  preflight?(context: PreflightContext): Promise<PreflightProblem[]>;
  /** Reads a tmux pane's visible text. */
  readPane?(text: string): PaneReading;
  /** The line typed into an idle agent's pane to give it new work; it must start with "wt-coord:" (the waker recognises one left unsubmitted). */
  nudgeText?(coordinateScript: string, what: string): string;
  /** Token usage of one session record (e.g. from its transcript). */
  usage?(session: { id: string; transcript: string | null }): Promise<TokenUsage | null>;
}

export const NO_USAGE: TokenUsage = { input_tokens: 0, output_tokens: 0, cache_read_input_tokens: 0, cache_creation_input_tokens: 0 };

export function addUsage(a: TokenUsage, b: TokenUsage): TokenUsage {
  return {
    input_tokens: a.input_tokens + b.input_tokens,
    output_tokens: a.output_tokens + b.output_tokens,
    cache_read_input_tokens: a.cache_read_input_tokens + b.cache_read_input_tokens,
    cache_creation_input_tokens: a.cache_creation_input_tokens + b.cache_creation_input_tokens,
  };
}
