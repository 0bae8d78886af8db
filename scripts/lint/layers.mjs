// ESLint plugin: the layering of ARCHITECTURE.md, enforced. Every module of src/ belongs to one
// layer; an import may only point down (to a layer listed after its own). Two more rules:
//   - the store is reached only through src/coord (commands, workspace, agents ... never import it);
//   - a domain folder (src/coord/<domain>/, src/agents/<kind>/) is imported from outside only through
//     its index.ts; its other files are its own business. A dynamic import() may name a file inside
//     (lazy loading on the hot path is the reason it exists).
import path from 'node:path';

const SRC = path.resolve(import.meta.dirname, '../../src');

/** Top to bottom. A module may import from its own layer and any layer below it. */
export const LAYERS = [
  { name: 'entry', match: (rel) => rel === 'cli.ts' || rel === 'instance.ts' },
  { name: 'commands', match: (rel) => rel.startsWith('commands/') },
  { name: 'orchestrate', match: (rel) => rel.startsWith('orchestrate/') },
  { name: 'agents', match: (rel) => rel.startsWith('agents/') },
  { name: 'instance', match: (rel) => rel.startsWith('instance/') },
  { name: 'workspace', match: (rel) => rel.startsWith('workspace/') },
  { name: 'coord', match: (rel) => rel.startsWith('coord/') },
  { name: 'store', match: (rel) => rel.startsWith('store/') },
  { name: 'config', match: (rel) => rel.startsWith('config/') },
  { name: 'lib', match: (rel) => rel.startsWith('lib/') },
];

/** Layers whose subfolders are domains, each private behind its index.ts. */
const DOMAIN_LAYERS = new Set(['coord', 'agents']);

function layerOf(rel) {
  const index = LAYERS.findIndex((l) => l.match(rel));
  return index === -1 ? null : index;
}

/** 'coord/queue/queue.ts' -> 'coord/queue'; a loose file of a layer ('coord/doctor.ts') -> null. */
function domainOf(rel) {
  const parts = rel.split('/');
  return DOMAIN_LAYERS.has(parts[0]) && parts.length >= 3 ? `${parts[0]}/${parts[1]}` : null;
}

function check(context, node, source, dynamic) {
  if (typeof source !== 'string' || !source.startsWith('.')) return; // packages and node: built-ins
  const file = context.filename;
  if (!file.startsWith(SRC + path.sep)) return;
  const fromRel = path.relative(SRC, file).split(path.sep).join('/');
  const toAbs = path.resolve(path.dirname(file), source).replace(/\.js$/, '.ts');
  const toRel = path.relative(SRC, toAbs).split(path.sep).join('/');
  if (toRel.startsWith('..')) return;
  const from = layerOf(fromRel);
  const to = layerOf(toRel);
  if (from === null || to === null) {
    context.report({ node, message: `${from === null ? fromRel : toRel} belongs to no layer: add its folder to LAYERS in scripts/lint/layers.mjs and to ARCHITECTURE.md` });
    return;
  }
  if (to < from) {
    context.report({ node, message: `${LAYERS[from].name} (${fromRel}) must not import ${LAYERS[to].name} (${toRel}): imports point down only (ARCHITECTURE.md, "Layers")` });
    return;
  }
  if (LAYERS[to].name === 'store' && !['coord', 'store'].includes(LAYERS[from].name)) {
    context.report({ node, message: `${fromRel} must not import the store (${toRel}): go through src/coord (transact.ts, readDoc) so every change renders its views` });
    return;
  }
  const toDomain = domainOf(toRel);
  if (dynamic || !toDomain || toRel === `${toDomain}/index.ts`) return;
  if (fromRel.startsWith(`${toDomain}/`)) return; // inside its own folder
  // Inside src/coord, domains use each other's files directly: barrels between siblings would cycle.
  if (fromRel.startsWith('coord/') && toDomain.startsWith('coord/')) return;
  if (fromRel.startsWith('agents/') && toDomain.startsWith('agents/')) return;
  context.report({ node, message: `${fromRel} imports ${toRel}, a private file of ${toDomain}/: import ${toDomain}/index.js instead` });
}

const onlyDown = {
  meta: { type: 'problem', schema: [] },
  create(context) {
    return {
      ImportDeclaration: (node) => check(context, node, node.source.value, false),
      ExportNamedDeclaration: (node) => node.source && check(context, node, node.source.value, false),
      ExportAllDeclaration: (node) => check(context, node, node.source.value, false),
      ImportExpression: (node) => node.source.type === 'Literal' && check(context, node, node.source.value, true),
    };
  },
};

export default { rules: { 'only-down': onlyDown } };
