// What `npm run gen:config` writes, made from the one config schema (src/config/schema.ts): the
// shipped JSON Schema, the commented template `wt-coord init` copies, and the options table of
// docs/configuration.md. test/config.test.ts compares each with the committed file.
import { z } from 'zod';
import { CONFIG_FILE, configSchema } from '../src/config/schema.js';

export const JSON_SCHEMA_FILE = 'schema/wt-coord.schema.json';
export const TEMPLATE_FILE = 'templates/wt-coord.yaml';
export const DOCS_FILE = 'docs/configuration.md';
/** The template's editor hint, relative to templates/ (wt-coord init points it at the installed schema). */
export const TEMPLATE_SCHEMA_REF = '../schema/wt-coord.schema.json';
const TABLE_START = '<!-- options: generated from src/config/schema.ts by `npm run gen:config`; do not edit by hand -->';
const TABLE_END = '<!-- end of options -->';

interface Property {
  type?: string;
  description?: string;
  default?: unknown;
  enum?: unknown[];
  anyOf?: Property[];
  items?: Property;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  minLength?: number;
  minItems?: number;
  pattern?: string;
}

export function configJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(configSchema, { io: 'input', target: 'draft-07' }) as Record<string, unknown>;
  return { $schema: schema.$schema, title: CONFIG_FILE, description: 'wt-coord configuration: every option is optional. Reference: docs/configuration.md.', ...schema };
}

export function configJsonSchemaText(): string {
  return `${JSON.stringify(configJsonSchema(), null, 2)}\n`;
}

function properties(): [string, Property][] {
  return Object.entries((configJsonSchema().properties ?? {}) as Record<string, Property>);
}

/** A YAML scalar or flow list, plain where YAML reads it back as the same string. */
function yamlValue(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(yamlValue).join(', ')}]`;
  if (typeof value === 'string') return /^[A-Za-z0-9._/-]+$/.test(value) && !/^(true|false|yes|no|on|off|null|~|[-+]?(\d[\d_]*\.?\d*|\.\d+)(e[-+]?\d+)?|[-+]?\.(inf|nan))$/i.test(value) ? value : JSON.stringify(value);
  return JSON.stringify(value);
}

function range(p: Property): string {
  const low = p.exclusiveMinimum !== undefined ? `> ${p.exclusiveMinimum}` : p.minimum !== undefined ? `≥ ${p.minimum}` : '';
  const high = p.maximum !== undefined ? `≤ ${p.maximum}` : '';
  return [low, high].filter(Boolean).join(', ');
}

/** The option's type in words, from its JSON Schema. */
function typeText(p: Property): string {
  if (p.anyOf) return p.anyOf.map(typeText).join(' or ');
  if (p.enum) return `one of ${p.enum.map((v) => `\`${String(v)}\``).join(', ')}`;
  if (p.type === 'array') return `list of ${typeText(p.items ?? {}).replace(/^text/, 'texts').replace(/^name/, 'names')}${p.minItems ? ` (at least ${p.minItems})` : ''}`;
  if (p.type === 'integer' || p.type === 'number') return `${p.type === 'integer' ? 'whole number' : 'number'}${range(p) ? ` ${range(p)}` : ''}`;
  if (p.type === 'boolean') return '`true` or `false`';
  if (p.type === 'null') return '`null`';
  if (p.type === 'string') return p.pattern ? `text matching \`${p.pattern}\`` : 'text';
  return p.type ?? 'any';
}

const cell = (text: string) => text.replace(/\|/g, '\\|');

export function configTable(): string {
  const rows = properties().map(([key, p]) => `| \`${key}\` | ${cell(typeText(p))} | \`${cell(yamlValue(p.default))}\` | ${cell(p.description ?? '')} |`);
  return [TABLE_START, '', '| option | type | default | what it does |', '| --- | --- | --- | --- |', ...rows, '', TABLE_END].join('\n');
}

/** docs/configuration.md with its table replaced by the generated one. */
export function docsWithTable(current: string): string {
  const start = current.indexOf(TABLE_START);
  const end = current.indexOf(TABLE_END);
  if (start < 0 || end < start) throw new Error(`${DOCS_FILE} has no generated-table markers; put ${TABLE_START} ... ${TABLE_END} where the table goes`);
  return current.slice(0, start) + configTable() + current.slice(end + TABLE_END.length);
}

function wrap(text: string, width = 96): string[] {
  const lines: string[] = [];
  let line = '#';
  for (const word of text.split(/\s+/)) {
    if (line.length + word.length + 1 > width && line !== '#') {
      lines.push(line);
      line = '#';
    }
    line += ` ${word}`;
  }
  lines.push(line);
  return lines;
}

export function configTemplate(schemaRef = TEMPLATE_SCHEMA_REF): string {
  const header = [
    `# yaml-language-server: $schema=${schemaRef}`,
    '# wt-coord configuration. Every option is optional; each is shown commented out with its default.',
    '# Reference: docs/configuration.md. Generated from src/config/schema.ts (npm run gen:config).',
  ];
  const blocks = properties().map(([key, p]) => [...wrap(`${p.description ?? ''}${p.enum ? ` One of: ${p.enum.join(', ')}.` : ''}`), `# ${key}: ${yamlValue(p.default)}`].join('\n'));
  return `${[header.join('\n'), ...blocks].join('\n\n')}\n`;
}
