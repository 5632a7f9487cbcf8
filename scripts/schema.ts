/**
 * `npm run schema`: writes the canonical model's JSON Schemas (draft 2020-12) to
 * `manifests/schema/<entity>.schema.json` plus `manifests/schema/index.json`, and removes schema
 * files of entities that no longer exist. `npm run schema -- --check` writes nothing and exits 1
 * when the committed files differ from the zod model (for CI).
 */
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { buildJsonSchemas, serializeSchemaFile } from '../worker/model/json-schema.js';

const outDir = fileURLToPath(new URL('../manifests/schema/', import.meta.url));
const check = process.argv.includes('--check');

const files = buildJsonSchemas();
await mkdir(outDir, { recursive: true });
const existing = (await readdir(outDir)).filter((f) => f.endsWith('.json'));
const stale = existing.filter((f) => !(f in files));
const changed: string[] = [];
for (const [file, value] of Object.entries(files)) {
  const target = path.join(outDir, file);
  const text = serializeSchemaFile(value);
  const current = await readFile(target, 'utf8').catch(() => null);
  if (current === text) continue;
  changed.push(file);
  if (!check) await writeFile(target, text);
}
if (!check) for (const file of stale) await rm(path.join(outDir, file));

const summary = `${Object.keys(files).length} files, ${changed.length} changed, ${stale.length} stale`;
if (check && (changed.length > 0 || stale.length > 0)) {
  console.error(`manifests/schema is out of date (${summary}): ${[...changed, ...stale].join(', ')}. Run npm run schema.`);
  process.exit(1);
}
console.log(`manifests/schema: ${summary}${check ? ' (check only)' : ''}`);
