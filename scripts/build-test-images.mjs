#!/usr/bin/env node
// Builds k8ts' offline OCI image archives (busybox, the pod sandbox image
// registry.k8s.io/pause:3.10, and stand-ins named like nginx and alpine) from the host's
// static busybox, without docker or a registry, into the directory `k8ts server` imports
// images from at start (DATA_DIR/images). Deterministic and cached: the archives are rebuilt
// only when busybox or the recipes change.
//
//   node scripts/build-test-images.mjs [--data-dir DIR | --out DIR] [--busybox PATH]
//
// Default output: $K8TS_DATA_DIR/images, else ~/.k8ts/images. The recipes live in
// src/kubelet/cri/oci/offline-images.ts (run through tsx in a checkout; from dist/ in an
// installed package).
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

async function loadBuilder() {
  const src = join(root, 'src', 'kubelet', 'cri', 'oci', 'offline-images.ts');
  if (existsSync(src) && existsSync(join(root, 'node_modules', 'tsx'))) {
    const { register } = await import('tsx/esm/api');
    register();
    return import(pathToFileURL(src).href);
  }
  return import(pathToFileURL(join(root, 'dist', 'src', 'kubelet', 'cri', 'oci', 'offline-images.js')).href);
}

const { values } = parseArgs({
  options: {
    'data-dir': { type: 'string' },
    out: { type: 'string' },
    busybox: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  },
});
if (values.help) {
  process.stdout.write('Usage: node scripts/build-test-images.mjs [--data-dir DIR | --out DIR] [--busybox PATH]\n');
  process.exit(0);
}
const dataDir = values['data-dir'] ?? process.env.K8TS_DATA_DIR ?? join(homedir(), '.k8ts');
const out = resolve(values.out ?? join(dataDir, 'images'));

const { ensureOfflineImages, OFFLINE_IMAGE_RECIPES } = await loadBuilder();
const t0 = Date.now();
const result = ensureOfflineImages(out, { busyboxPath: values.busybox });
const ms = Date.now() - t0;
for (const r of OFFLINE_IMAGE_RECIPES) process.stderr.write(`  ${join(out, r.file)}: ${r.names.join(', ')}\n`);
process.stderr.write(`k8ts: offline images ${result.built ? 'built' : 'up to date'} in ${out} (${ms} ms)\n`);
