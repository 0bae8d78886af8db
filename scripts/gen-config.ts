// `npm run gen:config`: rewrites what is made from the config schema (see config-artifacts.ts).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DOCS_FILE, JSON_SCHEMA_FILE, TEMPLATE_FILE, configJsonSchemaText, configTemplate, docsWithTable } from './config-artifacts.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const write = (file: string, text: string) => {
  mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
  writeFileSync(path.join(root, file), text);
  console.log(`wrote ${file}`);
};
write(JSON_SCHEMA_FILE, configJsonSchemaText());
write(TEMPLATE_FILE, configTemplate());
write(DOCS_FILE, docsWithTable(readFileSync(path.join(root, DOCS_FILE), 'utf8')));
