// Reading a JSON (or JSONL) file through its zod schema: the only way coordination files are read.
import { closeSync, constants as fsConstants, fstatSync, openSync, readFileSync, type Stats } from 'node:fs';
import type { z } from 'zod';
import { InvalidFileError, describeZodError } from './errors.js';
import { ioError } from './io-error.js';

/**
 * A document's text, or null when it does not exist. Only a regular file is read: a FIFO or a
 * device put where a document belongs would block the reader (and with it the lock) forever, so it
 * is opened without blocking and refused by type.
 */
export async function readTextIfExists(file: string): Promise<string | null> {
  return (await readBytesIfExists(file))?.toString('utf8') ?? null;
}

/** readTextIfExists's bytes, undecoded (a sealed document's checksum is checked on them). */
export async function readBytesIfExists(file: string): Promise<Buffer | null> {
  let fd: number;
  try {
    fd = openSync(file, fsConstants.O_RDONLY | fsConstants.O_NONBLOCK);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw ioError('open', file, error);
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) throw new InvalidFileError(file, `not a regular file (${kindOf(stat)})`, 'move it away: wt-coord keeps only regular files there');
    // Bytes, decoded by the caller: readFileSync(fd, 'utf8') reads 8 KiB at a time, three times slower on a 1.5 MB queue.
    return readFileSync(fd);
  } catch (error) {
    throw ioError('read', file, error);
  } finally {
    closeSync(fd);
  }
}

function kindOf(stat: Stats): string {
  if (stat.isFIFO()) return 'a FIFO';
  if (stat.isCharacterDevice() || stat.isBlockDevice()) return 'a device';
  if (stat.isSocket()) return 'a socket';
  if (stat.isDirectory()) return 'a folder';
  return 'not a file';
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

/**
 * The layout of coordination documents and views, which can hold thousands of records: the top
 * level indented, each item of a list (or entry of a map) below it on one compact line. `cat`
 * and `grep task-042` still show a whole record; and every coordinate.sh call that rewrites a
 * 5,000-task queue writes, and the next one parses, a third fewer bytes than the fully indented
 * form (1.6 MB instead of 2.4 MB; docs/benchmarks.md).
 */
export function toRecordsText(value: unknown, serialized?: SerializedRecords): string {
  if (!isRecordMap(value)) return toJsonText(value);
  const fields = Object.entries(value).filter(([, v]) => v !== undefined && typeof v !== 'function');
  if (fields.length === 0) return '{}\n';
  const lines = fields.map(([key, v]) => `  ${JSON.stringify(key)}: ${key === serialized?.field ? listOf(serialized.lines) : recordsOf(v)}`);
  return `{\n${lines.join(',\n')}\n}\n`;
}

/** One list field of a document given as its items already serialized (JSON.stringify), one per line. */
export interface SerializedRecords {
  field: string;
  lines: string[];
}

const isRecordMap = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v) && typeof (v as { toJSON?: unknown }).toJSON !== 'function';

const listOf = (lines: string[]) => (lines.length === 0 ? '[]' : `[\n    ${lines.join(',\n    ')}\n  ]`);

function recordsOf(value: unknown): string {
  if (Array.isArray(value)) return listOf(value.map((item) => JSON.stringify(item) ?? 'null'));
  if (isRecordMap(value)) {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined && typeof v !== 'function');
    return entries.length === 0 ? '{}' : `{\n    ${entries.map(([key, v]) => `${JSON.stringify(key)}: ${JSON.stringify(v)}`).join(',\n    ')}\n  }`;
  }
  return JSON.stringify(value);
}

/**
 * The items of list `field` in a text toRecordsText wrote, each as JSON.stringify gave it, or null
 * when the text is not in that layout (edited by hand, say).
 */
export function recordLinesOf(text: string, field: string): string[] | null {
  const open = `\n  ${JSON.stringify(field)}: [`;
  const start = text.indexOf(open);
  if (start < 0) return null;
  const from = start + open.length;
  if (text.startsWith(']', from)) return [];
  const end = text.indexOf('\n  ]', from);
  if (end < 0 || !text.startsWith('\n    ', from)) return null;
  return text.slice(from + '\n    '.length, end).split(',\n    ');
}

export interface JsonlRead<T> {
  records: T[];
  /** Lines that did not parse or validate (a torn last line after a crash, a hand edit). */
  skipped: { line: number; problem: string }[];
}

/** `maxLineBytes`: a longer line is skipped unparsed (a runaway line must not cost a parse per read). */
export function parseJsonLines<S extends z.ZodType>(text: string, schema: S, maxLineBytes = Infinity): JsonlRead<z.infer<S>> {
  const records: z.infer<S>[] = [];
  const skipped: { line: number; problem: string }[] = [];
  const lines = text.split('\n');
  lines.forEach((line, index) => {
    if (!line.trim()) return;
    if (line.length > maxLineBytes) {
      skipped.push({ line: index + 1, problem: `longer than ${maxLineBytes} bytes` });
      return;
    }
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
