#!/usr/bin/env node
// The k8ts command. Runs the compiled build (dist/, made by `npm ci` / `npm run build`);
// in a source checkout without a build it falls back to the TypeScript sources via tsx.
import { existsSync } from 'node:fs';

const built = new URL('../dist/src/cmd/main.js', import.meta.url);
let mod;
if (existsSync(built)) {
  mod = await import(built.href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  mod = await import(new URL('../src/cmd/main.ts', import.meta.url).href);
}
process.exitCode = await mod.main(process.argv.slice(2));
