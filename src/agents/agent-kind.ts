// What an instance's agent is, from `spawn --agent`: Claude Code gets CLAUDE.local.md, hooks and MCP;
// every other agent (codex, aider, a command) gets AGENTS.md and coordinate.sh.
import path from 'node:path';
import { splitCommandLine } from './agent-command.js';

export type AgentFamily = 'claude' | 'other';

/** The program's base name: `claude --model opus` and `/usr/local/bin/claude` are both `claude`. */
export function agentProgram(agent: string | null | undefined): string | null {
  if (!agent?.trim()) return null;
  try {
    const first = splitCommandLine(agent.trim())[0];
    return first ? path.basename(first) : null;
  } catch {
    return path.basename(agent.trim().split(/\s+/)[0]!);
  }
}

/** No --agent means Claude Code: the agent wt-coord is built around. */
export function agentFamily(agent: string | null | undefined): AgentFamily {
  const program = agentProgram(agent);
  return program === null || program === 'claude' ? 'claude' : 'other';
}
