// An I/O failure as the user sees it: which operation, on which file, and what to do. Node's own
// messages often name neither (a full disk on write says only "ENOSPC: no space left on device, write").
import { ExitCode, WtError } from './errors.js';

const HINTS: Record<string, string> = {
  ENOSPC: 'the disk is full: free some space on it and retry',
  EDQUOT: 'the disk quota is used up: free some space and retry',
  EACCES: 'check the permissions of that file and its folder',
  EPERM: 'check the permissions of that file and its folder',
  EROFS: 'that file system is read-only: remount it read-write or move the folder',
  EMFILE: 'too many open files: retry, or raise the limit (ulimit -n)',
  EIO: 'the disk reported an I/O error: check it',
};

export class FileIoError extends WtError {
  constructor(readonly operation: string, readonly file: string, readonly errno: string | undefined, cause: unknown) {
    const detail = errno ? `${errno}${(cause as Error).message?.includes(':') ? `: ${(cause as Error).message.split(':')[1]!.split(',')[0]!.trim()}` : ''}` : String((cause as Error)?.message ?? cause);
    // The code stays the errno, so callers that test for ENOENT keep working on a wrapped error.
    super(`cannot ${operation} ${file} (${detail})`, HINTS[errno ?? ''] ?? 'check that the file and its folder exist and are writable, then retry', ExitCode.failure, errno ?? 'EIO');
    this.cause = cause;
  }
}

/** Wraps a node error with the operation and file; a WtError (already explained) passes through. */
export function ioError(operation: string, file: string, error: unknown): Error {
  if (error instanceof WtError) return error;
  return new FileIoError(operation, file, (error as NodeJS.ErrnoException)?.code, error);
}

