// Signalling a process group: a child started detached leads its own group, and stopping the group
// stops what it started too (an agent's tools, a check's test runner).
export function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      // already gone
    }
  }
}
