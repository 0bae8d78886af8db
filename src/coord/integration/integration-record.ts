// integration.json: what the last `integrate` into each branch did, so `land` can refuse to land a
// partial integration, or one whose target moved since (it would land something nobody checked).
import { z } from 'zod';
import { defineDoc } from '../../store/store.js';
import { readDoc, transact } from '../transact.js';

export const integrationRecordSchema = z.object({
  into: z.string(),
  head: z.string(),
  /** The branch the integration is meant to land on, and its commit when integrate ran. */
  target: z.string().nullable(),
  target_commit: z.string().nullable(),
  merged: z.array(z.object({ name: z.string(), branch: z.string() })),
  skipped: z.array(z.object({ name: z.string(), branch: z.string(), reason: z.string() })),
  at: z.string(),
});
export type IntegrationRecord = z.infer<typeof integrationRecordSchema>;

export const integrationsDoc = defineDoc(
  'integration.json',
  z.object({ version: z.literal(1), by_branch: z.record(z.string(), integrationRecordSchema) }),
  () => ({ version: 1 as const, by_branch: {} }),
);

export async function readIntegration(coordDir: string, into: string): Promise<IntegrationRecord | null> {
  return (await readDoc(coordDir, integrationsDoc)).by_branch[into] ?? null;
}

export async function recordIntegration(coordDir: string, record: IntegrationRecord): Promise<void> {
  await transact(coordDir, async (tx) => {
    const doc = await tx.get(integrationsDoc);
    doc.by_branch[record.into] = record;
    tx.set(integrationsDoc, doc);
  });
}
