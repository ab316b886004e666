#!/usr/bin/env node
// `npm test`: installs what the suites need, builds, type-checks, then runs every suite
// (unit tests beside the code, integration and e2e tests under test/) with node's runner.
// `npm test -- PATH...` runs only the test files under the given paths.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
process.chdir(root);

function run(cmd, args, what) {
  const t0 = Date.now();
  const r = spawnSync(cmd, args, { stdio: 'inherit' });
  if (r.status !== 0) {
    console.error(`k8ts test: ${what} failed (exit ${r.status ?? r.signal})`);
    process.exit(r.status || 1);
  }
  console.error(`k8ts test: ${what} done in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}

run('bash', ['scripts/install-deps.sh'], 'installing Debian packages');
run(process.execPath, ['scripts/build.mjs'], 'build');
run(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.test.json'], 'type-checking tests');

function findTests(dir, out) {
  if (!existsSync(dir)) return out;
  if (statSync(dir).isFile()) {
    if (dir.endsWith('.test.ts')) out.push(dir);
    return out;
  }
  for (const name of readdirSync(dir).sort()) {
    if (name === 'node_modules' || name === 'fixtures') continue;
    findTests(join(dir, name), out);
  }
  return out;
}

const roots = process.argv.slice(2).length ? process.argv.slice(2) : ['src', 'test', 'bench'];
const files = roots.flatMap((r) => findTests(r, [])).map((f) => relative(root, f));
if (files.length === 0) {
  console.error(`k8ts test: no test files under ${roots.join(', ')}`);
  process.exit(1);
}
console.error(`k8ts test: running ${files.length} test files`);
const r = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-concurrency=2', ...files],
  { stdio: 'inherit', env: { ...process.env, K8TS_LOG: process.env.K8TS_LOG ?? 'warn' } },
);
process.exit(r.status ?? 1);
