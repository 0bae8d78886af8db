// zod-lite: the part of zod's API that wt-coord's schemas use, for the light entries (coordinate.sh
// and the agent hooks). Real zod costs every call ~40 ms to load and ~10 µs per queued task to
// validate in a fresh process; zod-lite compiles each schema, on its first use, into one plain
// function (straight-line checks, no per-field dispatch), so neither cost remains.
// scripts/build.mjs resolves `zod` to this file for those entries only: the leader's CLI, the MCP
// server and every test that imports src/ run real zod, and test/zod-lite.test.ts checks that both
// accept, reject, report (path and message) and output the same on every document type.
// Anything outside the subset fails where the schema is built, so it cannot pass unnoticed: add it
// here (and to that test's corpus), or keep the schema off the light entries.

export interface Issue {
  code: string;
  path: (string | number)[];
  message: string;
  /** zod's `continue: false`: a wrong type stops the checks that follow ('explicit': the size checks too). */
  abort?: true | 'explicit';
}

type Params = string | { message?: string; error?: string | (() => string) } | undefined;

function customMessage(params: Params): string | undefined {
  if (typeof params === 'string') return params;
  if (!params) return undefined;
  if (typeof params.error === 'function') return params.error();
  return params.error ?? params.message;
}

/** zod's name for what it received (its English messages). */
function typeName(value: unknown): string {
  if (typeof value === 'number') return Number.isNaN(value) ? 'NaN' : Number.isFinite(value) ? 'number' : String(value);
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'object') {
    const proto = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null && (value as object).constructor) return (value as object).constructor.name;
  }
  return typeof value;
}

const show = (v: unknown) => (typeof v === 'string' ? `"${v}"` : typeof v === 'bigint' ? `${v}n` : `${String(v)}`);

function shallowClone(value: unknown): unknown {
  if (Array.isArray(value)) return [...value];
  if (value && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) return { ...value };
  return value;
}

const isPlainObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

export class ZodLiteError extends Error {
  constructor(readonly issues: Issue[]) {
    super(JSON.stringify(issues, null, 2));
    this.name = 'ZodError';
  }
}

/** Whether an issue from index `start` on stops further checks (all of them, or with `explicit`, the size checks too). */
function aborted(issues: Issue[], start: number, explicit = false): boolean {
  for (let i = start; i < issues.length; i++) if (explicit ? issues[i]!.abort === 'explicit' : issues[i]!.abort) return true;
  return false;
}

/** What generated code calls: kept out of the generated text so it stays short. */
const helpers = { typeName, shallowClone, isPlainObject, show, aborted };

/**
 * Code generation state for one compiled function. Inputs and outputs live in numbered locals;
 * `path` is a list of JS expressions (quoted keys, loop indexes) that is only evaluated when an
 * issue is reported, so a valid document builds no path at all.
 */
class Gen {
  readonly lines: string[] = [];
  readonly consts: unknown[] = [];
  private n = 0;

  local(init = 'undefined'): string {
    const name = `v${this.n++}`;
    this.lines.push(`let ${name} = ${init};`);
    return name;
  }

  name(): string {
    return `v${this.n++}`;
  }

  const(value: unknown): string {
    this.consts.push(value);
    return `C[${this.consts.length - 1}]`;
  }

  issue(code: string, path: string[], message: string, abort?: true | 'explicit'): string {
    const flag = abort ? `, abort: ${JSON.stringify(abort)}` : '';
    return `I.push({ code: ${JSON.stringify(code)}, path: [...P${path.map((p) => `, ${p}`).join('')}], message: ${message}${flag} });`;
  }
}

/**
 * A check emits code for a value of the right type. Like zod's, a failed check does not stop the
 * next one; once the type (or a field, or an item) failed, only the size checks still run (zod's
 * `when`: any value with a length), the others are skipped.
 */
interface Check {
  sized: boolean;
  emit: (g: Gen, input: string, path: string[]) => string;
}

export abstract class Schema {
  protected checks: Check[] = [];
  description?: string;
  /** Whether an absent key stays absent (optional) or gets a value (default), as zod's optin. */
  optin?: 'optional' | 'defaulted';
  private compiled?: (value: unknown, issues: Issue[], base: (string | number)[]) => unknown;

  /** Emits code that validates `input` and returns the local holding the output. */
  abstract emit(g: Gen, input: string, path: string[]): string;

  protected clone(): this {
    const copy = Object.create(Object.getPrototypeOf(this)) as this;
    Object.assign(copy, this);
    copy.checks = [...this.checks];
    copy.compiled = undefined;
    return copy;
  }

  protected with(emit: Check['emit'], sized = false): this {
    const copy = this.clone();
    copy.checks.push({ sized, emit });
    return copy;
  }

  /** The checks of a value whose own validation started at issue index `start`. */
  protected emitChecks(g: Gen, input: string, path: string[], start: string): void {
    for (const check of this.checks) {
      const guard = check.sized
        ? `(I.length === ${start} || !H.aborted(I, ${start}, true)) && ${input} != null && ${input}.length !== undefined`
        : `I.length === ${start} || !H.aborted(I, ${start})`;
      g.lines.push(`if (${guard}) {`, check.emit(g, input, path), '}');
    }
  }

  /** This schema as one function (value, issues, base path) => output, made on first use. */
  run(value: unknown, issues: Issue[], base: (string | number)[]): unknown {
    if (!this.compiled) {
      const g = new Gen();
      g.lines.push('let v = V;');
      const out = this.emit(g, 'v', []);
      g.lines.push(`return ${out};`);
      const make = new Function('C', 'H', `return function compiled(V, I, P) {\n${g.lines.join('\n')}\n};`) as (c: unknown[], h: typeof helpers) => Schema['compiled'];
      this.compiled = make(g.consts, helpers);
    }
    return this.compiled!(value, issues, base);
  }

  safeParse(value: unknown): { success: true; data: unknown; error?: undefined } | { success: false; error: ZodLiteError; data?: undefined } {
    const issues: Issue[] = [];
    const data = this.run(value, issues, []);
    return issues.length ? { success: false, error: new ZodLiteError(issues) } : { success: true, data };
  }

  parse(value: unknown): unknown {
    const result = this.safeParse(value);
    if (!result.success) throw result.error;
    return result.data;
  }

  optional(): Schema {
    return new Optional(this);
  }

  nullable(): Schema {
    return new Nullable(this);
  }

  nullish(): Schema {
    return new Optional(new Nullable(this));
  }

  default(value: unknown): Schema {
    return new Default(this, value);
  }

  array(): ArraySchema {
    return new ArraySchema(this);
  }

  or(other: Schema): Schema {
    return new Union([this, other]);
  }

  transform(fn: (value: never) => unknown): Schema {
    return new Transform(this, fn);
  }

  refine(test: (value: never) => boolean, params?: Params): this {
    return this.with((g, input, path) => `if (!${g.const(test)}(${input})) ${g.issue('custom', path, g.const(customMessage(params) ?? 'Invalid input'))}`);
  }

  describe(description: string): this {
    const copy = this.clone();
    copy.description = description;
    return copy;
  }

  meta(meta?: { description?: string }): this {
    return meta?.description ? this.describe(meta.description) : this;
  }
}

function invalidType(g: Gen, path: string[], expected: string, input: string, params?: Params): string {
  const custom = customMessage(params);
  const message = custom !== undefined ? g.const(custom) : `${JSON.stringify(`Invalid input: expected ${expected}, received `)} + H.typeName(${input})`;
  return g.issue('invalid_type', path, message, true);
}

type SizeOrigin = 'string' | 'array';
const units: Record<SizeOrigin, string> = { string: 'characters', array: 'items' };

/** zod's size message, which names what the value is (a string given to an array schema is "string"). */
function sizeMessage(kind: 'min' | 'max', limit: number, value: { length: number }): string {
  const origin = Array.isArray(value) ? 'array' : typeof value === 'string' ? 'string' : 'unknown';
  const adj = kind === 'min' ? '>=' : '<=';
  const what = kind === 'min' ? 'Too small' : 'Too big';
  const unit = units[origin as SizeOrigin];
  return unit ? `${what}: expected ${origin} to have ${adj}${limit} ${unit}` : `${what}: expected ${origin} to be ${adj}${limit}`;
}

function sizeCheck(kind: 'min' | 'max', limit: number, params: Params): Check['emit'] {
  const custom = customMessage(params);
  return (g, input, path) => {
    const message = custom !== undefined ? g.const(custom) : `${g.const(sizeMessage)}(${JSON.stringify(kind)}, ${limit}, ${input})`;
    return `if (${input}.length ${kind === 'min' ? '<' : '>'} ${limit}) ${g.issue(kind === 'min' ? 'too_small' : 'too_big', path, message)}`;
  };
}

/** Strings and arrays share their size checks (both compare `.length`). */
abstract class SizedSchema extends Schema {
  min(n: number, params?: Params): this {
    return this.with(sizeCheck('min', n, params), true);
  }

  max(n: number, params?: Params): this {
    return this.with(sizeCheck('max', n, params), true);
  }

  nonempty(params?: Params): this {
    return this.min(1, params);
  }
}

class StringSchema extends SizedSchema {
  emit(g: Gen, input: string, path: string[]): string {
    const start = g.local('I.length');
    g.lines.push(`if (typeof ${input} !== 'string') ${invalidType(g, path, 'string', input)}`);
    this.emitChecks(g, input, path, start);
    return input;
  }


  regex(pattern: RegExp, params?: Params): this {
    const message = customMessage(params) ?? `Invalid string: must match pattern ${String(pattern)}`;
    return this.with((g, input, path) => {
      const re = g.const(pattern);
      return `${re}.lastIndex = 0; if (!${re}.test(${input})) ${g.issue('invalid_format', path, g.const(message))}`;
    });
  }
}

class NumberSchema extends Schema {
  emit(g: Gen, input: string, path: string[]): string {
    const start = g.local('I.length');
    g.lines.push(`if (typeof ${input} !== 'number' || !Number.isFinite(${input})) ${invalidType(g, path, 'number', input)}`);
    this.emitChecks(g, input, path, start);
    return input;
  }

  int(params?: Params): this {
    const custom = customMessage(params);
    return this.with((g, input, path) => [
      `if (!Number.isInteger(${input})) ${g.issue('invalid_type', path, g.const(custom ?? 'Invalid input: expected int, received number'), 'explicit')}`,
      `else if (${input} > ${Number.MAX_SAFE_INTEGER}) ${g.issue('too_big', path, g.const(custom ?? `Too big: expected int to be <=${Number.MAX_SAFE_INTEGER}`))}`,
      `else if (${input} < ${Number.MIN_SAFE_INTEGER}) ${g.issue('too_small', path, g.const(custom ?? `Too small: expected int to be >=${Number.MIN_SAFE_INTEGER}`))}`,
    ].join('\n'));
  }

  private bound(kind: 'min' | 'max', limit: number, inclusive: boolean, params: Params): this {
    const adj = kind === 'min' ? (inclusive ? '>=' : '>') : inclusive ? '<=' : '<';
    const fails = kind === 'min' ? (inclusive ? '<' : '<=') : inclusive ? '>' : '>=';
    const message = customMessage(params) ?? `Too ${kind === 'min' ? 'small' : 'big'}: expected number to be ${adj}${limit}`;
    return this.with((g, input, path) => `if (${input} ${fails} ${limit}) ${g.issue(kind === 'min' ? 'too_small' : 'too_big', path, g.const(message))}`);
  }

  min(n: number, params?: Params): this {
    return this.bound('min', n, true, params);
  }

  gte(n: number, params?: Params): this {
    return this.min(n, params);
  }

  max(n: number, params?: Params): this {
    return this.bound('max', n, true, params);
  }

  lte(n: number, params?: Params): this {
    return this.max(n, params);
  }

  gt(n: number, params?: Params): this {
    return this.bound('min', n, false, params);
  }

  lt(n: number, params?: Params): this {
    return this.bound('max', n, false, params);
  }

  positive(params?: Params): this {
    return this.gt(0, params);
  }

  nonnegative(params?: Params): this {
    return this.min(0, params);
  }
}

class BooleanSchema extends Schema {
  emit(g: Gen, input: string, path: string[]): string {
    const start = g.local('I.length');
    g.lines.push(`if (typeof ${input} !== 'boolean') ${invalidType(g, path, 'boolean', input)}`);
    this.emitChecks(g, input, path, start);
    return input;
  }
}

class UnknownSchema extends Schema {
  emit(g: Gen, input: string, path: string[]): string {
    this.emitChecks(g, input, path, g.local('I.length'));
    return input;
  }
}

class LiteralSchema extends Schema {
  constructor(private readonly values: readonly unknown[], private readonly params?: Params) {
    super();
  }

  emit(g: Gen, input: string, path: string[]): string {
    const message = customMessage(this.params) ?? (this.values.length === 1 ? `Invalid input: expected ${show(this.values[0])}` : `Invalid option: expected one of ${this.values.map(show).join('|')}`);
    const test = this.values.length === 1 ? `${input} !== ${g.const(this.values[0])}` : `!${g.const(this.values)}.includes(${input})`;
    const start = g.local('I.length');
    g.lines.push(`if (${test}) ${g.issue('invalid_value', path, g.const(message), true)}`);
    this.emitChecks(g, input, path, start);
    return input;
  }

  get options(): unknown[] {
    return [...this.values];
  }
}

class NullSchema extends Schema {
  constructor(private readonly params?: Params) {
    super();
  }

  emit(g: Gen, input: string, path: string[]): string {
    g.lines.push(`if (${input} !== null) ${invalidType(g, path, 'null', input, this.params)}`);
    return input;
  }
}

/** optional, nullable and default: a value that short-cuts the inner schema, else the inner. */
class Optional extends Schema {
  constructor(private readonly inner: Schema) {
    super();
    this.optin = 'optional';
  }

  emit(g: Gen, input: string, path: string[]): string {
    const out = g.local(input);
    g.lines.push(`if (${input} !== undefined) {`);
    g.lines.push(`${out} = ${this.inner.emit(g, input, path)};`);
    g.lines.push('}');
    return out;
  }
}

class Nullable extends Schema {
  constructor(private readonly inner: Schema) {
    super();
    this.optin = inner.optin;
  }

  emit(g: Gen, input: string, path: string[]): string {
    const out = g.local(input);
    g.lines.push(`if (${input} !== null) {`);
    g.lines.push(`${out} = ${this.inner.emit(g, input, path)};`);
    g.lines.push('}');
    return out;
  }
}

class Default extends Schema {
  constructor(private readonly inner: Schema, private readonly value: unknown) {
    super();
    this.optin = 'defaulted';
  }

  emit(g: Gen, input: string, path: string[]): string {
    // Like zod: the default itself is not validated, and each use gets its own (shallow) copy.
    const fresh = typeof this.value === 'function' ? `${g.const(this.value)}()` : typeof this.value === 'object' && this.value !== null ? `H.shallowClone(${g.const(this.value)})` : g.const(this.value);
    const out = g.local();
    g.lines.push(`if (${input} === undefined) ${out} = ${fresh}; else {`);
    g.lines.push(`${out} = ${this.inner.emit(g, input, path)};`);
    g.lines.push(`if (${out} === undefined) ${out} = ${fresh};`);
    g.lines.push('}');
    return out;
  }
}

class Transform extends Schema {
  constructor(private readonly inner: Schema, private readonly fn: (value: never) => unknown) {
    super();
  }

  emit(g: Gen, input: string, path: string[]): string {
    const before = g.local('I.length');
    const inner = this.inner.emit(g, input, path);
    const out = g.local(inner);
    g.lines.push(`if (I.length === ${before}) ${out} = ${g.const(this.fn)}(${inner});`);
    return out;
  }
}

export class ArraySchema extends SizedSchema {
  constructor(private readonly element: Schema) {
    super();
  }

  emit(g: Gen, input: string, path: string[]): string {
    const out = g.local(input);
    const start = g.local('I.length');
    const i = g.name();
    g.lines.push(`if (!Array.isArray(${input})) ${invalidType(g, path, 'array', input)} else {`);
    g.lines.push(`${out} = new Array(${input}.length);`);
    g.lines.push(`for (let ${i} = 0; ${i} < ${input}.length; ${i}++) {`);
    const item = g.local(`${input}[${i}]`);
    g.lines.push(`${out}[${i}] = ${this.element.emit(g, item, [...path, i])};`);
    g.lines.push('}', '}');
    this.emitChecks(g, out, path, start);
    return out;
  }

}

type UnknownKeys = 'strip' | 'strict' | 'passthrough';

export class ObjectSchema extends Schema {
  constructor(readonly shape: Record<string, Schema>, private readonly unknownKeys: UnknownKeys = 'strip') {
    super();
    for (const [key, schema] of Object.entries(shape)) if (!(schema instanceof Schema)) throw new Error(`zod-lite: the value of "${key}" is not a schema it knows (src/lib/zod-lite.ts)`);
  }

  emit(g: Gen, input: string, path: string[]): string {
    const out = g.local(input);
    const start = g.local('I.length');
    g.lines.push(`if (!H.isPlainObject(${input})) ${invalidType(g, path, 'object', input)} else {`);
    g.lines.push(`${out} = {};`);
    for (const [key, schema] of Object.entries(this.shape)) {
      const k = JSON.stringify(key);
      const value = g.local(`${input}[${k}]`);
      // An absent optional key stays absent; any other schema runs on undefined (and says what it expected).
      const guard = schema.optin === 'optional' ? `if (${value} !== undefined || ${k} in ${input}) {` : '{';
      g.lines.push(guard);
      const result = schema.emit(g, value, [...path, k]);
      g.lines.push(`if (${result} !== undefined) ${out}[${k}] = ${result}; else if (${k} in ${input}) ${out}[${k}] = undefined;`);
      g.lines.push('}');
    }
    if (this.unknownKeys !== 'strip') {
      const known = g.const(new Set(Object.keys(this.shape)));
      const extra = g.local(`Object.keys(${input}).filter((k) => !${known}.has(k))`);
      if (this.unknownKeys === 'passthrough') g.lines.push(`for (const k of ${extra}) ${out}[k] = ${input}[k];`);
      else g.lines.push(`if (${extra}.length) ${g.issue('unrecognized_keys', path, `'Unrecognized key' + (${extra}.length > 1 ? 's' : '') + ': ' + ${extra}.map(H.show).join(', ')`, true)}`);
    }
    g.lines.push('}');
    this.emitChecks(g, out, path, start);
    return out;
  }

  strict(): ObjectSchema {
    return new ObjectSchema(this.shape, 'strict');
  }

  passthrough(): ObjectSchema {
    return new ObjectSchema(this.shape, 'passthrough');
  }

  strip(): ObjectSchema {
    return new ObjectSchema(this.shape, 'strip');
  }

  extend(more: Record<string, Schema>): ObjectSchema {
    return new ObjectSchema({ ...this.shape, ...more }, this.unknownKeys);
  }

  omit(mask: Record<string, true>): ObjectSchema {
    return new ObjectSchema(Object.fromEntries(Object.entries(this.shape).filter(([key]) => !mask[key])), this.unknownKeys);
  }
}

class RecordSchema extends Schema {
  constructor(private readonly key: Schema, private readonly value: Schema) {
    super();
  }

  emit(g: Gen, input: string, path: string[]): string {
    const out = g.local(input);
    const start = g.local('I.length');
    const k = g.name();
    g.lines.push(`if (!H.isPlainObject(${input})) ${invalidType(g, path, 'record', input)} else {`);
    g.lines.push(`${out} = {};`);
    g.lines.push(`for (const ${k} of Object.keys(${input})) {`);
    const keyIssues = g.local(`[]`);
    g.lines.push(`${g.const(this.key)}.run(${k}, ${keyIssues}, []);`);
    g.lines.push(`if (${keyIssues}.length) ${g.issue('invalid_key', [...path, k], "'Invalid key in record'", true)} else {`);
    const item = g.local(`${input}[${k}]`);
    g.lines.push(`${out}[${k}] = ${this.value.emit(g, item, [...path, k])};`);
    g.lines.push('}', '}');
    g.lines.push('}');
    this.emitChecks(g, out, path, start);
    return out;
  }
}

class Union extends Schema {
  constructor(private readonly options: Schema[]) {
    super();
  }

  emit(g: Gen, input: string, path: string[]): string {
    // Each option runs on its own issue list; the first that passes gives the output.
    // Like zod: the first option that passes gives the output; when none does and exactly one
    // failed only its checks (the type was right), its issues are the union's; else "Invalid input".
    const out = g.local(input);
    const start = g.local('I.length');
    const base = `[...P${path.map((p) => `, ${p}`).join('')}]`;
    const options = g.const(this.options);
    g.lines.push(`{ let found = false; const near = [];`);
    g.lines.push(`for (const option of ${options}) { const issues = []; const r = option.run(${input}, issues, ${base}); if (issues.length === 0) { ${out} = r; found = true; break; } if (!H.aborted(issues, 0)) near.push([r, issues]); }`);
    g.lines.push(`if (!found) { if (near.length === 1) { ${out} = near[0][0]; I.push(...near[0][1]); } else ${g.issue('invalid_union', path, "'Invalid input'", true)} } }`);
    this.emitChecks(g, out, path, start);
    return out;
  }
}

function enumOf(values: readonly unknown[] | Record<string, unknown>, params?: Params): LiteralSchema {
  return new LiteralSchema(Array.isArray(values) ? values : Object.values(values), params);
}

const api = {
  string: () => new StringSchema(),
  number: () => new NumberSchema(),
  int: () => new NumberSchema().int(),
  boolean: () => new BooleanSchema(),
  unknown: () => new UnknownSchema(),
  any: () => new UnknownSchema(),
  null: (params?: Params) => new NullSchema(params),
  literal: (value: unknown, params?: Params) => new LiteralSchema(Array.isArray(value) ? value : [value], params),
  enum: enumOf,
  array: (element: Schema) => new ArraySchema(element),
  object: (shape: Record<string, Schema>) => new ObjectSchema(shape),
  strictObject: (shape: Record<string, Schema>) => new ObjectSchema(shape, 'strict'),
  looseObject: (shape: Record<string, Schema>) => new ObjectSchema(shape, 'passthrough'),
  record: (key: Schema, value: Schema) => new RecordSchema(key, value),
  union: (options: Schema[]) => new Union(options),
  optional: (schema: Schema) => schema.optional(),
  nullable: (schema: Schema) => schema.nullable(),
  ZodError: ZodLiteError,
};

/** `z` as zod exports it; a name outside the subset fails where it is used, saying so. */
export const z: typeof api = new Proxy(api, {
  get(target, name) {
    if (typeof name === 'string' && name !== 'then' && !Object.hasOwn(target, name)) throw new Error(`zod-lite: z.${name} is not supported on the light entries (src/lib/zod-lite.ts)`);
    return target[name as keyof typeof api];
  },
});
