import type { Schema } from '../../api/schema/index.js';
import { StatusError } from '../../apimachinery/status.js';
import type { KubeObject, ManagedFieldsEntry } from '../../apimachinery/types.js';
import { FieldSet, pathString } from './fieldset.js';
import { compare, fieldSetOf, mergeApplied, removePath } from './typed.js';

/** Who writes and how the object is served, for ownership bookkeeping. */
export interface TrackOptions {
  manager: string;
  /** The served apiVersion of the request (e.g. apps/v1). */
  apiVersion: string;
  /** '' for the main resource, or e.g. 'status', 'scale'. */
  subresource: string;
  /** RFC 3339 time written on changed entries. */
  now: string;
  schema: Schema | undefined;
  /** With a /status subresource the main resource does not own status, and /status owns only it. */
  hasStatusSubresource: boolean;
}

// Metadata the server owns: never part of anyone's managed fields.
const SERVER_META = new Set([
  'name',
  'namespace',
  'uid',
  'resourceVersion',
  'generation',
  'creationTimestamp',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
  'managedFields',
  'selfLink',
]);

/** Which paths a write through `subresource` does not track, as upstream's reset-fields strategies. */
export function ignoredPaths(subresource: string, hasStatus: boolean): (path: readonly string[]) => boolean {
  return (p) => {
    const top = p[0];
    if (top === 'f:apiVersion' || top === 'f:kind') return true;
    if (top === 'f:metadata' && p.length >= 2 && SERVER_META.has(p[1]!.slice(2))) return true;
    if (subresource === 'status') return top !== 'f:status';
    if (hasStatus && subresource === '' && top === 'f:status') return true;
    return false;
  };
}

interface Entry {
  manager: string;
  operation: 'Apply' | 'Update';
  apiVersion: string;
  subresource: string;
  time?: string;
  fields: FieldSet;
}

const idOf = (e: { manager: string; operation: string; apiVersion: string; subresource: string }) =>
  e.operation === 'Apply' ? `${e.manager}\0Apply\0\0${e.subresource}` : `${e.manager}\0Update\0${e.apiVersion}\0${e.subresource}`;

/** Parses managedFields; a malformed entry is a 422-worthy client error (thrown as Error with a message). */
export function decodeManaged(entries: ManagedFieldsEntry[] | undefined): Entry[] {
  const out: Entry[] = [];
  for (const e of entries ?? []) {
    out.push({
      manager: e.manager ?? '',
      operation: e.operation === 'Apply' ? 'Apply' : 'Update',
      apiVersion: e.apiVersion ?? '',
      subresource: e.subresource ?? '',
      time: e.time,
      fields: e.fieldsV1 ? FieldSet.fromFieldsV1(e.fieldsV1) : new FieldSet(),
    });
  }
  return out;
}

/** Serializes entries, dropping empty ones, ordered as upstream: by time, Apply before Update, then manager. */
export function encodeManaged(entries: Entry[]): ManagedFieldsEntry[] {
  const kept = entries.filter((e) => !e.fields.isEmpty());
  kept.sort((a, b) => {
    const ta = a.time ?? '';
    const tb = b.time ?? '';
    if (ta !== tb) return ta < tb ? -1 : 1;
    if (a.operation !== b.operation) return a.operation === 'Apply' ? -1 : 1;
    return a.manager < b.manager ? -1 : a.manager > b.manager ? 1 : 0;
  });
  return kept.map((e) => ({
    manager: e.manager,
    operation: e.operation,
    apiVersion: e.apiVersion,
    ...(e.time ? { time: e.time } : {}),
    fieldsType: 'FieldsV1' as const,
    fieldsV1: e.fields.toFieldsV1(),
    ...(e.subresource ? { subresource: e.subresource } : {}),
  }));
}

/**
 * The managedFields after a non-apply write (create, update, patch) by `opts.manager`: the
 * fields it added or changed become its own (an Update entry per manager, apiVersion and
 * subresource) and no longer anyone else's; removed fields leave every set.
 * `base` is what the object carried before (or what the request itself supplied).
 */
export function trackUpdate(
  old: KubeObject | undefined,
  obj: KubeObject,
  base: ManagedFieldsEntry[] | undefined,
  opts: TrackOptions,
): ManagedFieldsEntry[] {
  const entries = decodeManaged(base);
  const ignore = ignoredPaths(opts.subresource, opts.hasStatusSubresource);
  const { changed, removed } = compare(old, obj, opts.schema, ignore);
  if (changed.isEmpty() && removed.isEmpty()) return encodeManaged(entries);
  const id = idOf({ manager: opts.manager, operation: 'Update', apiVersion: opts.apiVersion, subresource: opts.subresource });
  let mine = entries.find((e) => idOf(e) === id);
  if (!mine) {
    mine = { manager: opts.manager, operation: 'Update', apiVersion: opts.apiVersion, subresource: opts.subresource, fields: new FieldSet() };
    entries.push(mine);
  }
  for (const e of entries) {
    const before = e.fields;
    e.fields = e === mine ? e.fields.union(changed).difference(removed) : e.fields.difference(changed).difference(removed);
    if (e === mine || !e.fields.equals(before)) {
      if (e === mine) e.time = opts.now;
    }
  }
  return encodeManaged(entries);
}

export interface ApplyResult {
  obj: KubeObject;
  managedFields: ManagedFieldsEntry[];
}

/**
 * Server-side apply of `config` by `opts.manager` to `live` (undefined: the object does not
 * exist yet), as structured-merge-diff: the configuration is merged into the live object;
 * fields it would change that another manager owns are conflicts (409 listing each manager
 * and field) unless `force`, which takes them over; fields this manager applied before and
 * no longer does are removed from the object unless someone else owns them too. The
 * manager's Apply entry becomes exactly the applied configuration's fields.
 */
export function applyConfig(live: KubeObject | undefined, config: KubeObject, opts: TrackOptions & { force?: boolean }): ApplyResult {
  const ignore = ignoredPaths(opts.subresource, opts.hasStatusSubresource);
  const entries = decodeManaged(live?.metadata?.managedFields);
  if (live && entries.length === 0) {
    // As upstream: an object nobody tracked yet is owned as a whole by "before-first-apply".
    const all = compare(undefined, live, opts.schema, ignore).changed;
    if (!all.isEmpty()) entries.push({ manager: 'before-first-apply', operation: 'Update', apiVersion: opts.apiVersion, subresource: '', time: opts.now, fields: all });
  }
  const applied = fieldSetOf(stripIgnored(config, ignore), opts.schema, ignore);
  const base = live ? stripForMerge(live) : {};
  let merged = mergeApplied(base, stripIgnored(config, ignore), opts.schema) as KubeObject;
  const changed = compare(live ?? {}, merged, opts.schema, ignore).changed;

  const id = idOf({ manager: opts.manager, operation: 'Apply', apiVersion: opts.apiVersion, subresource: opts.subresource });
  const conflicts = new Map<Entry, FieldSet>();
  for (const e of entries) {
    if (idOf(e) === id) continue;
    const c = e.fields.intersection(changed).intersection(applied);
    if (!c.isEmpty()) conflicts.set(e, c);
  }
  if (conflicts.size && !opts.force) throw conflictError(conflicts);
  for (const [e, c] of conflicts) e.fields = e.fields.difference(c);

  let mine = entries.find((e) => idOf(e) === id);
  const previous = mine?.fields ?? new FieldSet();
  // Fields this manager stops applying go away unless another manager still owns them.
  const others = entries.filter((e) => e !== mine).reduce((acc, e) => acc.union(e.fields), new FieldSet());
  const dropped = [...previous.difference(applied).paths()].filter((p) => !others.hasPrefix(p) && !applied.hasPrefix(p));
  // Deepest first, so removing an item never shifts a path still to be removed.
  dropped.sort((a, b) => b.length - a.length);
  for (const p of dropped) removePath(merged, p, opts.schema);
  merged = pruneEmptyParents(merged, dropped);

  if (!mine) {
    mine = { manager: opts.manager, operation: 'Apply', apiVersion: opts.apiVersion, subresource: opts.subresource, fields: applied };
    entries.push(mine);
  }
  mine.fields = applied;
  mine.apiVersion = opts.apiVersion;
  mine.time = opts.now;
  merged.metadata = { ...(merged.metadata ?? {}) };
  if (live?.metadata) {
    for (const k of SERVER_META) {
      const v = (live.metadata as Record<string, unknown>)[k];
      if (v !== undefined) (merged.metadata as Record<string, unknown>)[k] = v;
    }
  }
  updateLastApplied(merged, config, opts.manager);
  const managedFields = encodeManaged(entries);
  merged.metadata.managedFields = managedFields;
  return { obj: merged, managedFields };
}

const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

/**
 * As kube-apiserver's last-applied updater: when kubectl applies server-side to an object
 * that carries client-side apply's annotation (and the configuration doesn't set it), the
 * annotation is rewritten to the applied configuration, so a later client-side apply
 * computes its three-way merge from what was really applied last.
 */
function updateLastApplied(merged: KubeObject, config: KubeObject, manager: string): void {
  const annotations = merged.metadata?.annotations;
  if (manager !== 'kubectl' || !annotations || annotations[LAST_APPLIED] === undefined) return;
  if (config.metadata?.annotations?.[LAST_APPLIED] !== undefined) return;
  const cfg = JSON.parse(JSON.stringify(config)) as KubeObject;
  if (cfg.metadata?.annotations) {
    delete cfg.metadata.annotations[LAST_APPLIED];
    if (Object.keys(cfg.metadata.annotations).length === 0) delete cfg.metadata.annotations;
  }
  annotations[LAST_APPLIED] = sortedJson(cfg);
}

function sortedJson(v: unknown): string {
  return JSON.stringify(v, (_k, val: unknown) =>
    val && typeof val === 'object' && !Array.isArray(val)
      ? Object.fromEntries(Object.keys(val).sort().map((k) => [k, (val as Record<string, unknown>)[k]]))
      : val,
  );
}

function stripIgnored(config: KubeObject, ignore: (p: readonly string[]) => boolean): KubeObject {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(config)) {
    if (k !== 'apiVersion' && k !== 'kind' && ignore([`f:${k}`])) continue;
    out[k] = v;
  }
  if (config.metadata) {
    const meta: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(config.metadata)) if (!SERVER_META.has(k) || k === 'name' || k === 'namespace') meta[k] = v;
    out.metadata = meta;
  }
  return out as KubeObject;
}

function stripForMerge(live: KubeObject): KubeObject {
  const out = JSON.parse(JSON.stringify(live)) as KubeObject;
  if (out.metadata) delete out.metadata.managedFields;
  return out;
}

// Removing a field can leave `metadata.labels: {}` behind when the map held only it; upstream
// stores no empty maps and lists there (Go's omitempty), so neither do we.
function pruneEmptyParents(obj: KubeObject, dropped: string[][]): KubeObject {
  for (const p of dropped) {
    for (let n = p.length - 1; n >= 1; n--) {
      const parent = p.slice(0, n);
      if (!parent.every((el) => el.startsWith('f:'))) break;
      let cur: unknown = obj;
      for (const el of parent) cur = cur && typeof cur === 'object' ? (cur as Record<string, unknown>)[el.slice(2)] : undefined;
      const emptied = cur && typeof cur === 'object' && (Array.isArray(cur) ? cur.length === 0 : Object.keys(cur).length === 0);
      if (emptied && !(n === 1 && ['f:metadata', 'f:spec', 'f:status'].includes(parent[0]!))) {
        removePath(obj, parent, undefined);
      } else break;
    }
  }
  return obj;
}

function conflictError(conflicts: Map<Entry, FieldSet>): StatusError {
  const groups: string[] = [];
  const causes: { reason: string; message: string; field: string }[] = [];
  let total = 0;
  const sorted = [...conflicts].sort(([a], [b]) => (a.manager < b.manager ? -1 : a.manager > b.manager ? 1 : 0));
  for (const [e, set] of sorted) {
    const who = `"${e.manager}"${e.subresource ? ` with subresource "${e.subresource}"` : ''} using ${e.apiVersion}`;
    const paths = [...set.paths()].map(pathString);
    total += paths.length;
    for (const p of paths) causes.push({ reason: 'FieldManagerConflict', message: `conflict with ${who}`, field: p });
    groups.push(paths.length === 1 ? `conflict with ${who}: ${paths[0]}` : `conflicts with ${who}:\n${paths.map((p) => `- ${p}`).join('\n')}`);
  }
  const message = `Apply failed with ${total} conflict${total === 1 ? '' : 's'}: ${groups.join('\n')}`;
  return new StatusError(409, 'Conflict', message, { causes });
}
