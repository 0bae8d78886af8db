// Guidance an agent reads by itself: CLAUDE.local.md for Claude Code (its personal, untracked
// memory file), AGENTS.md for codex, aider and other agents. Rendered per instance from
// templates/agents/guidance.md; never written over a file the project tracks.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { Instance } from '../coord/instances/index.js';
import { assertNoSymlinkBelow } from '../lib/safe-path.js';
import { writeFileAtomic } from '../lib/atomic.js';
import { coordinateScriptPath, renderTemplate } from '../workspace/kit.js';
import { agentProgram, type AgentFamily } from './agent-kind.js';
import { upsertManagedBlock } from './managed-block.js';

export const CLAUDE_GUIDANCE_FILE = 'CLAUDE.local.md';
export const AGENTS_GUIDANCE_FILE = 'AGENTS.md';

export function guidanceFileFor(family: AgentFamily): string {
  return family === 'claude' ? CLAUDE_GUIDANCE_FILE : AGENTS_GUIDANCE_FILE;
}

function agentNotes(family: AgentFamily, agent: string | null): string {
  if (family === 'claude') {
    return [
      '',
      '## Claude Code integration',
      '',
      '- Hooks in `.claude/settings.local.json` show you your task and unread messages when a session starts, new messages as they arrive, and stop writes into `memory-bank-shared/`.',
      '- The `wt-coord` MCP server offers the same operations as tools: claim_task, report_progress, add_discovery, complete_task, send_message, read_inbox, claim_path, release_path, get_status.',
      '',
    ].join('\n');
  }
  const aider = agentProgram(agent) === 'aider' ? ' (aider reads this file when started as `aider --read AGENTS.md`)' : '';
  return `\nYour agent: \`${agent ?? 'unknown'}\`${aider}. Nothing tells you about new messages by itself: run \`inbox\` between steps.\n`;
}

export async function renderGuidance(instance: Instance, family: AgentFamily): Promise<string> {
  return renderTemplate('agents/guidance.md', {
    INSTANCE_NAME: instance.name,
    INSTANCE_ID: String(instance.id),
    BRANCH: instance.branch,
    WORKTREE: instance.worktree,
    MAIN_REPO: instance.main_repo,
    COORDINATE: coordinateScriptPath(instance.worktree),
    AGENT_NOTES: agentNotes(family, instance.agent),
  });
}

/** Writes (or refreshes wt-coord's block in) the guidance file; the caller has checked it is untracked. */
export async function writeGuidance(instance: Instance, family: AgentFamily): Promise<string> {
  const file = path.join(instance.worktree, guidanceFileFor(family));
  await assertNoSymlinkBelow(instance.worktree, file); // a committed CLAUDE.local.md link is written through otherwise
  const existing = await fs.readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return null;
    throw error;
  });
  await writeFileAtomic(file, upsertManagedBlock(existing, await renderGuidance(instance, family)), { keepMode: true, fsync: false });
  return file;
}
