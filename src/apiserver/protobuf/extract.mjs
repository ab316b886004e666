#!/usr/bin/env node
// Regenerates messages.ts, the protobuf tables the decoder and encoder run on, from exports
// (git archive / checkout) of k8s.io/api and k8s.io/apimachinery at one release:
//
//   node src/apiserver/protobuf/extract.mjs API_DIR APIMACHINERY_DIR [VERSION_LABEL]
//
// Not run by CI (it needs the upstream sources); its output is committed.
//
// What it records, and from where:
// - generated.proto: every message's full name; every field's name, number and type
//   (scalar, message, repeated, map<key, value>).
// - the Go types behind each message (the package named by `option go_package`): the JSON
//   facts the wire format does not carry — the field's JSON name (or inline), omitempty, and
//   whether the Go field is a pointer (absent on the wire = nil) or a value (absent = zero
//   value; Go's marshaller always writes value fields). Messages whose Go type is a named
//   slice (metav1.Verbs, ExtraValue) are flagged: their JSON form is a bare array.
// - register.go: which message is the top-level type of each group/version/kind.
//
// No comments or documentation text from the sources are copied into the output.
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const [apiDir, machineryDir, label = ''] = process.argv.slice(2);
if (!apiDir || !machineryDir) {
  console.error('usage: extract.mjs API_DIR APIMACHINERY_DIR [VERSION_LABEL]');
  process.exit(2);
}
const out = join(dirname(fileURLToPath(import.meta.url)), 'messages.ts');

const SCALARS = new Set(['string', 'bytes', 'bool', 'int32', 'int64', 'uint32', 'uint64', 'sint32', 'sint64', 'double', 'float', 'fixed32', 'fixed64', 'sfixed32', 'sfixed64']);

function walk(dir, pred, acc = []) {
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, pred, acc);
    else if (pred(p)) acc.push(p);
  }
  return acc;
}

function stripComments(src) {
  return src.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/[^\n]*/g, '');
}

// ---- proto ----

/** go import path -> directory holding its Go sources */
function goDir(goPackage) {
  if (goPackage.startsWith('k8s.io/api/')) return join(apiDir, goPackage.slice('k8s.io/api/'.length));
  if (goPackage.startsWith('k8s.io/apimachinery/')) return join(machineryDir, goPackage.slice('k8s.io/apimachinery/'.length));
  throw new Error(`unknown go_package ${goPackage}`);
}

const protoFiles = [
  ...walk(apiDir, (p) => p.endsWith('/generated.proto')),
  ...walk(join(machineryDir, 'pkg'), (p) => p.endsWith('/generated.proto') && !p.includes('testapigroup')),
];

/** package -> { goPackage, messages: Map<name, field[]> } ; field = { name, number, label, type, key?, value? } */
const packages = new Map();
const goPackageToProto = new Map();

for (const file of protoFiles) {
  const src = stripComments(readFileSync(file, 'utf8'));
  const pkg = /\bpackage\s+([\w.]+)\s*;/.exec(src)?.[1];
  const goPackage = /option\s+go_package\s*=\s*"([^"]+)"/.exec(src)?.[1];
  if (!pkg || !goPackage) throw new Error(`${file}: no package/go_package`);
  if (/\b(enum|oneof|extend|service)\b\s+\w+\s*\{/.test(src)) throw new Error(`${file}: unsupported construct`);
  const messages = new Map();
  const msgRe = /\bmessage\s+(\w+)\s*\{([^{}]*)\}/g;
  let m;
  while ((m = msgRe.exec(src))) {
    const fields = [];
    for (const stmt of m[2].split(';').map((s) => s.trim()).filter(Boolean)) {
      let f;
      const mapM = /^map\s*<\s*([\w.]+)\s*,\s*([\w.]+)\s*>\s+(\w+)\s*=\s*(\d+)$/.exec(stmt);
      const fieldM = /^(optional|repeated|required)\s+([\w.]+)\s+(\w+)\s*=\s*(\d+)(\s*\[[^\]]*\])?$/.exec(stmt);
      if (mapM) f = { label: 'map', key: mapM[1], value: mapM[2], name: mapM[3], number: +mapM[4] };
      else if (fieldM) {
        if (fieldM[5] && /packed\s*=\s*true/.test(fieldM[5])) throw new Error(`${file}: packed option on ${fieldM[3]}`);
        f = { label: fieldM[1], type: fieldM[2], name: fieldM[3], number: +fieldM[4] };
      } else throw new Error(`${file}: cannot parse "${stmt}" in ${m[1]}`);
      fields.push(f);
    }
    if (messages.has(m[1])) throw new Error(`${file}: duplicate ${m[1]}`);
    messages.set(m[1], fields);
  }
  if (packages.has(pkg)) throw new Error(`duplicate package ${pkg}`);
  packages.set(pkg, { goPackage, messages });
  goPackageToProto.set(goPackage, pkg);
}

function resolve(ref, pkg) {
  if (SCALARS.has(ref)) return ref;
  const full = ref.startsWith('.') ? ref.slice(1) : `${pkg}.${ref}`;
  const i = full.lastIndexOf('.');
  if (!packages.get(full.slice(0, i))?.messages.has(full.slice(i + 1))) throw new Error(`unresolved ${ref} in ${pkg}`);
  return full;
}

// ---- Go ----

/** Parses a Go package's type declarations: name -> { kind: 'struct', fields } | { kind: 'slice'|'map'|'other', underlying } */
function parseGoPackage(dir) {
  const types = new Map();
  const files = readdirSync(dir).filter((n) => n.endsWith('.go') && !n.endsWith('_test.go') && !n.startsWith('zz_generated') && n !== 'generated.pb.go');
  for (const name of files) {
    // Struct tags are raw strings; comments never hold backticks in these sources, but
    // strip comments first so commented-out fields are not read.
    const src = stripComments(readFileSync(join(dir, name), 'utf8'));
    const structRe = /^type\s+(\w+)\s+struct\s*\{/gm;
    let m;
    while ((m = structRe.exec(src))) {
      let depth = 1;
      let i = m.index + m[0].length;
      const start = i;
      for (; depth > 0; i++) {
        if (src[i] === '{') depth++;
        else if (src[i] === '}') depth--;
        else if (src[i] === '`') i = src.indexOf('`', i + 1);
      }
      const body = src.slice(start, i - 1);
      const fields = [];
      for (const line of body.split('\n').map((l) => l.trim()).filter(Boolean)) {
        const fm = /^(?:(\w+)\s+)?([*\[\]\w.]+(?:\[[\w.]+\][*\w.]+)?)\s*(?:`([^`]*)`)?$/.exec(line);
        if (!fm) {
          // Untagged helper structs may use forms this reader does not know; tagged fields must parse.
          if (line.includes('protobuf:')) throw new Error(`${dir}/${name}: cannot parse field "${line}" of ${m[1]}`);
          continue;
        }
        const [, fieldName, goType, tag = ''] = fm;
        const tags = Object.fromEntries([...tag.matchAll(/(\w+):"([^"]*)"/g)].map((t) => [t[1], t[2]]));
        fields.push({ name: fieldName ?? goType.replace(/^\*/, '').replace(/^.*\./, ''), goType, embedded: !fieldName, tags });
      }
      types.set(m[1], { kind: 'struct', fields });
    }
    const otherRe = /^type\s+(\w+)\s+(\S+)\s*$/gm;
    while ((m = otherRe.exec(src))) {
      if (m[2] === 'struct' || m[2].startsWith('struct{') || m[2] === '=') continue;
      const kind = m[2].startsWith('[]') && m[2] !== '[]byte' ? 'slice' : m[2].startsWith('map[') ? 'map' : 'other';
      types.set(m[1], { kind, underlying: m[2] });
    }
  }
  return types;
}

const goTypes = new Map(); // proto package -> Go types
for (const [pkg, { goPackage }] of packages) goTypes.set(pkg, parseGoPackage(goDir(goPackage)));

/** Go field facts keyed by protobuf field number. */
function goFieldsByNumber(pkg, msgName) {
  const t = goTypes.get(pkg).get(msgName);
  if (!t) return undefined;
  if (t.kind !== 'struct') return t;
  const byNum = new Map();
  for (const f of t.fields) {
    const pb = f.tags.protobuf;
    if (!pb || pb === '-') continue;
    const parts = pb.split(',');
    const number = +parts[1];
    const pname = parts.find((p) => p.startsWith('name='))?.slice(5);
    const json = f.tags.json;
    byNum.set(number, { ...f, protoName: pname, json });
  }
  return { kind: 'struct', byNum, fields: t.fields };
}

// ---- tables ----

const warnings = [];
const listWrappers = new Set();
for (const [pkg, { messages }] of packages) {
  for (const name of messages.keys()) {
    const t = goTypes.get(pkg).get(name);
    if (t?.kind === 'slice') listWrappers.add(`${pkg}.${name}`);
  }
}

function shortRef(full, pkg) {
  if (SCALARS.has(full)) return full;
  return full.startsWith(pkg + '.') && !full.slice(pkg.length + 1).includes('.') ? full.slice(pkg.length + 1) : full;
}

/**
 * One field: [number, protoName, type, flags?, jsonName?]
 *   type: scalar | MessageRef | "[]T" (repeated) | "map[K]V"; MessageRef is bare for the
 *         same package, else the full name.
 *   flags: "o" omitempty, "p" Go pointer/nil-able (absent on the wire = nil, not zero),
 *          "i" inlined into the parent's JSON, "-" not in JSON at all.
 *   jsonName: only when it differs from protoName.
 */
const tables = {};
let fieldCount = 0;
for (const [pkg, { messages }] of [...packages].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
  const msgs = {};
  for (const [name, fields] of messages) {
    const go = goFieldsByNumber(pkg, name);
    const full = `${pkg}.${name}`;
    const row = [];
    for (const f of fields) {
      fieldCount++;
      let type;
      if (f.label === 'map') type = `map[${resolve(f.key, pkg)}]${shortRef(resolve(f.value, pkg), pkg)}`;
      else if (f.label === 'repeated') type = `[]${shortRef(resolve(f.type, pkg), pkg)}`;
      else type = shortRef(resolve(f.type, pkg), pkg);
      let flags = '';
      let jsonName = f.name;
      const gf = go?.kind === 'struct' ? go.byNum.get(f.number) : undefined;
      if (go?.kind === 'struct' && !gf && !(go.fields.length === 1 && go.fields[0].embedded)) {
        warnings.push(`${full}.${f.name}: no Go field with protobuf number ${f.number}`);
      }
      if (gf) {
        if (gf.protoName && gf.protoName !== f.name) warnings.push(`${full}: Go tag name=${gf.protoName} vs proto ${f.name}`);
        const json = gf.json;
        if (json === undefined) {
          // no json tag: encoding/json uses the Go field name
          jsonName = gf.embedded ? '' : gf.name;
          if (gf.embedded) flags += 'i';
        } else if (json === '-') flags += '-';
        else {
          const [jn, ...opts] = json.split(',');
          if (opts.includes('omitempty')) flags += 'o';
          if (opts.includes('inline') || (jn === '' && gf.embedded)) {
            flags += 'i';
            jsonName = '';
          } else jsonName = jn || gf.name;
        }
        const isPtr = gf.goType.startsWith('*');
        if (f.label !== 'repeated' && f.label !== 'map' && f.type !== 'bytes') {
          const ref = resolve(f.type, pkg);
          if (isPtr || listWrappers.has(ref)) flags += 'p';
        }
      } else if (go?.kind === 'struct') {
        // e.g. time.Duration embedded in metav1.Duration: handled by the runtime's special cases
      }
      const rec = [f.number, f.name, type];
      if (flags || jsonName !== f.name) rec.push(flags);
      if (jsonName !== f.name) rec.push(jsonName);
      row.push(rec);
    }
    msgs[name] = listWrappers.has(full) ? { list: true, fields: row } : row;
  }
  tables[pkg] = msgs;
}

// ---- kinds (register.go) ----

// meta/v1's AddToGroupVersion registers these in every group version that calls it.
const PER_GROUP_VERSION = ['WatchEvent', 'ListOptions', 'GetOptions', 'DeleteOptions', 'CreateOptions', 'UpdateOptions', 'PatchOptions'];
// ...and these as unversioned types under "v1".
const UNVERSIONED_V1 = ['Status', 'APIVersions', 'APIGroupList', 'APIGroup', 'APIResourceList'];
// meta.k8s.io/v1 itself (options types plus AddMetaToScheme); Table has no protobuf form.
const META_V1 = [...PER_GROUP_VERSION.slice(1), 'TableOptions', 'PartialObjectMetadata', 'PartialObjectMetadataList'];
const META = 'k8s.io.apimachinery.pkg.apis.meta.v1';

/** "group/version" -> { home, kinds: Map<Kind, message>, common } */
const kinds = new Map();
function hasMessage(full) {
  const i = full.lastIndexOf('.');
  return packages.get(full.slice(0, i))?.messages.has(full.slice(i + 1)) ?? false;
}
function addKind(gv, kind, message) {
  if (!hasMessage(message)) {
    // e.g. meta/v1 Table: registered, but has no protobuf form
    warnings.push(`${gv} ${kind}: no message ${message}`);
    return;
  }
  kinds.get(gv).kinds.set(kind, message);
}
for (const k of [...PER_GROUP_VERSION, ...UNVERSIONED_V1, ...META_V1]) {
  if (!hasMessage(`${META}.${k}`)) throw new Error(`no message ${META}.${k}`);
}
for (const [pkg, { goPackage }] of packages) {
  if (!goPackage.startsWith('k8s.io/api/')) continue;
  const dir = goDir(goPackage);
  let src;
  try {
    src = stripComments(readFileSync(join(dir, 'register.go'), 'utf8'));
  } catch {
    warnings.push(`${goPackage}: no register.go`);
    continue;
  }
  const group = /const\s+GroupName\s*=\s*"([^"]*)"/.exec(src)?.[1];
  const version = /SchemeGroupVersion\s*=\s*schema\.GroupVersion\{Group:\s*GroupName,\s*Version:\s*"([^"]+)"\}/.exec(src)?.[1];
  if (group === undefined || !version) throw new Error(`${dir}/register.go: no group/version`);
  const gv = group ? `${group}/${version}` : version;
  const common = /AddToGroupVersion\(\s*scheme\s*,\s*SchemeGroupVersion\s*\)/.test(src);
  if (!common) warnings.push(`${gv}: does not call AddToGroupVersion`);
  kinds.set(gv, { home: pkg, kinds: new Map(), common });
  const imports = new Map([...src.matchAll(/^\s*(\w+)\s+"([^"]+)"/gm)].map((x) => [x[1], x[2]]));
  for (const call of src.matchAll(/AddKnownTypes\(\s*SchemeGroupVersion\s*,([^)]*)\)/g)) {
    for (const t of call[1].matchAll(/&(?:(\w+)\.)?(\w+)\{\}/g)) {
      const msgPkg = t[1] ? goPackageToProto.get(imports.get(t[1])) : pkg;
      if (!msgPkg) throw new Error(`${dir}: unknown import ${t[1]}`);
      addKind(gv, t[2], `${msgPkg}.${t[2]}`);
    }
  }
}
// The unversioned meta types live under "v1", which is also core/v1's group version.
for (const k of UNVERSIONED_V1) kinds.get('v1').kinds.set(k, `${META}.${k}`);
kinds.set('meta.k8s.io/v1', { home: META, kinds: new Map(META_V1.map((k) => [k, `${META}.${k}`])), common: false });

// Compact form: [home package, kinds, common?]. A kind whose message is "<home>.<Kind>" is
// listed by name, any other as "Kind=full.message.Name"; common = 1 when the group version
// also has meta/v1's per-group-version kinds (COMMON_KINDS in index.ts).
const kindTable = {};
for (const gv of [...kinds.keys()].sort()) {
  const { home, kinds: ks, common } = kinds.get(gv);
  const list = [...ks].map(([k, msg]) => (msg === `${home}.${k}` ? k : `${k}=${msg}`)).sort();
  kindTable[gv] = common ? [home, list, 1] : [home, list];
}

// ---- write ----

const lines = [];
for (const [pkg, msgs] of Object.entries(tables)) {
  lines.push(`${JSON.stringify(pkg)}:{`);
  const names = Object.keys(msgs);
  names.forEach((n, i) => lines.push(`${JSON.stringify(n)}:${JSON.stringify(msgs[n])}${i < names.length - 1 ? ',' : ''}`));
  lines.push('},');
}
lines[lines.length - 1] = '}';
const kindLines = Object.entries(kindTable).map(([gv, v], i, a) => `${JSON.stringify(gv)}:${JSON.stringify(v)}${i < a.length - 1 ? ',' : ''}`);

const text = `// Generated by extract.mjs from ${label || 'k8s.io/api and k8s.io/apimachinery'}; do not edit.
// Data only: message and field facts from generated.proto, JSON facts from the Go types,
// kinds from register.go. See extract.mjs for the format.

/** package -> message -> fields (or { list: true, fields } for named-slice messages). */
export const MESSAGES_JSON = String.raw\`{
${lines.join('\n')}
}\`;

/** "group/version" -> [home package, kinds ("Kind" in the home package, or "Kind=full.Name"), common?] */
export const KINDS_JSON = String.raw\`{
${kindLines.join('\n')}
}\`;

export const SOURCE = ${JSON.stringify(label)};
`;
writeFileSync(out, text);
for (const w of warnings) console.error('warning:', w);
console.error(`wrote ${out}: ${packages.size} packages, ${[...packages.values()].reduce((n, p) => n + p.messages.size, 0)} messages, ${fieldCount} fields, ${Object.keys(kindTable).length} group versions, ${text.length} bytes`);
