// PreToolUse on Edit|Write|MultiEdit: a write into memory-bank-shared/ is denied (the bank is the
// merger's; update-memory is how an instance adds to it), and a write into a path another instance
// claimed is allowed with a warning to the model and the user.
import { realpathSync } from 'node:fs';
import path from 'node:path';
import { contextOutput, denyOutput, type HookOutput } from './hook-io.js';
import { claimWarning } from './claim-warning.js';
import type { HookRun } from './run.js';

/** The worktree's link to the bank (workspace/spawn.ts's MEMORY_LINK; not imported: that module loads execa). */
const MEMORY_LINK = 'memory-bank-shared';

/** The file a write tool targets: Edit, Write and MultiEdit name it `file_path` (NotebookEdit `notebook_path`). */
export function targetFile(run: HookRun): string | null {
  const input = run.input.tool_input;
  if (!input || typeof input !== 'object') return null;
  const file = input.file_path ?? input.notebook_path;
  if (typeof file !== 'string' || !file.trim()) return null;
  const base = typeof run.input.cwd === 'string' && run.input.cwd ? run.input.cwd : run.ctx.worktree;
  return path.resolve(base, file);
}

function isInside(file: string, dir: string): boolean {
  const rel = path.relative(dir, file);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/** Where a path really leads: its deepest existing ancestor resolved through every link, plus the rest. */
export function realTarget(file: string): string {
  let existing = file;
  const rest: string[] = [];
  for (;;) {
    try {
      return path.join(realpathSync(existing), ...rest.reverse());
    } catch {
      const parent = path.dirname(existing);
      if (parent === existing) return file;
      rest.push(path.basename(existing));
      existing = parent;
    }
  }
}

export function isMemoryBankPath(run: HookRun, file: string): boolean {
  // Compared as real paths: `../x/memory-bank-shared/…`, a link to the bank, or the bank's own folder all lead there.
  const real = realTarget(file);
  const bank = realTarget(run.ctx.memoryBankDir);
  return isInside(file, path.join(run.ctx.worktree, MEMORY_LINK)) || isInside(real, bank) || isInside(file, run.ctx.memoryBankDir);
}

export async function preToolUse(run: HookRun): Promise<HookOutput | null> {
  const file = targetFile(run);
  if (!file) return null;
  if (isMemoryBankPath(run, file)) {
    const coordinate = path.join(run.ctx.kitDir, 'coordinate.sh');
    return denyOutput(
      `memory-bank-shared/ is read-only for ${run.ctx.name}: the shared memory bank is written only by wt-coord's merger. ` +
        `Share what you learned with \`${coordinate} update-memory "<discovery>" --category pattern|decision|solution|blocker\` instead; it is merged into systemPatterns.md for every instance.`,
    );
  }
  const warning = await claimWarning(run, file);
  if (!warning) return null;
  return { ...contextOutput('PreToolUse', warning), systemMessage: warning };
}
