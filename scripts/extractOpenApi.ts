/**
 * Writes an extract of a large OpenAPI document: the named operations, the document's own fields (`openapi`, `info`,
 * `servers`, `security`) and every component they reach through `$ref`s, so an example or a fixture can use a few
 * operations of a real document without shipping all of it.
 *
 *   node --import tsx scripts/extractOpenApi.ts FULL.json OUT.json operationId…
 */
import { readFileSync, writeFileSync } from 'node:fs';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Obj = { [k: string]: Json };

const [input, output, ...ids] = process.argv.slice(2);
if (!input || !output || ids.length === 0) {
  console.error('usage: extractOpenApi.ts FULL.json OUT.json operationId…');
  process.exit(2);
}
const full = JSON.parse(readFileSync(input, 'utf8')) as Obj;
const out: Obj = {};
for (const key of ['openapi', 'swagger', 'info', 'servers', 'security', 'externalDocs']) if (full[key] !== undefined) out[key] = full[key];
const paths: Obj = {};
const wanted = new Set(ids);
for (const [path, item] of Object.entries(full.paths as Obj)) {
  for (const [method, op] of Object.entries(item as Obj)) {
    const id = typeof op === 'object' && op !== null && !Array.isArray(op) && typeof op.operationId === 'string' ? op.operationId : undefined;
    if (id !== undefined && wanted.has(id)) {
      const entry = (paths[path] ??= {}) as Obj;
      entry[method] = op;
      const shared = (item as Obj).parameters;
      if (shared !== undefined) entry.parameters = shared;
      wanted.delete(id);
    }
  }
}
if (wanted.size > 0) {
  console.error(`not in the document: ${[...wanted].join(', ')}`);
  process.exit(1);
}
out.paths = paths;
const components: Obj = {};
const get = (pointer: string): Json | undefined =>
  pointer
    .slice(2)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce<Json | undefined>((at, seg) => (at && typeof at === 'object' && !Array.isArray(at) ? at[seg] : undefined), full);
const seen = new Set<string>();
const walk = (v: Json): void => {
  if (Array.isArray(v)) return v.forEach(walk);
  if (!v || typeof v !== 'object') return;
  if (typeof v.$ref === 'string' && v.$ref.startsWith('#/components/') && !seen.has(v.$ref)) {
    seen.add(v.$ref);
    const [, , kind, name] = v.$ref.split('/');
    const target = get(v.$ref);
    if (kind && name && target !== undefined) {
      ((components[kind] ??= {}) as Obj)[name] = target;
      walk(target);
    }
  }
  for (const x of Object.values(v)) walk(x);
};
walk(paths);
const schemes = (full.components as Obj | undefined)?.securitySchemes;
if (schemes) components.securitySchemes = schemes;
if (Object.keys(components).length > 0) out.components = components;
writeFileSync(output, `${JSON.stringify(out, null, 2)}\n`);
console.log(`${output}: ${Object.keys(paths).length} paths, ${seen.size} components`);
