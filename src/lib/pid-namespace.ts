// This process's pid namespace, where /proc says (Linux). Codex runs its commands in a sandbox with
// a pid namespace of its own: there, a pid of the leader or of another agent does not exist (kill
// says ESRCH), and outside, a sandboxed process's pid (2, say) names some other process. So every
// pid wt-coord records for a liveness check (lock holders, temp-file and staging-folder names)
// carries its namespace, and is only checked in that namespace (lock.ts, holderMayBeAlive).
import { readlinkSync } from 'node:fs';

/** "pid:[4026531836]", or undefined off Linux. */
export const PID_NAMESPACE = ((): string | undefined => {
  try {
    return readlinkSync('/proc/self/ns/pid');
  } catch {
    return undefined;
  }
})();

/** The namespace's number alone ("4026531836"), as names carry it. */
export const PID_NAMESPACE_ID = /\[(\d+)\]/.exec(PID_NAMESPACE ?? '')?.[1];

/** The namespace named by its number, in the form lock records use. */
export function pidNamespaceOf(id: string): string {
  return `pid:[${id}]`;
}
