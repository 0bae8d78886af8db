// A suffix unique across processes and calls, for temp-file names and lock nonces. They need
// uniqueness, not secrecy: node:crypto would cost every coordinate.sh call ~7 ms to load.
let counter = 0;

export function uniqueSuffix(): string {
  counter += 1;
  return `${process.pid}-${Date.now().toString(36)}-${counter.toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
}
