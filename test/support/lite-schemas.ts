// Every schema the light entries (coordinate.sh, the hooks) validate with, by name. Bundled twice
// by test/zod-lite.test.ts, once with real zod and once with zod-lite, to compare the two.
import { configCopySchema } from '../../src/config/cached.js';
import { configSchema } from '../../src/config/schema.js';
import { COORDINATION_DOCUMENTS } from '../../src/coord/documents.js';
import { discoveryRecordSchema } from '../../src/coord/memory/memory-queue.js';
import { logLineSchema } from '../../src/coord/messages/messages.js';
import { infoJsonSchema } from '../../src/instance/context.js';
import { eventSchema } from '../../src/store/events.js';

type Parse = (value: unknown) => { success: boolean; data?: unknown; error?: { issues: { code: string; path: PropertyKey[]; message: string }[] } };

export const schemas: Record<string, { safeParse: Parse }> = {
  ...Object.fromEntries(COORDINATION_DOCUMENTS.map((doc) => [doc.file, doc.schema as unknown as { safeParse: Parse }])),
  'config.json': configCopySchema,
  'wt-coord.yaml': configSchema,
  'info.json': infoJsonSchema,
  'events.jsonl': eventSchema,
  'messages.jsonl': logLineSchema,
  'discovery.json': discoveryRecordSchema,
} as Record<string, { safeParse: Parse }>;

/** The verdict in a form both builds can be compared by: success, output, or each issue's code, path and message. */
export function verdict(name: string, value: unknown): unknown {
  const schema = schemas[name];
  if (!schema) throw new Error(`no schema named ${name}`);
  const result = schema.safeParse(value);
  return result.success
    ? { success: true, data: result.data }
    : { success: false, issues: result.error!.issues.map((i) => ({ code: i.code, path: i.path.map(String), message: i.message })) };
}
