import { isAlreadyExists, isConflict } from '../../apimachinery/status.js';
import type { KubeObject } from '../../apimachinery/types.js';
import { gvr, type ApiClient } from '../../client/api-client.js';
import { deepClone, deepEqual } from '../../util/deep.js';
import type { OwnerReference } from '../framework/owner-refs.js';
import { canonicalJson, fnv1, safeEncodeString, sortedKeys } from './hash.js';

export const CONTROLLER_REVISIONS = gvr('apps/v1', 'controllerrevisions');

/** The label carrying a ControllerRevision's hash (history.ControllerRevisionHashLabel). */
export const CONTROLLER_REVISION_HASH_LABEL = 'controller.kubernetes.io/hash';

/** apps/v1 ControllerRevision. `data` is the JSON the revision restores (a patch for StatefulSets and DaemonSets). */
export interface ControllerRevision extends KubeObject {
  data?: unknown;
  revision: number;
}

/** `<prefix>-<hash>`, the prefix cut to 223 bytes so the name stays within 253 (upstream's ControllerRevisionName). */
export function revisionName(prefix: string, hash: string): string {
  return `${prefix.length > 223 ? prefix.slice(0, 223) : prefix}-${hash}`;
}

/**
 * The hash of a revision's data and optional collision count, shaped as upstream's
 * HashControllerRevision (FNV-1 over the data, then the count in decimal, safe-encoded).
 * The data is hashed as canonical JSON.
 */
export function hashRevision(data: unknown, collisionCount?: number): string {
  const enc = new TextEncoder();
  let h = fnv1(enc.encode(canonicalJson(data ?? null)));
  if (collisionCount !== undefined) h = fnv1(enc.encode(String(collisionCount)), h);
  return safeEncodeString(String(h));
}

/**
 * A revision of `parent` (not yet created) as upstream's NewControllerRevision: the template
 * labels plus the hash label, the controller reference, the data and revision number, named
 * `<parent>-<hash>`.
 */
export function newControllerRevision(
  parent: KubeObject,
  controllerRef: OwnerReference,
  templateLabels: Record<string, string> | undefined,
  data: unknown,
  revision: number,
  collisionCount?: number,
): ControllerRevision {
  const hash = hashRevision(data, collisionCount);
  return {
    apiVersion: 'apps/v1',
    kind: 'ControllerRevision',
    metadata: {
      name: revisionName(parent.metadata!.name!, hash),
      namespace: parent.metadata!.namespace,
      labels: { ...(templateLabels ?? {}), [CONTROLLER_REVISION_HASH_LABEL]: hash },
      ownerReferences: [{ ...controllerRef }],
    },
    data: deepClone(data),
    revision,
  };
}

/** Same data (upstream's EqualRevision compares the raw data; key order is not significant here). */
export function equalRevision(a: ControllerRevision | undefined, b: ControllerRevision | undefined): boolean {
  if (!a || !b) return a === b;
  return deepEqual(a.data ?? null, b.data ?? null);
}

/** The revisions whose data equals `needle`'s, in the order given. */
export function findEqualRevisions(revisions: readonly ControllerRevision[], needle: ControllerRevision): ControllerRevision[] {
  return revisions.filter((r) => equalRevision(r, needle));
}

/** Sorted by revision number, then creation time, then name (stable), as upstream's byRevision. */
export function sortRevisions(revisions: ControllerRevision[]): ControllerRevision[] {
  return revisions.sort((a, b) => {
    if (a.revision !== b.revision) return a.revision - b.revision;
    const ta = a.metadata?.creationTimestamp ?? '';
    const tb = b.metadata?.creationTimestamp ?? '';
    if (ta !== tb) return ta < tb ? -1 : 1;
    const na = a.metadata?.name ?? '';
    const nb = b.metadata?.name ?? '';
    return na < nb ? -1 : na > nb ? 1 : 0;
  });
}

/** One more than the highest revision of a sorted list (1 for none). */
export function nextRevisionNumber(sorted: readonly ControllerRevision[]): number {
  return sorted.length ? sorted[sorted.length - 1]!.revision + 1 : 1;
}

/**
 * Creates `revision` under `parent`, as upstream's realHistory.CreateControllerRevision: on
 * a name collision with a revision holding the same data that one is returned; with other
 * data the collision count goes up and the name is recomputed. The counter object is
 * updated in place so the caller can persist it in the parent's status.
 */
export async function createControllerRevision(
  client: ApiClient,
  parent: KubeObject,
  revision: ControllerRevision,
  collision: { count: number },
): Promise<ControllerRevision> {
  for (;;) {
    const clone = deepClone(revision);
    const hash = hashRevision(clone.data, collision.count);
    clone.metadata!.name = revisionName(parent.metadata!.name!, hash);
    clone.metadata!.namespace = parent.metadata!.namespace;
    try {
      return (await client.create(CONTROLLER_REVISIONS, clone.metadata!.namespace ?? '', clone)) as ControllerRevision;
    } catch (e: unknown) {
      if (!isAlreadyExists(e)) throw e;
      const existing = (await client.get(CONTROLLER_REVISIONS, clone.metadata!.namespace ?? '', clone.metadata!.name!)) as ControllerRevision;
      if (equalRevision(existing, clone)) return existing;
      collision.count++;
    }
  }
}

/** Sets a revision's number, retrying on conflicts against a fresh read (upstream's UpdateControllerRevision). */
export async function updateRevisionNumber(client: ApiClient, revision: ControllerRevision, newRevision: number): Promise<ControllerRevision> {
  let cur = deepClone(revision);
  for (let attempt = 0; ; attempt++) {
    if (cur.revision === newRevision) return cur;
    cur.revision = newRevision;
    try {
      return (await client.update(CONTROLLER_REVISIONS, cur.metadata!.namespace ?? '', cur)) as ControllerRevision;
    } catch (e: unknown) {
      if (!isConflict(e) || attempt >= 4) throw e;
      cur = (await client.get(CONTROLLER_REVISIONS, cur.metadata!.namespace ?? '', cur.metadata!.name!)) as ControllerRevision;
    }
  }
}

/**
 * The data StatefulSets and DaemonSets keep in their revisions: a strategic merge patch
 * that replaces `spec.template` with the object's current one (upstream's getPatch), which
 * `kubectl rollout undo` applies to roll back.
 */
export function templatePatchOf(obj: KubeObject): { spec: { template: Record<string, unknown> } } {
  const spec = (obj.spec ?? {}) as { template?: Record<string, unknown> };
  // Keys in sorted order and Go's typed zero values, as upstream's typed encoding and map
  // round trip leave them: `kubectl rollout undo` compares this data byte for byte with its
  // own rendering of the current template to detect a no-op rollback.
  return sortedKeys({ spec: { template: { ...goTypedTemplate(spec.template ?? {}), $patch: 'replace' } } });
}

/**
 * A pod template as Go's encoding of core/v1 PodTemplateSpec renders it: struct-typed fields
 * are never omitted, so metadata.creationTimestamp is null and every container has
 * `resources: {}` when unset.
 */
export function goTypedTemplate(template: Record<string, unknown>): Record<string, unknown> {
  const t = deepClone(template);
  const meta = (t.metadata ??= {}) as Record<string, unknown>;
  if (!('creationTimestamp' in meta)) meta.creationTimestamp = null;
  const spec = t.spec as Record<string, unknown> | undefined;
  if (spec) {
    for (const list of ['initContainers', 'containers', 'ephemeralContainers']) {
      const cs = spec[list];
      if (Array.isArray(cs)) for (const c of cs) if (c && typeof c === 'object' && !('resources' in c)) (c as Record<string, unknown>).resources = {};
    }
  }
  return t;
}

/** Applies a template patch (as templatePatchOf makes) to a copy of `obj` (upstream's ApplyRevision for this patch shape). */
export function applyTemplatePatch<T extends KubeObject>(obj: T, data: unknown): T {
  const clone = deepClone(obj);
  const tpl = (data as { spec?: { template?: Record<string, unknown> } } | undefined)?.spec?.template;
  if (tpl) {
    const { $patch: _ignored, ...rest } = tpl;
    (clone.spec as Record<string, unknown>).template = deepClone(rest);
  }
  return clone;
}
