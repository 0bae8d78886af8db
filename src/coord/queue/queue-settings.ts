// The queue's two options (lease_minutes, max_attempts) in the form the queue uses, from the
// configuration: the leader passes its own (repo.config), an instance's call reads the validated
// copy in the coordination folder (config/cached.ts), so neither re-reads wt-coord.yaml by hand.
import { readConfig } from '../../config/cached.js';
import { defaultConfig, type Config } from '../../config/schema.js';

export interface QueueSettings {
  leaseMinutes: number;
  maxAttempts: number;
}

export function queueSettingsOf(config: Pick<Config, 'lease_minutes' | 'max_attempts'>): QueueSettings {
  return { leaseMinutes: config.lease_minutes, maxAttempts: config.max_attempts };
}

/**
 * For a coordination folder with no instance yet (nothing records its main checkout). A function,
 * not a constant: computing it compiles the configuration's schema, which no call should pay at load.
 */
export function defaultQueueSettings(): QueueSettings {
  return queueSettingsOf(defaultConfig());
}

/** The settings of the repository whose main checkout is `mainRepo` and coordination folder `coordDir`. */
export async function readQueueSettings(mainRepo: string, coordDir: string): Promise<QueueSettings> {
  return queueSettingsOf(await readConfig(mainRepo, coordDir));
}
