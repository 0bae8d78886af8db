// The highest `seq` near the end of a JSON-lines log, in time bounded by the tail read, not by the
// size of the last line: a line longer than MAX_LINE_BYTES (a hand edit, a runaway writer) is
// skipped without being gathered into memory, so a 100 MB last line costs one pass over its bytes.
// The maximum over the last few valid lines, not the last line's: a fenced writer's late duplicate
// of an earlier line may follow newer ones (journal.ts), and must not turn the numbering back.
// Synchronous reads, as every file call of a store commit (atomic.ts says why).
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { ioError } from './io-error.js';

/** No record line is longer (the message bus caps its lines well below). */
export const MAX_LINE_BYTES = 1024 * 1024;
const CHUNK = 64 * 1024;
const LINES_CONSIDERED = 16;

function seqOf(line: Buffer): number | null {
  try {
    const value = JSON.parse(line.toString('utf8')) as { seq?: unknown };
    return typeof value.seq === 'number' && Number.isInteger(value.seq) && value.seq >= 0 ? value.seq : null;
  } catch {
    return null;
  }
}

/** Complete lines (each ended by a newline), last first; the text after the last newline is not a line yet. */
function* linesBackward(fd: number, size: number): Generator<Buffer> {
  let pos = size;
  let tail: Buffer[] = []; // pieces of the line being gathered, last piece first
  let tailBytes = 0;
  let oversize = false;
  let seenNewline = false;
  while (pos > 0) {
    const from = Math.max(0, pos - CHUNK);
    const chunk = Buffer.alloc(pos - from);
    readSync(fd, chunk, 0, chunk.length, from);
    let end = chunk.length;
    for (let nl = chunk.lastIndexOf(0x0a, end - 1); nl !== -1; nl = nl > 0 ? chunk.lastIndexOf(0x0a, nl - 1) : -1) {
      if (seenNewline && !oversize) yield Buffer.concat([chunk.subarray(nl + 1, end), ...tail]);
      seenNewline = true;
      tail = [];
      tailBytes = 0;
      oversize = false;
      end = nl;
      if (nl === 0) break;
    }
    if (seenNewline && !oversize) {
      tailBytes += end;
      if (tailBytes > MAX_LINE_BYTES) {
        oversize = true;
        tail = [];
      } else tail.unshift(Buffer.from(chunk.subarray(0, end)));
    }
    pos = from;
  }
  if (seenNewline && !oversize && tailBytes > 0) yield Buffer.concat(tail);
}

function lastSeqInFd(fd: number): number {
  const { size } = fstatSync(fd);
  let best = 0;
  let found = 0;
  for (const line of linesBackward(fd, size)) {
    const seq = seqOf(line);
    if (seq === null) continue;
    best = Math.max(best, seq);
    if (++found >= LINES_CONSIDERED) break;
  }
  return best;
}

/** 0 when the file is missing or holds no numbered line. */
export async function lastSeqInTail(file: string): Promise<number> {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw ioError('open', file, error);
  }
  try {
    return lastSeqInFd(fd);
  } catch (error) {
    throw ioError('read', file, error);
  } finally {
    closeSync(fd);
  }
}
