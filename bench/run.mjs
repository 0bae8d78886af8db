// `npm run bench [area...]`: runs bench/<area>.bench.mjs files in turn. Each prints its figures
// beside the baseline measured in the same run; none asserts a time (that is not a test's job).
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const wanted = process.argv.slice(2);
const files = readdirSync(here)
  .filter((f) => f.endsWith('.bench.mjs'))
  .filter((f) => wanted.length === 0 || wanted.includes(f.replace('.bench.mjs', '')));
for (const file of files) {
  console.log(`\n## ${file.replace('.bench.mjs', '')}`);
  const mod = await import(pathToFileURL(path.join(here, file)).href);
  await mod.default();
}
