// Printing for the light entries (coordinate.sh, hooks): straight to the file descriptor.
import { writeSync } from 'node:fs';

/**
 * Writes synchronously to the file descriptor: process.stdout would load Node's stream modules,
 * ~6 ms of every call, and a caller that must know the text is out before it commits (the inbox)
 * needs the write finished when this returns. A reader that stops early
 * (`coordinate.sh inbox --all | head`) is not an error: the process ends with `exitOnClosedPipe`.
 */
export function printToFd(fd: 1 | 2, text: string, exitOnClosedPipe: number): void {
  const bytes = Buffer.from(text.endsWith('\n') ? text : `${text}\n`);
  for (let done = 0; done < bytes.length; ) {
    try {
      done += writeSync(fd, bytes, done);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EPIPE') process.exit(exitOnClosedPipe);
      if (code !== 'EAGAIN') throw error; // a full non-blocking pipe: write again
    }
  }
}
