// events.jsonl: one line per change, append-only. Appended only under the store lock, one write
// per transaction (journal.ts); a reader skips (and reports) a torn last line left by a killed writer.
import { z } from 'zod';

export const EVENTS_FILE = 'events.jsonl';

export const eventSchema = z.object({
  time: z.string(),
  type: z.string(),
  instance: z.string().optional(),
  data: z.record(z.string(), z.unknown()).default({}),
});
export type CoordEvent = z.infer<typeof eventSchema>;
export type EventInput = Omit<CoordEvent, 'time' | 'data'> & { data?: Record<string, unknown> };

/** The lines a transaction appends for its events (journal.ts appends them once the commit is decided). */
export function eventLines(events: EventInput[]): string {
  const time = new Date().toISOString();
  return events.map((e) => JSON.stringify({ time, ...e, data: e.data ?? {} })).join('\n') + '\n';
}
