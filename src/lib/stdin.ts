// Reading what a pipe sends: message and discovery texts (coordinate.sh, wt-coord msg) and the
// Claude Code hooks' JSON input. Node built-ins only: the hook entry bundles it standalone.

export interface StdinRead {
  text: string;
  /** Every byte that came, kept or not, so a size error can say the real size. */
  totalBytes: number;
}

export interface StdinOptions {
  /** Keep at most this many bytes (the rest is read and counted, not kept). */
  keepBytes?: number;
  /** Stop waiting after this long if the writer keeps the pipe open (hooks must not hang). */
  timeoutMs?: number;
}

/** Reads stdin to its end (or the time limit). Never throws: a read error ends the text. */
export function readStdin({ keepBytes = Number.POSITIVE_INFINITY, timeoutMs }: StdinOptions = {}): Promise<StdinRead> {
  return new Promise((resolve) => {
    const kept: Buffer[] = [];
    let totalBytes = 0;
    let keptBytes = 0;
    const done = () => {
      clearTimeout(timer);
      process.stdin.removeAllListeners();
      process.stdin.pause();
      process.stdin.unref?.();
      resolve({ text: Buffer.concat(kept).toString('utf8'), totalBytes });
    };
    const timer = timeoutMs === undefined ? undefined : setTimeout(done, timeoutMs);
    process.stdin.on('data', (chunk: Buffer) => {
      totalBytes += chunk.length;
      if (keptBytes + chunk.length <= keepBytes) {
        kept.push(chunk);
        keptBytes += chunk.length;
      }
    });
    process.stdin.on('end', done);
    process.stdin.on('error', done);
  });
}
