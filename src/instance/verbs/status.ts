import { instancesDoc } from '../../coord/instances/index.js';
import { readDoc } from '../../coord/transact.js';
import type { VerbHandler } from '../verbs.js';

export const run: VerbHandler = async (ctx, args) => {
  const { instances } = await readDoc(ctx.coordDir, instancesDoc);
  if (args.includes('--json')) return { output: JSON.stringify(instances, null, 2) };
  const lines = instances.map((i) => {
    const me = i.id === ctx.id ? ' (you)' : '';
    const task = i.assigned_tasks.length ? `task ${i.assigned_tasks.join(',')}` : 'no task';
    return `${i.name}${me}: ${task}, ${Math.round(i.progress * 100)}%${i.progress_message ? ` - ${i.progress_message}` : ''}`;
  });
  return { output: lines.join('\n') || 'no instances registered' };
};
