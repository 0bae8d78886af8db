// A suffix unique across processes and calls, for temp-file names and lock nonces. They need
// uniqueness, not secrecy: node:crypto would cost every coordinate.sh call ~7 ms to load.
// It starts with the writer's pid and pid namespace (`<pid>p<namespace>-`, lock.ts reads them
// back), so that what a dead writer left can be told from what a live one is writing.
import { PID_NAMESPACE_ID } from './pid-namespace.js';

let counter = 0;
const WRITER = PID_NAMESPACE_ID ? `${process.pid}p${PID_NAMESPACE_ID}` : String(process.pid);

export function uniqueSuffix(): string {
  counter += 1;
  return `${WRITER}-${Date.now().toString(36)}-${counter.toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
}
