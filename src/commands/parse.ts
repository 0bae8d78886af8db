// Argument parsers shared by commands: each throws a UsageError that names the problem and the fix.
import { UsageError } from '../lib/errors.js';
import { parseInstanceRef } from '../coord/instances/index.js';

export function parseCount(input: string, max: number, what = 'count'): number {
  if (!/^-?\d+$/.test(input.trim())) throw new UsageError(`${what} must be a whole number, got "${input}"`, `use a number from 1 to ${max}`);
  const n = Number(input);
  if (n < 1) throw new UsageError(`${what} must be at least 1, got ${n}`, `use a number from 1 to ${max}`);
  if (n > max) throw new UsageError(`${what} ${n} is over the maximum of ${max}`, 'raise max_instances in wt-coord.yaml if you really want more');
  return n;
}

export function parseInstanceList(inputs: string[]): number[] {
  return inputs.map(parseInstanceRef);
}
