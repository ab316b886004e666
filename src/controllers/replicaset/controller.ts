import { isNotFound, type KubeObject, type Selector } from '../../apimachinery/index.js';
import { isTombstone, runWorkers, Workqueue, type DeletedFinalStateUnknown, type Indexer, type Lister } from '../../client/index.js';
import { deepEqual } from '../../util/deep.js';
import { logger, type Logger } from '../../util/log.js';
import {
  claimObjects,
  controllerRefOf,
  controllerReference,
  isNamespaceTerminating,
  isPodActive,
  isPodReady,
  keyOf,
  messageOf,
  newControllerRef,
  PodControl,
  PODS,
  recheckDeletion,
  splitKeyOf,
  type Controller,
  type ControllerContext,
  type OwnerReference,
} from '../framework/index.js';
import { UidTrackingExpectations } from './expectations.js';
import { desiredReplicas, minReadySecondsOf, templateOf, type ReplicaKind } from './kinds.js';
import { podsToDelete } from './ranking.js';
import { SLOW_START_INITIAL_BATCH, slowStartBatch } from './slow-start.js';
import { calculateStatus, serializeStatus, statusOf, type ReplicaSetStatus } from './status.js';

/** Upstream's BurstReplicas: at most this many pod creations or deletions per sync. */
export const BURST_REPLICAS = 500;

/** The index of the owner informer by controller uid (upstream's controllerUIDIndex). */
export const CONTROLLER_UID_INDEX = 'controllerUID';

/** A status update is retried once after a fresh GET, as upstream's statusUpdateRetries. */
const STATUS_UPDATE_RETRIES = 1;

export interface ReplicaSetControllerOptions {
  /** Creations or deletions per sync (default BURST_REPLICAS). */
  burstReplicas?: number;
}

const podKey = (pod: KubeObject): string => `${pod.metadata?.namespace ?? ''}/${pod.metadata?.name ?? ''}`;

/**
 * The ReplicaSet controller, also serving ReplicationControllers (`kind`), as upstream's
 * kube-controller-manager "replicaset" and "replicationcontroller" controllers.
 *
 * Each sync of an owner: claims the active pods of its namespace (adopting matching orphans
 * after a live re-check of the owner, releasing owned pods that stopped matching); when its
 * expectations are met and it is not being deleted, creates the missing pods in slow-start
 * batches or deletes the surplus in upstream's deletion order, at most `burstReplicas` per
 * sync; then writes replicas, fullyLabeledReplicas, readyReplicas, availableReplicas,
 * observedGeneration and the ReplicaFailure condition. Expectations keep it from acting again
 * on a cache that has not yet seen its own creations and deletions.
 *
 * Events (component replicaset-controller / replication-controller): SuccessfulCreate
 * "Created pod: NAME", SuccessfulDelete "Deleted pod: NAME", FailedCreate "Error creating:
 * ...", FailedDelete "Error deleting: ...".
 */
export class ReplicaSetController implements Controller {
  readonly name: string;
  /** Exposed for tests: the pending creations and deletions per owner key. */
  readonly expectations: UidTrackingExpectations;
  private readonly queue: Workqueue<string>;
  private readonly owners: Lister;
  private readonly ownerIndex: Indexer;
  private readonly pods: Lister;
  private readonly podControl: PodControl;
  private readonly burst: number;
  private readonly log: Logger;

  constructor(
    private readonly ctx: ControllerContext,
    private readonly kind: ReplicaKind,
    opts: ReplicaSetControllerOptions = {},
  ) {
    this.name = kind.name;
    this.log = logger(`${kind.name}-controller`);
    this.burst = opts.burstReplicas ?? BURST_REPLICAS;
    this.queue = new Workqueue<string>({ clock: ctx.clock });
    this.expectations = new UidTrackingExpectations(ctx.clock);
    const ownerInf = ctx.informers.informerFor(kind.gvr, {
      indexers: {
        [CONTROLLER_UID_INDEX]: (o) => {
          const ref = controllerRefOf(o);
          return ref ? [ref.uid] : [];
        },
      },
    });
    const podInf = ctx.informers.informerFor(PODS);
    this.owners = ownerInf.lister();
    this.ownerIndex = ownerInf.indexer;
    this.pods = podInf.lister();
    this.podControl = new PodControl(ctx.client, ctx.recorder(kind.component));
    ownerInf.addEventHandler({
      onAdd: (o) => this.queue.add(keyOf(o)),
      onUpdate: (old, cur) => this.ownerUpdated(old, cur),
      onDelete: (o) => this.ownerDeleted(o),
    });
    podInf.addEventHandler({
      onAdd: (p) => this.podAdded(p),
      onUpdate: (old, cur) => this.podUpdated(old, cur),
      onDelete: (p) => this.podDeleted(p),
    });
  }

  async run(signal: AbortSignal): Promise<void> {
    this.log.info('starting controller', { name: this.kind.name });
    if (!(await this.ctx.informers.waitForCacheSync(signal))) return;
    await runWorkers(this.queue, (key) => this.sync(key), signal, { workers: this.ctx.workers, name: this.name, log: this.log });
  }

  // ---- informer handlers (as upstream's addRS/updateRS/deleteRS/addPod/updatePod/deletePod) ----

  private ownerUpdated(old: KubeObject, cur: KubeObject): void {
    // A delete and re-create under the same name seen as one update: forget the old one first.
    if (old.metadata?.uid !== cur.metadata?.uid) this.ownerDeleted(old);
    this.queue.add(keyOf(cur));
  }

  private ownerDeleted(obj: KubeObject | DeletedFinalStateUnknown): void {
    const key = isTombstone(obj) ? obj.key : keyOf(obj);
    // A new owner with the same name starts with clean expectations.
    this.expectations.delete(key);
    this.queue.add(key);
  }

  /** The owner a controller reference points to, if it is of our kind and still the same object. */
  private resolveControllerRef(namespace: string, ref: OwnerReference): KubeObject | undefined {
    if (ref.kind !== this.kind.kind) return undefined;
    const owner = this.owners.get(namespace, ref.name);
    return owner && owner.metadata?.uid === ref.uid ? owner : undefined;
  }

  /** The owners whose selector matches an orphan pod (more than one is a user error). */
  private ownersSelecting(pod: KubeObject): KubeObject[] {
    const ns = pod.metadata?.namespace ?? '';
    const labels = pod.metadata?.labels ?? {};
    const found = this.owners
      .namespace(ns)
      .list()
      .filter((o) => this.kind.podSelector(o).matches(labels));
    if (found.length > 1) this.log.warn(`user error! more than one ${this.kind.kind} is selecting pods with labels`, { pod: podKey(pod), labels });
    return found;
  }

  private podAdded(pod: KubeObject): void {
    if (pod.metadata?.deletionTimestamp) {
      // After a restart a pod may first show up already being deleted: not a creation.
      this.podDeleted(pod);
      return;
    }
    const ref = controllerRefOf(pod);
    if (ref) {
      const owner = this.resolveControllerRef(pod.metadata?.namespace ?? '', ref);
      if (!owner) return;
      const key = keyOf(owner);
      this.expectations.creationObserved(key);
      this.queue.add(key);
      return;
    }
    // An orphan: every owner that selects it may want to adopt it. No creation is observed.
    for (const o of this.ownersSelecting(pod)) this.queue.add(keyOf(o));
  }

  private podUpdated(old: KubeObject, cur: KubeObject): void {
    if (old.metadata?.resourceVersion === cur.metadata?.resourceVersion) return;
    const labelChanged = !deepEqual(old.metadata?.labels ?? {}, cur.metadata?.labels ?? {});
    if (cur.metadata?.deletionTimestamp) {
      // A graceful deletion has begun: replace the pod now rather than when it is gone.
      this.podDeleted(cur);
      if (labelChanged) this.podDeleted(old);
      return;
    }
    const curRef = controllerRefOf(cur);
    const oldRef = controllerRefOf(old);
    const refChanged = !deepEqual(curRef, oldRef);
    if (refChanged && oldRef) {
      const prev = this.resolveControllerRef(old.metadata?.namespace ?? '', oldRef);
      if (prev) this.queue.add(keyOf(prev));
    }
    if (curRef) {
      const owner = this.resolveControllerRef(cur.metadata?.namespace ?? '', curRef);
      if (!owner) return;
      const key = keyOf(owner);
      this.queue.add(key);
      const minReady = minReadySecondsOf(owner);
      // The pod becomes available minReadySeconds after turning ready: look again then
      // (plus a second against clock skew, as upstream).
      if (!isPodReady(old) && isPodReady(cur) && minReady > 0) this.queue.addAfter(key, minReady * 1000 + 1000);
      return;
    }
    if (labelChanged || refChanged) for (const o of this.ownersSelecting(cur)) this.queue.add(keyOf(o));
  }

  private podDeleted(obj: KubeObject | DeletedFinalStateUnknown): void {
    const pod = isTombstone(obj) ? obj.obj : obj;
    if (!pod) return;
    const ref = controllerRefOf(pod);
    if (!ref) return;
    const owner = this.resolveControllerRef(pod.metadata?.namespace ?? '', ref);
    if (!owner) return;
    const key = keyOf(owner);
    this.expectations.deletionObserved(key, podKey(pod));
    this.queue.add(key);
  }

  // ---- sync ----

  /**
   * Reconciles the owner `namespace/name` (public for tests). Throws — so the key is requeued
   * with backoff — when claiming, creating, deleting or the status update failed.
   */
  async sync(key: string): Promise<void> {
    const { namespace, name } = splitKeyOf(key);
    const owner = this.owners.get(namespace, name);
    if (!owner) {
      this.expectations.delete(key);
      return;
    }
    const needsSync = this.expectations.satisfied(key);
    let selector: Selector;
    try {
      selector = this.kind.selector(owner);
    } catch (e: unknown) {
      // An invalid selector is the user's to fix; retrying cannot help.
      this.log.error('error converting pod selector to selector', { key, error: messageOf(e) });
      return;
    }
    // Every active pod of the namespace: owned ones that stopped matching must be released.
    const active = this.pods.namespace(namespace).list().filter(isPodActive);
    const claimed = await claimObjects(active, {
      client: this.ctx.client,
      gvr: PODS,
      owner,
      ownerRef: this.controllerRef(owner),
      match: (p) => selector.matches(p.metadata?.labels ?? {}),
      canAdopt: recheckDeletion(this.ctx.client, this.kind.gvr, owner, this.kind.kind),
    });
    let manageError: unknown;
    let failed = false;
    if (needsSync && !owner.metadata?.deletionTimestamp) {
      try {
        await this.manageReplicas(key, owner, claimed);
      } catch (e: unknown) {
        failed = true;
        manageError = e ?? new Error('unknown error');
      }
    }
    const newStatus = calculateStatus(owner, claimed, failed ? manageError : undefined, this.ctx.clock.now());
    const updated = await this.updateStatus(owner, newStatus);
    const st = statusOf(updated);
    const want = desiredReplicas(updated);
    const minReady = minReadySecondsOf(updated);
    // A last line of defence against clock skew: look again once the ready pods should be available.
    if (!failed && minReady > 0 && st.readyReplicas === want && st.availableReplicas !== want) this.queue.addAfter(key, minReady * 1000);
    if (failed) throw manageError;
  }

  private controllerRef(owner: KubeObject): OwnerReference {
    return newControllerRef(owner, this.kind.apiVersion, this.kind.kind);
  }

  /** Creates or deletes pods to bring `active` (the claimed active pods) to spec.replicas. */
  private async manageReplicas(key: string, owner: KubeObject, active: readonly KubeObject[]): Promise<void> {
    const namespace = owner.metadata!.namespace ?? '';
    const regarding = controllerReference(owner, this.kind.apiVersion, this.kind.kind);
    let diff = active.length - desiredReplicas(owner);
    if (diff < 0) {
      diff = Math.min(-diff, this.burst);
      this.expectations.expectCreations(key, diff);
      const ref = this.controllerRef(owner);
      const template = templateOf(owner);
      const { successes, error } = await slowStartBatch(diff, SLOW_START_INITIAL_BATCH, async () => {
        try {
          await this.podControl.createPod(namespace, template, regarding, ref);
        } catch (e: unknown) {
          // Every creation fails in a terminating namespace: nothing to report.
          if (isNamespaceTerminating(e)) return;
          throw e;
        }
      });
      // Pods that were never created will never be observed.
      for (let i = successes; i < diff; i++) this.expectations.creationObserved(key);
      if (error !== undefined) throw error;
      return;
    }
    if (diff > 0) {
      diff = Math.min(diff, this.burst);
      const victims = podsToDelete(active, this.indirectlyRelatedPods(owner), diff, this.ctx.clock.now());
      // Remember exactly which pods go, so each deletion is counted once.
      this.expectations.expectDeletions(key, victims.map(podKey));
      const results = await Promise.allSettled(victims.map((p) => this.podControl.deletePod(namespace, p.metadata!.name!, regarding)));
      let first: unknown;
      results.forEach((r, i) => {
        if (r.status === 'fulfilled') return;
        // The informer will never report this deletion.
        this.expectations.deletionObserved(key, podKey(victims[i]!));
        if (!isNotFound(r.reason) && first === undefined) first = new Error(`unable to delete pods: ${messageOf(r.reason)}`);
      });
      if (first !== undefined) throw first;
    }
  }

  /**
   * The pods of every owner with the same controller as `owner` (the ReplicaSets of one
   * Deployment), by their selectors, as upstream's getIndirectlyRelatedPods. Used to rank
   * pods doubled up on a node.
   */
  private indirectlyRelatedPods(owner: KubeObject): KubeObject[] {
    const ref = controllerRefOf(owner);
    if (!ref) return [];
    const seen = new Set<string>();
    const related: KubeObject[] = [];
    for (const rs of this.ownerIndex.byIndex(CONTROLLER_UID_INDEX, ref.uid)) {
      let sel: Selector;
      try {
        sel = this.kind.selector(rs);
      } catch {
        continue;
      }
      for (const pod of this.pods.namespace(rs.metadata?.namespace ?? '').list(sel)) {
        const uid = pod.metadata?.uid ?? '';
        if (seen.has(uid)) continue;
        seen.add(uid);
        related.push(pod);
      }
    }
    return related;
  }

  /**
   * Writes the status unless nothing changed (and observedGeneration is current), retrying
   * once on a fresh copy, as upstream's updateReplicaSetStatus. Returns the owner as stored.
   */
  private async updateStatus(owner: KubeObject, status: ReplicaSetStatus): Promise<KubeObject> {
    const cur = statusOf(owner);
    const generation = owner.metadata?.generation ?? 0;
    if (
      cur.replicas === status.replicas &&
      cur.fullyLabeledReplicas === status.fullyLabeledReplicas &&
      cur.readyReplicas === status.readyReplicas &&
      cur.availableReplicas === status.availableReplicas &&
      generation === cur.observedGeneration &&
      deepEqual(cur.conditions, status.conditions)
    ) {
      return owner;
    }
    // The generation acted on, not a newer one a retry might read.
    status.observedGeneration = generation;
    let obj = owner;
    for (let i = 0; ; i++) {
      try {
        return await this.ctx.client.update(this.kind.gvr, obj.metadata!.namespace ?? '', { ...obj, apiVersion: this.kind.apiVersion, kind: this.kind.kind, status: serializeStatus(status) }, { subresource: 'status' });
      } catch (e: unknown) {
        if (i >= STATUS_UPDATE_RETRIES) throw e;
        obj = await this.ctx.client.get(this.kind.gvr, owner.metadata!.namespace ?? '', owner.metadata!.name!);
      }
    }
  }
}
