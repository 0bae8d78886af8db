// Cleaning up after Ctrl-C: what a command made half-way (a scratch worktree, an instance being
// spawned) is removed before the process dies of the signal.
const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/**
 * Runs `cleanup` if the process gets a terminating signal while `fn` runs, then dies of that same
 * signal (so the exit status still says "interrupted", 130 for Ctrl-C). Child processes get the
 * signal from the terminal themselves; `onSignal` lets the caller stop the ones that would not.
 */
export async function cleanUpOnSignal<T>(cleanup: () => Promise<void>, fn: () => Promise<T>, onSignal: () => void = () => undefined): Promise<T> {
  let cleaning: Promise<void> | null = null;
  const handler = (signal: NodeJS.Signals) => {
    if (cleaning) return; // a second Ctrl-C while cleaning: keep cleaning
    onSignal();
    cleaning = cleanup()
      .catch(() => undefined)
      .finally(() => {
        for (const s of SIGNALS) process.removeListener(s, handler);
        process.kill(process.pid, signal);
      });
  };
  for (const s of SIGNALS) process.on(s, handler);
  let outcome: { value: T } | { error: unknown };
  try {
    outcome = { value: await fn() };
  } catch (error) {
    outcome = { error };
  }
  if (cleaning) {
    // Interrupted: `fn` ended (its children died of the same Ctrl-C), but the caller must not go on
    // to print and exit before the cleanup is done; the process dies of the signal once it is.
    await cleaning;
    await new Promise(() => undefined);
  }
  for (const s of SIGNALS) process.removeListener(s, handler);
  if ('error' in outcome) throw outcome.error;
  return outcome.value;
}
