// A warning when the file is inside a path another instance claimed. PLACEHOLDER until src/coord/claims.ts lands.
import type { HookRun } from './run.js';

export async function claimWarning(_run: HookRun, _file: string): Promise<string | null> {
  return null;
}
