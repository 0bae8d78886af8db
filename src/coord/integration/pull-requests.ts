// pull-requests.json: the pull request opened for each instance's branch, so `status` can show the
// link and a second `wt-coord pr` knows there is one. Written by `wt-coord pr` alone.
import { z } from 'zod';
import { defineDoc } from '../../store/store.js';
import { readDoc, transact } from '../transact.js';

export const pullRequestSchema = z.object({
  branch: z.string(),
  base: z.string(),
  url: z.string(),
  number: z.number().int().positive().nullable(),
  draft: z.boolean(),
  updated_at: z.string(),
});
export type PullRequestRecord = z.infer<typeof pullRequestSchema>;

export const pullRequestsDoc = defineDoc(
  'pull-requests.json',
  z.object({ version: z.literal(1), by_instance: z.record(z.string(), pullRequestSchema) }),
  () => ({ version: 1 as const, by_instance: {} }),
);

export async function readPullRequests(coordDir: string): Promise<Record<string, PullRequestRecord>> {
  return (await readDoc(coordDir, pullRequestsDoc)).by_instance;
}

export async function recordPullRequest(coordDir: string, instance: string, record: PullRequestRecord): Promise<void> {
  await transact(coordDir, async (tx) => {
    const doc = await tx.get(pullRequestsDoc);
    doc.by_instance[instance] = record;
    tx.set(pullRequestsDoc, doc);
  });
}
