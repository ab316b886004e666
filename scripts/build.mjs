#!/usr/bin/env node
// Generates the built-in schema definitions, compiles src/ and bench/ into dist/, and copies
// the non-TypeScript assets (.proto, generated .json) beside the compiled modules that load
// them.
import { spawnSync } from 'node:child_process';
import { cpSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { main as generateSchema } from './gen-schema.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

await generateSchema([]);

const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
const r = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.json')], { stdio: 'inherit' });
if (r.status !== 0) process.exit(r.status ?? 1);

const GENERATED = join(root, 'src', 'api', 'schema', 'generated');

function copyAssets(dir) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) copyAssets(p);
    else if (name.endsWith('.proto') || (dir === GENERATED && name.endsWith('.json'))) {
      cpSync(p, join(root, 'dist', relative(root, p)));
    }
  }
}
copyAssets(join(root, 'src'));
