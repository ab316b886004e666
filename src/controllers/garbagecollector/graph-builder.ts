import type { KubeObject, OwnerReference } from '../../apimachinery/types.js';
import { EventType, type EventRecorder } from '../../client/event-recorder.js';
import type { Workqueue } from '../../client/workqueue.js';
import { logger } from '../../util/log.js';
import {
  alternateOwnerIdentity,
  formatIdentity,
  Graph,
  GraphNode,
  partitionDependents,
  refCoordinates,
  refMatches,
  referencesDiffs,
  sameIdentity,
  type Identity,
  type ReferenceCache,
} from './graph.js';

const log = logger('garbage-collector');

export const FOREGROUND = 'foregroundDeletion';
export const ORPHAN = 'orphan';

/** A change of one object as the informers (or the collector itself, `virtual`) report it. */
export interface GraphEvent {
  type: 'add' | 'update' | 'delete';
  /** Constructed by the collector after a live read found the object absent. */
  virtual?: boolean;
  obj: KubeObject;
  oldObj?: KubeObject;
  apiVersion: string;
  kind: string;
}

const ownersOf = (o: KubeObject | undefined): OwnerReference[] => (o?.metadata?.ownerReferences ?? []) as OwnerReference[];
const beingDeleted = (o: KubeObject): boolean => !!o.metadata?.deletionTimestamp;
const hasFinalizer = (o: KubeObject, f: string): boolean => (o.metadata?.finalizers ?? []).includes(f);

/** The object just started being deleted with finalizer `f` (it wasn't before, or had no `f`). */
function deletionStartsWith(oldObj: KubeObject | undefined, obj: KubeObject, f: string): boolean {
  if (!beingDeleted(obj) || !hasFinalizer(obj, f)) return false;
  if (!oldObj) return true;
  return !beingDeleted(oldObj) || !hasFinalizer(oldObj, f);
}

export interface GraphBuilderOptions {
  graph: Graph;
  attemptToDelete: Workqueue<string>;
  attemptToOrphan: Workqueue<string>;
  absentOwners: ReferenceCache;
  recorder: EventRecorder;
}

/**
 * Keeps the ownership graph in step with the informers, as upstream's GraphBuilder: every
 * change updates the node and its owners' dependents, creates virtual nodes for owners not
 * seen yet (queued for verification), and queues what needs the collector's attention —
 * dependents of deleted owners, owners that start orphaning (attemptToOrphan) or
 * foreground deletion (attemptToDelete, with all their dependents), owners unblocked by a
 * dependent dropping its blocking reference. Upstream funnels events through one queue into
 * one goroutine; here `process` runs synchronously in the informer callback, which is the
 * same single-consumer FIFO.
 */
export class GraphBuilder {
  readonly graph: Graph;
  private readonly attemptToDelete: Workqueue<string>;
  private readonly attemptToOrphan: Workqueue<string>;
  private readonly absentOwners: ReferenceCache;
  private readonly recorder: EventRecorder;

  constructor(opts: GraphBuilderOptions) {
    this.graph = opts.graph;
    this.attemptToDelete = opts.attemptToDelete;
    this.attemptToOrphan = opts.attemptToOrphan;
    this.absentOwners = opts.absentOwners;
    this.recorder = opts.recorder;
  }

  /** Queues a virtual delete event for a node the API says does not exist (processed at once). */
  virtualDelete(identity: Identity): void {
    this.process({
      type: 'delete',
      virtual: true,
      apiVersion: identity.apiVersion,
      kind: identity.kind,
      obj: { apiVersion: identity.apiVersion, kind: identity.kind, metadata: { name: identity.name, namespace: identity.namespace || undefined, uid: identity.uid } },
    });
  }

  process(event: GraphEvent): void {
    const obj = event.obj;
    const uid = obj.metadata?.uid;
    if (!uid) return;
    let existing = this.graph.get(uid);
    if (existing && !event.virtual && !existing.observed) {
      // The first informer event for a node that was virtual: take its real identity, and
      // re-check dependents that referenced it by other coordinates.
      const observedIdentity = identityOf(event);
      if (!sameIdentity(observedIdentity, existing.identity)) {
        const { nonmatching } = partitionDependents(this.graph.dependentsOf(existing), observedIdentity);
        for (const dep of nonmatching) {
          if (observedIdentity.namespace && dep.identity.namespace !== observedIdentity.namespace) {
            log.info('item references an owner but does not match namespaces', { item: dep.identity, owner: observedIdentity });
            this.reportInvalidNamespaceOwnerRef(dep, observedIdentity.uid);
          }
          this.attemptToDelete.add(dep.identity.uid);
        }
        log.debug('replacing virtual item with observed item', { virtual: existing.identity, observed: observedIdentity });
        existing.identity = observedIdentity;
      }
      existing.observed = true;
    }

    if ((event.type === 'add' || event.type === 'update') && !existing) {
      const node = new GraphNode(identityOf(event), {
        owners: ownersOf(obj),
        beingDeleted: beingDeleted(obj),
        deletingDependents: beingDeleted(obj) && hasFinalizer(obj, FOREGROUND),
        observed: !event.virtual,
      });
      this.graph.set(node);
      this.addDependentToOwners(node, node.owners);
      this.processTransitions(event.oldObj, obj, node);
      return;
    }
    if ((event.type === 'add' || event.type === 'update') && existing) {
      if (!event.virtual && (existing.identity.apiVersion !== event.apiVersion || existing.identity.kind !== event.kind)) {
        existing.identity = { ...existing.identity, apiVersion: event.apiVersion, kind: event.kind };
      }
      const next = ownersOf(obj);
      const { added, removed, changed } = referencesDiffs(existing.owners, next);
      if (added.length || removed.length || changed.length) {
        this.addUnblockedOwnersToDeleteQueue(removed, changed);
        existing.owners = next;
        this.addDependentToOwners(existing, added);
        this.removeDependentFromOwners(existing, removed);
      }
      if (beingDeleted(obj)) existing.beingDeleted = true;
      this.processTransitions(event.oldObj, obj, existing);
      return;
    }
    if (event.type !== 'delete' || !existing) return;

    let removeExisting = true;
    if (event.virtual) {
      const deleted = identityOf(event);
      if (!existing.observed) {
        // The node is virtual too: dependents may disagree about its coordinates.
        const { matching, nonmatching } = partitionDependents(this.graph.dependentsOf(existing), deleted);
        if (nonmatching.length) {
          removeExisting = false;
          if (matching.length) {
            this.absentOwners.add(deleted);
            for (const dep of matching) this.attemptToDelete.add(dep.identity.uid);
          }
          if (sameIdentity(existing.identity, deleted)) {
            const replacement = alternateOwnerIdentity(nonmatching, deleted);
            if (replacement) {
              existing.identity = replacement;
              this.attemptToDelete.addRateLimited(existing.identity.uid);
            }
          }
        }
      } else if (!sameIdentity(existing.identity, deleted)) {
        // A real node is never removed by a virtual event with other coordinates; only the
        // dependents that used those coordinates are affected.
        removeExisting = false;
        const { matching } = partitionDependents(this.graph.dependentsOf(existing), deleted);
        if (matching.length) {
          this.absentOwners.add(deleted);
          for (const dep of matching) this.attemptToDelete.add(dep.identity.uid);
        }
      }
    }
    if (!removeExisting) return;
    this.graph.delete(uid);
    this.removeDependentFromOwners(existing, existing.owners);
    const deps = this.graph.dependentsOf(existing);
    if (deps.length) this.absentOwners.add(identityOf(event));
    for (const dep of deps) this.attemptToDelete.add(dep.identity.uid);
    for (const ref of existing.owners) {
      const owner = this.graph.get(ref.uid);
      // An owner deleting in the foreground may be done now.
      if (owner?.deletingDependents) this.attemptToDelete.add(owner.identity.uid);
    }
  }

  /**
   * Adds `node` to its owners' dependents, creating (and queueing for verification) virtual
   * nodes for owners not in the graph; a dependent whose references disagree with an
   * observed owner (another namespace, other coordinates) is queued so the collector checks
   * whether those references dangle.
   */
  private addDependentToOwners(node: GraphNode, owners: OwnerReference[]): void {
    let potentiallyInvalid = false;
    for (const ref of owners) {
      let owner = this.graph.get(ref.uid);
      if (!owner) {
        owner = new GraphNode({ ...refCoordinates(ref), namespace: node.identity.namespace }, { observed: false });
        this.graph.set(owner);
        owner.dependents.add(node.identity.uid);
        this.attemptToDelete.add(owner.identity.uid);
        continue;
      }
      owner.dependents.add(node.identity.uid);
      if (potentiallyInvalid) continue;
      const ownerNamespaced = owner.identity.namespace !== '';
      if (ownerNamespaced && owner.identity.namespace !== node.identity.namespace) {
        if (owner.observed) {
          // A namespaced owner can only own objects of its own namespace.
          log.info('item references an owner but does not match namespaces', { item: node.identity, owner: owner.identity });
          this.reportInvalidNamespaceOwnerRef(node, ref.uid);
        }
        potentiallyInvalid = true;
      } else if (!refMatches(ref, owner.identity)) {
        potentiallyInvalid = true;
      } else if (!ownerNamespaced && owner.identity.namespace !== node.identity.namespace && !owner.observed) {
        // A virtual cluster-scoped owner referenced from elsewhere may really be a missing
        // namespaced object referenced by a cluster-scoped dependent.
        potentiallyInvalid = true;
      }
    }
    if (potentiallyInvalid) this.attemptToDelete.add(node.identity.uid);
  }

  private removeDependentFromOwners(node: GraphNode, owners: OwnerReference[]): void {
    for (const ref of owners) this.graph.get(ref.uid)?.dependents.delete(node.identity.uid);
  }

  /** A blocking reference removed or made non-blocking may let a foreground owner finish. */
  private addUnblockedOwnersToDeleteQueue(removed: OwnerReference[], changed: { oldRef: OwnerReference; newRef: OwnerReference }[]): void {
    for (const ref of removed) {
      if (ref.blockOwnerDeletion === true && this.graph.get(ref.uid)) this.attemptToDelete.add(ref.uid);
    }
    for (const { oldRef, newRef } of changed) {
      if (oldRef.blockOwnerDeletion === true && newRef.blockOwnerDeletion !== true && this.graph.get(newRef.uid)) this.attemptToDelete.add(newRef.uid);
    }
  }

  private processTransitions(oldObj: KubeObject | undefined, obj: KubeObject, node: GraphNode): void {
    if (deletionStartsWith(oldObj, obj, ORPHAN)) {
      this.attemptToOrphan.add(node.identity.uid);
      return;
    }
    if (deletionStartsWith(oldObj, obj, FOREGROUND)) {
      node.deletingDependents = true;
      for (const dep of node.dependents) this.attemptToDelete.add(dep);
      this.attemptToDelete.add(node.identity.uid);
    }
  }

  /** Warning event OwnerRefInvalidNamespace on a dependent whose owner lives in another namespace. */
  private reportInvalidNamespaceOwnerRef(node: GraphNode, ownerUid: string): void {
    const ref = node.owners.find((r) => r.uid === ownerUid);
    if (!ref) return;
    const invalid: Identity = { ...refCoordinates(ref), namespace: node.identity.namespace };
    this.recorder.eventf(
      { kind: node.identity.kind, apiVersion: node.identity.apiVersion, namespace: node.identity.namespace || undefined, name: node.identity.name, uid: node.identity.uid },
      EventType.Warning,
      'OwnerRefInvalidNamespace',
      'ownerRef %s does not exist in namespace %q',
      formatIdentity(invalid),
      node.identity.namespace,
    );
  }
}

function identityOf(e: GraphEvent): Identity {
  const m = e.obj.metadata ?? {};
  return { apiVersion: e.apiVersion, kind: e.kind, name: m.name ?? '', uid: m.uid ?? '', namespace: m.namespace ?? '' };
}
