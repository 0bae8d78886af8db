// The agent-specific step of spawn and refresh (guidance, hooks, MCP registration) is supplied by
// the agents layer above this one: the workspace knows worktrees and kits, not agents.
import type { Instance } from '../coord/instances/index.js';
import type { RepoContext } from './repo.js';

export interface AgentIntegration {
  /** The agent family the files were written for ("claude", "codex", "other"). */
  family: string;
  /** Files written into the worktree (absolute paths). */
  files: string[];
  /** What the user has to know or do (printed by spawn). */
  notes: string[];
}

export type InstallAgent = (repo: RepoContext, instance: Instance) => Promise<AgentIntegration>;
