import { isConflict, isNotFound, isStatusError } from '../../apimachinery/status.js';
import type { KubeObject, OwnerReference } from '../../apimachinery/types.js';
import type { Gvr } from '../../client/api-client.js';
import type { HandlerRegistration, SharedInformer } from '../../client/informer.js';
import { isTombstone } from '../../client/indexer.js';
import { runWorkers, Workqueue, type ReconcileResult } from '../../client/workqueue.js';
import { deepEqual } from '../../util/deep.js';
import { logger } from '../../util/log.js';
import { GroupDiscoveryFailedError, type DiscoveredResource } from '../framework/discovery.js';
import type { Controller, ControllerContext } from '../framework/types.js';
import { formatIdentity, Graph, ReferenceCache, refCoordinates, type GraphNode, type Identity } from './graph.js';
import { FOREGROUND, GraphBuilder, ORPHAN } from './graph-builder.js';

const log = logger('garbage-collector');

/** How often the served resources are re-read to follow new ones (upstream's GC resync, 30 s). */
export const RESYNC_MS = 30_000;
/** Upstream's --concurrent-gc-syncs default. */
export const GC_WORKERS = 20;
/** Resources the collector never follows, as upstream's DefaultIgnoredResources. */
const IGNORED = new Set(['/events', 'events.k8s.io/events']);
/** retry.DefaultBackoff's steps, for finalizer removal under conflicts. */
const FINALIZER_RETRIES = 4;

interface Mapping {
  gvr: Gvr;
  namespaced: boolean;
}

/** attemptToDeleteItem produced a virtual delete event; nothing to requeue. */
class EnqueuedVirtualDelete extends Error {}
/** A cluster-scoped object names a namespaced owner: never resolves; nothing to requeue. */
class NamespacedOwnerOfClusterScopedObject extends Error {}

const ownersOf = (o: KubeObject): OwnerReference[] => (o.metadata?.ownerReferences ?? []) as OwnerReference[];
const hasFinalizer = (o: KubeObject, f: string) => (o.metadata?.finalizers ?? []).includes(f);
const groupOf = (apiVersion: string) => (apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '');
const apiVersionOfResource = (r: DiscoveredResource) => (r.group ? `${r.group}/${r.version}` : r.version);
const resourceKey = (r: DiscoveredResource) => `${r.group}/${r.resource}`;

interface Monitor {
  resource: DiscoveredResource;
  informer: SharedInformer;
  registration: HandlerRegistration;
}

export interface GarbageCollectorOptions {
  /** Default RESYNC_MS. */
  resyncMs?: number;
  /** Default GC_WORKERS. */
  workers?: number;
}

/**
 * The garbage collector, as kube-controller-manager's "garbage-collector": it follows every
 * served resource that supports list, watch and delete (except events), keeps the
 * ownership graph (GraphBuilder) and runs two kinds of workers:
 * - attemptToDelete: an object whose owners are all gone is deleted (with the propagation
 *   its own orphan/foregroundDeletion finalizer asks for); references to owners that are
 *   gone or deleting in the foreground are removed from an object that still has a live
 *   owner; an owner deleting in the foreground loses its finalizer once no dependent with
 *   blockOwnerDeletion remains. Owners are verified with a live GET compared by uid (and a
 *   cache of known-absent owners), so a stale informer never causes a deletion.
 * - attemptToOrphan: an owner deleted with the orphan finalizer has its reference removed
 *   from every dependent, then the finalizer.
 * Discovery is repeated every `resyncMs` so resources served later (CRDs) are followed too.
 */
export class GarbageCollector implements Controller {
  readonly name = 'garbage-collector';
  readonly graph = new Graph();
  private readonly attemptToDelete: Workqueue<string>;
  private readonly attemptToOrphan: Workqueue<string>;
  private readonly absentOwners = new ReferenceCache(500);
  private readonly builder: GraphBuilder;
  private readonly monitors = new Map<string, Monitor>();
  private mapper = new Map<string, Mapping>();
  private readonly resyncMs: number;
  private readonly workers: number;

  constructor(
    private readonly ctx: ControllerContext,
    opts: GarbageCollectorOptions = {},
  ) {
    this.attemptToDelete = new Workqueue<string>({ clock: ctx.clock });
    this.attemptToOrphan = new Workqueue<string>({ clock: ctx.clock });
    this.builder = new GraphBuilder({
      graph: this.graph,
      attemptToDelete: this.attemptToDelete,
      attemptToOrphan: this.attemptToOrphan,
      absentOwners: this.absentOwners,
      recorder: ctx.recorder('garbage-collector-controller'),
    });
    this.resyncMs = opts.resyncMs ?? RESYNC_MS;
    this.workers = opts.workers ?? GC_WORKERS;
  }

  async run(signal: AbortSignal): Promise<void> {
    // As upstream: no collection before every monitor has synced, or a dependent seen before
    // its owner's informer has listed would look orphaned (the live check would still save
    // it, at the cost of a read per object).
    while (!signal.aborted && !(await this.sync(signal))) {
      await this.ctx.clock.sleep(1000, signal).catch(() => {});
    }
    if (signal.aborted) return;
    log.info('all resource monitors have synced; proceeding to collect garbage');
    const resync = (async () => {
      while (!signal.aborted) {
        try {
          await this.ctx.clock.sleep(this.resyncMs, signal);
        } catch {
          return;
        }
        // As upstream: a new resource that does not sync within a resync period does not
        // hold up the next discovery.
        const bounded = new AbortController();
        const cancel = this.ctx.clock.setTimer(() => bounded.abort(), this.resyncMs);
        await this.sync(AbortSignal.any([signal, bounded.signal]));
        cancel();
      }
    })();
    await Promise.all([
      runWorkers(this.attemptToDelete, (uid) => this.attemptToDeleteWorker(uid), signal, { workers: this.workers, name: 'garbage-collector' }),
      runWorkers(this.attemptToOrphan, (uid) => this.attemptToOrphanWorker(uid), signal, { workers: this.workers, name: 'garbage-collector' }),
      resync,
    ]);
  }

  /**
   * Re-reads discovery: maps kinds to resources, starts following new deletable resources
   * and stops following gone ones. Resolves true once every monitor has synced.
   */
  async sync(signal: AbortSignal): Promise<boolean> {
    let resources: DiscoveredResource[];
    try {
      resources = await this.ctx.discovery();
    } catch (e: unknown) {
      // As upstream: go on with what was discovered; nothing at all means no change.
      resources = e instanceof GroupDiscoveryFailedError ? e.resources : [];
      if (e instanceof GroupDiscoveryFailedError) log.info('failed to discover some groups', { groups: Object.fromEntries(e.groups) });
      else log.warn('failed to discover preferred resources', { error: e });
      if (!resources.length) return this.monitors.size > 0;
    }
    const mapper = new Map<string, Mapping>();
    for (const r of resources) {
      mapper.set(`${r.group}/${r.kind}`, { gvr: { group: r.group, version: r.version, resource: r.resource }, namespaced: r.namespaced });
    }
    this.mapper = mapper;
    const wanted = new Map<string, DiscoveredResource>();
    for (const r of resources) {
      if (IGNORED.has(resourceKey(r))) continue;
      if (!['delete', 'list', 'watch'].every((v) => r.verbs.includes(v))) continue;
      wanted.set(resourceKey(r), r);
    }
    for (const [key, m] of this.monitors) {
      const r = wanted.get(key);
      if (r && r.version === m.resource.version) continue;
      m.registration.remove();
      this.monitors.delete(key);
    }
    for (const [key, r] of wanted) {
      if (this.monitors.has(key)) continue;
      const informer = this.ctx.informers.informerFor({ group: r.group, version: r.version, resource: r.resource });
      const apiVersion = apiVersionOfResource(r);
      const registration = informer.addEventHandler(
        {
          onAdd: (obj) => this.builder.process({ type: 'add', obj, apiVersion, kind: r.kind }),
          onUpdate: (oldObj, obj) => this.builder.process({ type: 'update', obj, oldObj, apiVersion, kind: r.kind }),
          onDelete: (obj) => {
            const o = isTombstone(obj) ? obj.obj : obj;
            if (o) this.builder.process({ type: 'delete', obj: o, apiVersion, kind: r.kind });
          },
        },
        { resyncPeriodMs: 0 },
      );
      this.monitors.set(key, { resource: r, informer, registration });
    }
    const synced = await Promise.all([...this.monitors.values()].map((m) => m.informer.waitForSync(signal)));
    return synced.every(Boolean) && this.monitors.size > 0;
  }

  /** The resource serving objects of `apiVersion`/`kind` (by group and kind, as the REST mapper). */
  private mapping(apiVersion: string, kind: string): Mapping {
    const m = this.mapper.get(`${groupOf(apiVersion)}/${kind}`);
    if (!m) throw new Error(`unable to get REST mapping for ${kind}.${apiVersion}.`);
    return m;
  }

  private async getObject(i: Identity): Promise<KubeObject> {
    const m = this.mapping(i.apiVersion, i.kind);
    return this.ctx.client.get(m.gvr, m.namespaced ? i.namespace : '', i.name);
  }

  /** One attemptToDelete item (a uid), as upstream's attemptToDeleteWorker. */
  async attemptToDeleteWorker(uid: string): Promise<ReconcileResult | void> {
    const node = this.graph.get(uid);
    if (!node) return;
    try {
      await this.attemptToDeleteItem(node);
    } catch (e: unknown) {
      if (e instanceof EnqueuedVirtualDelete || e instanceof NamespacedOwnerOfClusterScopedObject) return;
      throw e;
    }
    // A virtual node must be seen by an informer (or verified absent) before it is dropped,
    // or one created and deleted while a watch was down would stay forever.
    const now = this.graph.get(uid);
    if (now && !now.observed) return { requeue: true };
  }

  private async attemptToDeleteItem(item: GraphNode): Promise<void> {
    // Being deleted is a one-way trip; its dependents are handled once it is gone.
    if (item.beingDeleted && !item.deletingDependents) return;
    let latest: KubeObject;
    try {
      latest = await this.getObject(item.identity);
    } catch (e: unknown) {
      if (!isNotFound(e)) throw e;
      this.builder.virtualDelete(item.identity);
      throw new EnqueuedVirtualDelete();
    }
    if (latest.metadata?.uid !== item.identity.uid) {
      this.builder.virtualDelete(item.identity);
      throw new EnqueuedVirtualDelete();
    }
    if (item.deletingDependents) return this.processDeletingDependentsItem(item);

    const refs = ownersOf(latest);
    if (!refs.length) return;
    const { solid, dangling, waiting } = await this.classifyReferences(item, refs);
    if (solid.length) {
      if (!dangling.length && !waiting.length) return;
      // References to owners that are gone or waiting for their dependents go, or a
      // foreground owner would wait for this object forever.
      log.debug('removing dangling and waiting references', { item: item.identity, dangling, waiting });
      await this.removeOwnerReferences(item, [...dangling, ...waiting].map((r) => r.uid));
      return;
    }
    if (waiting.length && item.dependents.size) {
      for (const dep of this.graph.dependentsOf(item)) {
        if (!dep.deletingDependents) continue;
        // A possible cycle (this object's owner and dependent are both deleting in the
        // foreground): make this object's references non-blocking first.
        await this.unblockOwnerReferences(item);
        break;
      }
      await this.deleteOrVirtual(item, latest, 'Foreground');
      return;
    }
    const policy = hasFinalizer(latest, ORPHAN) ? 'Orphan' : hasFinalizer(latest, FOREGROUND) ? 'Foreground' : 'Background';
    log.debug('deleting item', { item: item.identity, propagationPolicy: policy });
    await this.deleteOrVirtual(item, latest, policy);
  }

  private async deleteOrVirtual(item: GraphNode, latest: KubeObject, policy: 'Orphan' | 'Foreground' | 'Background'): Promise<void> {
    try {
      await this.deleteObject(item.identity, latest.metadata?.resourceVersion ?? '', ownersOf(latest), policy);
    } catch (e: unknown) {
      if (!isNotFound(e)) throw e;
      this.builder.virtualDelete(item.identity);
      throw new EnqueuedVirtualDelete();
    }
  }

  /**
   * Deletes with uid and resourceVersion preconditions; when only the resourceVersion moved
   * on (the owners are as seen), retries with the uid alone, as upstream.
   */
  private async deleteObject(i: Identity, resourceVersion: string, owners: OwnerReference[], policy: 'Orphan' | 'Foreground' | 'Background'): Promise<void> {
    const m = this.mapping(i.apiVersion, i.kind);
    const ns = m.namespaced ? i.namespace : '';
    try {
      await this.ctx.client.delete(m.gvr, ns, i.name, { propagationPolicy: policy, preconditions: { uid: i.uid, resourceVersion: resourceVersion || undefined } });
      return;
    } catch (e: unknown) {
      if (!isConflict(e) || !resourceVersion) throw e;
      const live = await this.ctx.client.get(m.gvr, ns, i.name);
      if (live.metadata?.uid !== i.uid || live.metadata?.resourceVersion === resourceVersion || !deepEqual(ownersOf(live), owners)) throw e;
    }
    await this.ctx.client.delete(m.gvr, ns, i.name, { propagationPolicy: policy, preconditions: { uid: i.uid } });
  }

  /**
   * Sorts an object's references into solid (owner exists, not deleting in the
   * foreground), dangling (owner gone) and waiting (owner deleting in the foreground).
   */
  private async classifyReferences(item: GraphNode, refs: OwnerReference[]): Promise<{ solid: OwnerReference[]; dangling: OwnerReference[]; waiting: OwnerReference[] }> {
    const solid: OwnerReference[] = [];
    const dangling: OwnerReference[] = [];
    const waiting: OwnerReference[] = [];
    for (const ref of refs) {
      const { isDangling, owner } = await this.isDangling(ref, item);
      if (isDangling) dangling.push(ref);
      else if (owner?.metadata?.deletionTimestamp && hasFinalizer(owner, FOREGROUND)) waiting.push(ref);
      else solid.push(ref);
    }
    return { solid, dangling, waiting };
  }

  /** Whether `ref` points at nothing: the absent-owner cache, else a live GET compared by uid. */
  private async isDangling(ref: OwnerReference, item: GraphNode): Promise<{ isDangling: boolean; owner?: KubeObject }> {
    const key: Identity = { ...refCoordinates(ref), namespace: '' };
    if (this.absentOwners.has(key)) return { isDangling: true };
    key.namespace = item.identity.namespace;
    if (this.absentOwners.has(key)) return { isDangling: true };
    const m = this.mapping(ref.apiVersion, ref.kind);
    if (!m.namespaced) key.namespace = '';
    if (!item.identity.namespace && m.namespaced) {
      log.info('item is cluster-scoped, but refers to a namespaced owner', { item: item.identity, owner: ref });
      throw new NamespacedOwnerOfClusterScopedObject();
    }
    let owner: KubeObject;
    try {
      owner = await this.ctx.client.get(m.gvr, m.namespaced ? item.identity.namespace : '', ref.name);
    } catch (e: unknown) {
      if (!isNotFound(e)) throw e;
      this.absentOwners.add(key);
      return { isDangling: true };
    }
    if (owner.metadata?.uid !== ref.uid) {
      this.absentOwners.add(key);
      return { isDangling: true };
    }
    return { isDangling: false, owner };
  }

  /** An owner deleting in the foreground: done once no blocking dependent is left. */
  private async processDeletingDependentsItem(item: GraphNode): Promise<void> {
    const blocking = this.graph.blockingDependents(item);
    if (!blocking.length) {
      log.debug('removing the foregroundDeletion finalizer', { item: item.identity });
      await this.removeFinalizer(item, FOREGROUND);
      return;
    }
    for (const dep of blocking) if (!dep.deletingDependents) this.attemptToDelete.add(dep.identity.uid);
  }

  /** One attemptToOrphan item: drop the owner from every dependent, then its orphan finalizer. */
  async attemptToOrphanWorker(uid: string): Promise<void> {
    const owner = this.graph.get(uid);
    if (!owner) return;
    const deps = this.graph.dependentsOf(owner);
    const failures: string[] = [];
    await Promise.all(
      deps.map(async (dep) => {
        try {
          await this.removeOwnerReferences(dep, [uid]);
        } catch (e: unknown) {
          if (!isNotFound(e)) failures.push(`orphaning ${formatIdentity(dep.identity)} failed, ${(e as Error).message}`);
        }
      }),
    );
    if (failures.length) throw new Error(`failed to orphan dependents of owner ${formatIdentity(owner.identity)}, got errors: [${failures.join(', ')}]`);
    await this.removeFinalizer(owner, ORPHAN);
  }

  /**
   * Removes the references with these uids from `item`: a strategic merge patch with a uid
   * precondition, or (for resources without strategic merge, 415) a JSON merge patch of the
   * remaining list with a resourceVersion precondition, as upstream.
   */
  private async removeOwnerReferences(item: GraphNode, ownerUids: string[]): Promise<void> {
    const m = this.mapping(item.identity.apiVersion, item.identity.kind);
    const ns = m.namespaced ? item.identity.namespace : '';
    const smp = { metadata: { ownerReferences: ownerUids.map((uid) => ({ $patch: 'delete', uid })), uid: item.identity.uid } };
    try {
      await this.ctx.client.patch(m.gvr, ns, item.identity.name, 'strategic', smp);
      return;
    } catch (e: unknown) {
      if (!isStatusError(e) || e.code !== 415) throw e;
    }
    const live = await this.ctx.client.get(m.gvr, ns, item.identity.name);
    if (live.metadata?.uid !== item.identity.uid) return;
    const drop = new Set(ownerUids);
    const keep = ownersOf(live).filter((r) => !drop.has(r.uid));
    await this.ctx.client.patch(m.gvr, ns, item.identity.name, 'merge', {
      metadata: { resourceVersion: live.metadata?.resourceVersion, ownerReferences: keep.length ? keep : null },
    });
  }

  /** Sets blockOwnerDeletion=false on the item's blocking references (cycle breaking). */
  private async unblockOwnerReferences(item: GraphNode): Promise<void> {
    const m = this.mapping(item.identity.apiVersion, item.identity.kind);
    const ns = m.namespaced ? item.identity.namespace : '';
    const blocking = item.owners.filter((r) => r.blockOwnerDeletion === true);
    if (!blocking.length) return;
    try {
      await this.ctx.client.patch(m.gvr, ns, item.identity.name, 'strategic', {
        metadata: { ownerReferences: blocking.map((r) => ({ uid: r.uid, blockOwnerDeletion: false })), uid: item.identity.uid },
      });
      return;
    } catch (e: unknown) {
      if (!isStatusError(e) || e.code !== 415) throw e;
    }
    const live = await this.ctx.client.get(m.gvr, ns, item.identity.name);
    const refs = ownersOf(live).map((r) => (r.blockOwnerDeletion === true ? { ...r, blockOwnerDeletion: false } : r));
    await this.ctx.client.patch(m.gvr, ns, item.identity.name, 'merge', { metadata: { resourceVersion: live.metadata?.resourceVersion, ownerReferences: refs } });
  }

  /** Removes `finalizer` from the live object (merge patch with resourceVersion), retrying conflicts. */
  private async removeFinalizer(node: GraphNode, finalizer: string): Promise<void> {
    const m = this.mapping(node.identity.apiVersion, node.identity.kind);
    const ns = m.namespaced ? node.identity.namespace : '';
    for (let attempt = 0; attempt < FINALIZER_RETRIES; attempt++) {
      let live: KubeObject;
      try {
        live = await this.ctx.client.get(m.gvr, ns, node.identity.name);
      } catch (e: unknown) {
        if (isNotFound(e)) return;
        throw new Error(`cannot finalize owner ${formatIdentity(node.identity)}, because cannot get it: ${(e as Error).message}. The garbage collector will retry later.`);
      }
      if (live.metadata?.uid !== node.identity.uid) return;
      const finalizers = live.metadata?.finalizers ?? [];
      if (!finalizers.includes(finalizer)) return;
      const rest = finalizers.filter((f) => f !== finalizer);
      try {
        await this.ctx.client.patch(m.gvr, ns, node.identity.name, 'merge', {
          metadata: { finalizers: rest.length ? rest : null, resourceVersion: live.metadata?.resourceVersion },
        });
        return;
      } catch (e: unknown) {
        if (isNotFound(e)) return;
        if (!isConflict(e)) throw e;
      }
    }
    throw new Error(`updateMaxRetries(${FINALIZER_RETRIES}) has reached. The garbage collector will retry later for owner ${formatIdentity(node.identity)}.`);
  }
}

