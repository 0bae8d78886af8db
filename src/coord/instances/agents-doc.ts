// agents.json: which agent runs for which instance, how (tmux session or detached process), with
// which pid and log. The source of truth for start/stop/attach/logs and the run supervisor.
import path from 'node:path';
import { z } from 'zod';
import { defineDoc } from '../../store/store.js';

export const agentRecordSchema = z.object({
  instance: z.number().int().positive(),
  name: z.string(),
  mode: z.enum(['tmux', 'process']),
  session: z.string().nullable(),
  /** The launch script's pid (the tmux pane's process, or the detached child). */
  pid: z.number().int().positive().nullable(),
  command: z.string(),
  log: z.string(),
  started_at: z.string(),
  stopped_at: z.string().nullable().default(null),
  /** How many times this instance's agent has been started. */
  starts: z.number().int().min(1).default(1),
});
export type AgentRecord = z.infer<typeof agentRecordSchema>;

export const agentsDoc = defineDoc(
  'agents.json',
  z.object({ version: z.literal(1), agents: z.array(agentRecordSchema) }),
  () => ({ version: 1 as const, agents: [] }),
);

/** Runtime files of one launch, kept out of checkpoints: the script, its ready flag and its exit code. */
export const AGENTS_RUNTIME_DIR = 'agents';

export function agentFiles(coordDir: string, name: string) {
  const dir = path.join(coordDir, AGENTS_RUNTIME_DIR);
  return {
    dir,
    script: path.join(dir, `${name}.launch.sh`),
    ready: path.join(dir, `${name}.ready`),
    exit: path.join(dir, `${name}.exit`),
    log: path.join(coordDir, 'logs', `${name}-agent.log`),
  };
}
