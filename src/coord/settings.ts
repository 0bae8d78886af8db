// Numeric options of wt-coord.yaml (message_retention_hours) read on the instance path. coordinate.sh must not load the YAML
// parser (every agent call would pay for it), and the options read here are flat top-level numbers,
// so a line match is exact for them. The leader's commands validate the whole file with zod
// (src/config.ts); an option this reader cannot read as a plain number falls back to its default.
import { readFileSync } from 'node:fs';
import path from 'node:path';

/** Same default as src/config.ts (a test keeps them equal). */
export const DEFAULT_MESSAGE_RETENTION_HOURS = 72;

export function readNumberSetting(mainRepo: string, key: string, fallback: number): number {
  let text: string;
  try {
    text = readFileSync(path.join(mainRepo, 'wt-coord.yaml'), 'utf8');
  } catch {
    return fallback;
  }
  const match = new RegExp(`^${key}:[ \\t]*([0-9]+(?:\\.[0-9]+)?)[ \\t]*(?:#.*)?$`, 'm').exec(text);
  const value = match ? Number(match[1]) : NaN;
  return Number.isFinite(value) && value > 0 ? value : fallback;
}

export function messageRetentionMsOf(mainRepo: string): number {
  return readNumberSetting(mainRepo, 'message_retention_hours', DEFAULT_MESSAGE_RETENTION_HOURS) * 3_600_000;
}
