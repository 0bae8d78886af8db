import type { VerbHandler } from '../verbs.js';

export const run: VerbHandler = async (ctx, args) => {
  if (args.includes('--json')) return { output: JSON.stringify(ctx.info, null, 2) };
  return {
    output: [
      `${ctx.name} (id ${ctx.id}) on branch ${ctx.info.branch}`,
      `worktree:      ${ctx.worktree} (yours alone)`,
      `main checkout: ${ctx.mainRepo}`,
      `memory bank:   ${ctx.memoryBankDir} (read-only; share discoveries with update-memory)`,
      `coordination:  ${ctx.coordDir}`,
    ].join('\n'),
  };
};
