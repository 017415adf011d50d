#!/usr/bin/env node
// The extension's server settings are generated from the one JSON Schema of vc-lsp's settings,
// vc_lsp/settings.schema.json, so they cannot drift from what the server accepts. The extension
// folder keeps a copy of it (settings.schema.json), so it builds on its own, copied anywhere.
//
//   node scripts/settings.mjs          copy the schema from the vc-lsp clone (when this folder
//                                      is in one) and rewrite contributes.configuration[0]
//   node scripts/settings.mjs --check  fail (exit 1) if package.json differs from the copy, or
//                                      the copy from the clone's schema; run by `compile`
//
// Every leaf of the schema becomes "vcLsp.<dotted.key>" with its type, default, bounds, enum,
// pattern and description. The second configuration category holds the extension's own
// settings (vcLsp.server.*, vcLsp.trace.server) and is left as written.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const clonePath = join(here, '..', '..', '..', 'vc_lsp', 'settings.schema.json');
const schemaPath = join(here, '..', 'settings.schema.json');
const packagePath = join(here, '..', 'package.json');
const COPIED = ['type', 'default', 'items', 'minimum', 'maximum', 'enum', 'pattern', 'minLength',
  'scope', 'description'];

export function propertiesFromSchema(schema) {
  const out = {};
  let order = 0;
  const walk = (node, prefix) => {
    for (const [key, sub] of Object.entries(node.properties)) {
      const dotted = `${prefix}.${key}`;
      if (sub.type === 'object' && sub.properties) {
        walk(sub, dotted);
        continue;
      }
      const property = {};
      for (const field of COPIED) {
        if (field in sub) property[field] = sub[field];
      }
      property.order = order++;
      out[dotted] = property;
    }
  };
  walk(schema, schema.title);
  return out;
}

const check = process.argv.includes('--check');
if (existsSync(clonePath)) {
  const source = readFileSync(clonePath, 'utf8');
  if (source !== readFileSync(schemaPath, 'utf8')) {
    if (check) {
      console.error('settings.schema.json differs from vc_lsp/settings.schema.json; '
        + 'run `npm run sync-settings` in editors/vscode and commit the result.');
      process.exit(1);
    }
    writeFileSync(schemaPath, source);
    console.log('settings.schema.json: copied from vc_lsp/settings.schema.json');
  }
}
const schema = JSON.parse(readFileSync(schemaPath, 'utf8'));
const text = readFileSync(packagePath, 'utf8');
const pkg = JSON.parse(text);
const server = pkg.contributes.configuration[0];
server.properties = propertiesFromSchema(schema);
const wanted = JSON.stringify(pkg, null, 2) + '\n';

if (check) {
  if (wanted !== text) {
    console.error('package.json settings differ from settings.schema.json; '
      + 'run `npm run sync-settings` in editors/vscode and commit the result.');
    process.exit(1);
  }
  console.log('settings match settings.schema.json');
} else if (wanted !== text) {
  writeFileSync(packagePath, wanted);
  console.log('package.json: settings regenerated from settings.schema.json');
}
