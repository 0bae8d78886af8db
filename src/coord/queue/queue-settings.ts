// Lease length and attempt limit for the queue, read from the main checkout's wt-coord.yaml.
// coordinate.sh runs this on every call, so the common cases (no file, or the two keys absent or
// plain numbers) are read with a line match; anything else loads the full YAML config, lazily, so
// the yaml package stays off the instance's hot path.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { InvalidFileError } from '../../lib/errors.js';

export interface QueueSettings {
  leaseMinutes: number;
  maxAttempts: number;
}

export const DEFAULT_QUEUE_SETTINGS: QueueSettings = { leaseMinutes: 30, maxAttempts: 3 };

const cache = new Map<string, Promise<QueueSettings>>();

function plainNumber(text: string, key: string): number | undefined | null {
  const line = new RegExp(`^${key}[ \\t]*:(.*)$`, 'm').exec(text);
  if (!line) return undefined; // absent: the default
  const value = /^[ \t]*(\d+(?:\.\d+)?)[ \t]*(?:#.*)?$/.exec(line[1]!);
  return value ? Number(value[1]) : null; // null: not a plain number, let the full parser judge
}

async function load(mainRepo: string): Promise<QueueSettings> {
  const file = path.join(mainRepo, 'wt-coord.yaml');
  const text = await fs.readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return null;
    throw error;
  });
  if (text === null) return DEFAULT_QUEUE_SETTINGS;
  const lease = plainNumber(text, 'lease_minutes');
  const attempts = plainNumber(text, 'max_attempts');
  const leaseOk = lease === undefined || (lease !== null && lease > 0 && lease <= 7 * 24 * 60);
  const attemptsOk = attempts === undefined || (attempts !== null && Number.isInteger(attempts) && attempts >= 1 && attempts <= 100);
  if (leaseOk && attemptsOk) {
    return { leaseMinutes: lease ?? DEFAULT_QUEUE_SETTINGS.leaseMinutes, maxAttempts: attempts ?? DEFAULT_QUEUE_SETTINGS.maxAttempts };
  }
  const { loadConfig } = await import('../../config/config.js');
  const config = await loadConfig(mainRepo);
  if (!config) throw new InvalidFileError(file, 'unreadable');
  return { leaseMinutes: config.lease_minutes, maxAttempts: config.max_attempts };
}

/** The settings of the repository whose main checkout is `mainRepo` (read once per process). */
export function readQueueSettings(mainRepo: string): Promise<QueueSettings> {
  let found = cache.get(mainRepo);
  if (!found) {
    found = load(mainRepo);
    cache.set(mainRepo, found);
  }
  return found;
}
