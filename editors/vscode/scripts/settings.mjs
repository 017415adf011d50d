#!/usr/bin/env node
// The extension's server settings are generated from the one JSON Schema of vc-lsp's settings,
// vc_lsp/settings.schema.json, so they cannot drift from what the server accepts.
//
//   node scripts/settings.mjs          rewrite contributes.configuration[0] in package.json
//   node scripts/settings.mjs --check  fail (exit 1) if package.json differs; run by `compile`
//
// Every leaf of the schema becomes "vcLsp.<dotted.key>" with its type, default, bounds, enum,
// pattern and description. The second configuration category holds the extension's own
// settings (vcLsp.server.*, vcLsp.trace.server) and is left as written.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const schemaPath = join(here, '..', '..', '..', 'vc_lsp', 'settings.schema.json');
const packagePath = join(here, '..', 'package.json');
const COPIED = ['type', 'default', 'items', 'minimum', 'maximum', 'enum', 'pattern', 'minLength', 'description'];

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

const schema = JSON.parse(readFileSync(schemaPath, 'utf8'));
const text = readFileSync(packagePath, 'utf8');
const pkg = JSON.parse(text);
const server = pkg.contributes.configuration[0];
server.properties = propertiesFromSchema(schema);
const wanted = JSON.stringify(pkg, null, 2) + '\n';

if (process.argv.includes('--check')) {
  if (wanted !== text) {
    console.error('package.json settings differ from vc_lsp/settings.schema.json; '
      + 'run `npm run sync-settings` in editors/vscode and commit the result.');
    process.exit(1);
  }
  console.log('settings match vc_lsp/settings.schema.json');
} else if (wanted !== text) {
  writeFileSync(packagePath, wanted);
  console.log('package.json: settings regenerated from vc_lsp/settings.schema.json');
}
