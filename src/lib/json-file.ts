// Reading a JSON (or JSONL) file through its zod schema: the only way coordination files are read.
import { promises as fs } from 'node:fs';
import type { z } from 'zod';
import { InvalidFileError, describeZodError } from './errors.js';

export async function readTextIfExists(file: string): Promise<string | null> {
  try {
    return await fs.readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

export function parseJsonText<S extends z.ZodType>(file: string, text: string, schema: S): z.infer<S> {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new InvalidFileError(file, `not valid JSON (${(error as Error).message})`);
  }
  const result = schema.safeParse(raw);
  if (!result.success) throw new InvalidFileError(file, describeZodError(result.error));
  return result.data;
}

/** Reads and validates `file`; a missing file yields `fallback()`. */
export async function readJsonFile<S extends z.ZodType>(file: string, schema: S, fallback: () => z.infer<S>): Promise<z.infer<S>> {
  const text = await readTextIfExists(file);
  return text === null ? fallback() : parseJsonText(file, text, schema);
}

export function toJsonText(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

export interface JsonlRead<T> {
  records: T[];
  /** Lines that did not parse or validate (a torn last line after a crash, a hand edit). */
  skipped: { line: number; problem: string }[];
}

export function parseJsonLines<S extends z.ZodType>(text: string, schema: S): JsonlRead<z.infer<S>> {
  const records: z.infer<S>[] = [];
  const skipped: { line: number; problem: string }[] = [];
  const lines = text.split('\n');
  lines.forEach((line, index) => {
    if (!line.trim()) return;
    try {
      const result = schema.safeParse(JSON.parse(line));
      if (result.success) records.push(result.data);
      else skipped.push({ line: index + 1, problem: describeZodError(result.error) });
    } catch {
      skipped.push({ line: index + 1, problem: index === lines.length - 1 ? 'torn last line' : 'not valid JSON' });
    }
  });
  return { records, skipped };
}
