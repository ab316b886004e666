import type { OwnerReference } from '../../apimachinery/types.js';

/**
 * Who an object is, as the garbage collector knows it: its owner-reference coordinates
 * (apiVersion, kind, name, uid) plus its namespace ('' for cluster-scoped objects). For a
 * virtual node these coordinates come from a dependent's ownerReference and may be wrong.
 */
export interface Identity {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  namespace: string;
}

/** A stable string for an identity (map keys, the absent-owner cache). */
export const identityKey = (i: Identity): string => JSON.stringify([i.apiVersion, i.kind, i.namespace, i.name, i.uid]);

export const sameIdentity = (a: Identity, b: Identity): boolean =>
  a.apiVersion === b.apiVersion && a.kind === b.kind && a.name === b.name && a.uid === b.uid && a.namespace === b.namespace;

/** An owner reference's coordinates only (no controller/blockOwnerDeletion), as upstream compares them. */
export function refCoordinates(r: OwnerReference): Pick<OwnerReference, 'apiVersion' | 'kind' | 'name' | 'uid'> {
  return { apiVersion: r.apiVersion, kind: r.kind, name: r.name, uid: r.uid };
}

export const refMatches = (r: OwnerReference, i: Pick<Identity, 'apiVersion' | 'kind' | 'name' | 'uid'>): boolean =>
  r.uid === i.uid && r.name === i.name && r.kind === i.kind && r.apiVersion === i.apiVersion;

export const formatIdentity = (i: Identity): string =>
  `[${i.apiVersion}/${i.kind}, namespace: ${i.namespace}, name: ${i.name}, uid: ${i.uid}]`;

/**
 * One object in the ownership graph, as upstream's node. `observed` is false for a virtual
 * node: an owner some dependent references but no informer has delivered yet (it may not
 * exist). Dependents are kept by uid and resolved through the graph.
 */
export class GraphNode {
  readonly dependents = new Set<string>();
  owners: OwnerReference[];
  /** The object has a deletionTimestamp. */
  beingDeleted: boolean;
  /** The object is being deleted in the foreground (deletionTimestamp + foregroundDeletion). */
  deletingDependents: boolean;
  observed: boolean;

  constructor(
    public identity: Identity,
    init: { owners?: OwnerReference[]; beingDeleted?: boolean; deletingDependents?: boolean; observed: boolean },
  ) {
    this.owners = init.owners ?? [];
    this.beingDeleted = init.beingDeleted ?? false;
    this.deletingDependents = init.deletingDependents ?? false;
    this.observed = init.observed;
  }
}

/**
 * The uid -> node map with the dependents bookkeeping. Single-threaded by construction:
 * only the graph builder mutates it, synchronously.
 */
export class Graph {
  private readonly nodes = new Map<string, GraphNode>();

  get(uid: string): GraphNode | undefined {
    return this.nodes.get(uid);
  }

  set(node: GraphNode): void {
    this.nodes.set(node.identity.uid, node);
  }

  delete(uid: string): void {
    this.nodes.delete(uid);
  }

  get size(): number {
    return this.nodes.size;
  }

  dependentsOf(node: GraphNode): GraphNode[] {
    const out: GraphNode[] = [];
    for (const uid of node.dependents) {
      const d = this.nodes.get(uid);
      if (d) out.push(d);
    }
    return out;
  }

  /** Dependents whose reference to `node` has blockOwnerDeletion=true. */
  blockingDependents(node: GraphNode): GraphNode[] {
    return this.dependentsOf(node).filter((d) => d.owners.some((r) => r.uid === node.identity.uid && r.blockOwnerDeletion === true));
  }
}

/**
 * Splits `dependents` into those whose reference to the owner `owner.uid` matches `owner`'s
 * coordinates and those whose reference does not (a namespaced owner only matches
 * dependents in its own namespace), as upstream's partitionDependents. A dependent with
 * two references to the uid may land in both.
 */
export function partitionDependents(dependents: GraphNode[], owner: Identity): { matching: GraphNode[]; nonmatching: GraphNode[] } {
  const matching: GraphNode[] = [];
  const nonmatching: GraphNode[] = [];
  const ownerNamespaced = owner.namespace !== '';
  for (const dep of dependents) {
    let match = false;
    let mismatch = false;
    if (ownerNamespaced && owner.namespace !== dep.identity.namespace) {
      mismatch = true;
    } else {
      for (const r of dep.owners) {
        if (r.uid !== owner.uid) continue;
        if (refMatches(r, owner)) match = true;
        else mismatch = true;
      }
    }
    if (match) matching.push(dep);
    if (mismatch) nonmatching.push(dep);
  }
  return { matching, nonmatching };
}

/** Upstream's ordering of identities: kind, apiVersion, namespace, name, uid. */
export function identityLess(a: Identity, b: Identity): boolean {
  for (const k of ['kind', 'apiVersion', 'namespace', 'name', 'uid'] as const) {
    if (a[k] !== b[k]) return a[k] < b[k];
  }
  return false;
}

/**
 * Another identity the dependents use for the uid of `absent` (which was verified not to
 * exist): the first following `absent` in identity order, else the first; undefined if none,
 * as upstream's getAlternateOwnerIdentity.
 */
export function alternateOwnerIdentity(deps: GraphNode[], absent: Identity): Identity | undefined {
  const absentClusterScoped = absent.namespace === '';
  const seen = new Set<string>([identityKey(absent)]);
  let first: Identity | undefined;
  let firstFollowing: Identity | undefined;
  for (const dep of deps) {
    for (const r of dep.owners) {
      if (r.uid !== absent.uid) continue;
      if (refMatches(r, absent) && (absentClusterScoped || absent.namespace === dep.identity.namespace)) continue;
      const ref: Identity = { ...refCoordinates(r), namespace: dep.identity.namespace };
      // This apiVersion/kind is known to be cluster-scoped from `absent`.
      if (absentClusterScoped && ref.apiVersion === absent.apiVersion && ref.kind === absent.kind) ref.namespace = '';
      const key = identityKey(ref);
      if (seen.has(key)) continue;
      seen.add(key);
      if (!first || identityLess(ref, first)) first = ref;
      if (identityLess(absent, ref) && (!firstFollowing || identityLess(ref, firstFollowing))) firstFollowing = ref;
    }
  }
  return firstFollowing ?? first;
}

/** Owner references added, removed and changed between two lists (matched by uid), as upstream's referencesDiffs. */
export function referencesDiffs(
  old: OwnerReference[],
  next: OwnerReference[],
): { added: OwnerReference[]; removed: OwnerReference[]; changed: { oldRef: OwnerReference; newRef: OwnerReference }[] } {
  const oldByUid = new Map(old.map((r) => [r.uid, r]));
  const added: OwnerReference[] = [];
  const changed: { oldRef: OwnerReference; newRef: OwnerReference }[] = [];
  for (const r of next) {
    const o = oldByUid.get(r.uid);
    if (!o) {
      added.push(r);
      continue;
    }
    if (!sameRef(o, r)) changed.push({ oldRef: o, newRef: r });
    oldByUid.delete(r.uid);
  }
  return { added, removed: [...oldByUid.values()], changed };
}

function sameRef(a: OwnerReference, b: OwnerReference): boolean {
  return (
    refMatches(a, b) && (a.controller ?? undefined) === (b.controller ?? undefined) && (a.blockOwnerDeletion ?? undefined) === (b.blockOwnerDeletion ?? undefined)
  );
}

/** A bounded least-recently-used set of identities known not to exist (upstream's absentOwnerCache, 500 entries). */
export class ReferenceCache {
  private readonly keys = new Map<string, true>();

  constructor(private readonly capacity = 500) {}

  add(i: Identity): void {
    const k = identityKey(i);
    this.keys.delete(k);
    this.keys.set(k, true);
    if (this.keys.size > this.capacity) this.keys.delete(this.keys.keys().next().value!);
  }

  has(i: Identity): boolean {
    const k = identityKey(i);
    if (!this.keys.has(k)) return false;
    this.keys.delete(k);
    this.keys.set(k, true);
    return true;
  }
}
