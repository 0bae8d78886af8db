// Who is calling: coordinate.sh passes its .claude-instance folder; info.json there names the
// instance and the shared folders. Validated where it is read.
import path from 'node:path';
import { z } from 'zod';
import { WtError } from '../lib/errors.js';
import { readJsonFile } from '../lib/json-file.js';

export const infoJsonSchema = z.object({
  id: z.number().int().positive(),
  name: z.string(),
  branch: z.string(),
  worktree_path: z.string(),
  main_repo_path: z.string(),
  memory_bank_path: z.string(),
  coordination_path: z.string(),
  created_at: z.string(),
  assigned_tasks: z.array(z.string()),
  progress: z.number(),
  status: z.string(),
}).passthrough();
export type InfoJson = z.infer<typeof infoJsonSchema>;

export interface InstanceContext {
  id: number;
  name: string;
  kitDir: string;
  info: InfoJson;
  worktree: string;
  mainRepo: string;
  coordDir: string;
  memoryBankDir: string;
}

export async function loadInstanceContext(kitDir: string): Promise<InstanceContext> {
  const file = path.join(kitDir, 'info.json');
  const info = await readJsonFile(file, infoJsonSchema, () => {
    throw new WtError(`${file} is missing: this is not an instance made by wt-coord spawn`, 'run coordinate.sh from an instance worktree, or spawn one with `wt-coord spawn 1`');
  });
  return {
    id: info.id,
    name: info.name,
    kitDir,
    info,
    worktree: info.worktree_path,
    mainRepo: info.main_repo_path,
    coordDir: info.coordination_path,
    memoryBankDir: info.memory_bank_path,
  };
}
