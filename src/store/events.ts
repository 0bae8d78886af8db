// events.jsonl: one line per change, append-only. Appended only under the store lock, one write
// per transaction; a reader skips (and reports) a torn last line left by a killed writer.
import { promises as fs } from 'node:fs';
import path from 'node:path';
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

export async function appendEvents(dir: string, events: EventInput[]): Promise<void> {
  if (events.length === 0) return;
  const time = new Date().toISOString();
  const text = events.map((e) => JSON.stringify({ time, ...e, data: e.data ?? {} })).join('\n') + '\n';
  const file = path.join(dir, EVENTS_FILE);
  // A previous writer killed mid-append leaves a line without its newline: start on a fresh line.
  const handle = await fs.open(file, 'a+');
  try {
    const { size } = await handle.stat();
    let prefix = '';
    if (size > 0) {
      const last = Buffer.alloc(1);
      await handle.read(last, 0, 1, size - 1);
      if (last[0] !== 0x0a) prefix = '\n';
    }
    await handle.write(prefix + text);
  } finally {
    await handle.close();
  }
}

