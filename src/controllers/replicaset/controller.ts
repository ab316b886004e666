import { labelSelectorAsSelector, type Selector } from '../../apimachinery/labels.js';
import { isNotFound } from '../../apimachinery/status.js';
import type { KubeObject } from '../../apimachinery/types.js';
import { gvr, type Gvr } from '../../client/api-client.js';
import { isTombstone, type DeletedFinalStateUnknown } from '../../client/indexer.js';
import type { Lister } from '../../client/lister.js';
import { rfc3339 } from '../../client/time-format.js';
import { runWorkers, Workqueue } from '../../client/workqueue.js';
import { deepEqual } from '../../util/deep.js';
import { logger } from '../../util/log.js';
import { ControllerExpectations } from '../framework/expectations.js';
import {
  controllerRefOf,
  isPodActive,
  isPodAvailable,
  isPodReady,
  keyOf,
  newControllerRef,
  splitKeyOf,
  type Controller,
  type ControllerContext,
  type OwnerReference,
} from '../framework/index.js';
import { controllerReference, PODS, PodControl, type PodTemplateSpec } from '../framework/pod-control.js';
import { claimObjects, recheckDeletion } from '../framework/ref-manager.js';
import { rankPodsForDeletion } from './ranking.js';

const log = logger('replicaset-controller');
/** Upstream's burstReplicas: at most this many creations or deletions per sync. */
const BURST = 500;

/** What differs between ReplicaSets and ReplicationControllers (one controller serves both, as upstream). */
export interface ReplicaKind {
  gvr: Gvr;
  apiVersion: string;
  kind: string;
  component: string;
  /** The selector of an object (RCs carry a plain map). */
  selector(obj: KubeObject): Selector | undefined;
}

export const REPLICA_SET: ReplicaKind = {
  gvr: gvr('apps/v1', 'replicasets'),
  apiVersion: 'apps/v1',
  kind: 'ReplicaSet',
  component: 'replicaset-controller',
  selector: (o) => {
    try {
      return labelSelectorAsSelector((o.spec as { selector?: Parameters<typeof labelSelectorAsSelector>[0] } | undefined)?.selector);
    } catch {
      return undefined;
    }
  },
};

export const REPLICATION_CONTROLLER: ReplicaKind = {
  gvr: gvr('v1', 'replicationcontrollers'),
  apiVersion: 'v1',
  kind: 'ReplicationController',
  component: 'replication-controller',
  selector: (o) => {
    const m = (o.spec as { selector?: Record<string, string> } | undefined)?.selector;
    if (!m || !Object.keys(m).length) return undefined;
    return labelSelectorAsSelector({ matchLabels: m });
  },
};

interface Spec {
  replicas?: number;
  minReadySeconds?: number;
  template?: PodTemplateSpec;
}

interface Status {
  replicas?: number;
  fullyLabeledReplicas?: number;
  readyReplicas?: number;
  availableReplicas?: number;
  observedGeneration?: number;
  conditions?: { type: string; status: string; lastTransitionTime?: string; reason?: string; message?: string }[];
}

/**
 * The ReplicaSet (and ReplicationController) controller, as upstream's: keeps `replicas`
 * active pods matching the selector — adopting matching orphans, releasing pods that stopped
 * matching — creating missing pods in slow-start batches (1, 2, 4, ...; a failure stops the
 * rest) and deleting surplus pods in upstream's ranking (unscheduled, pending, not ready,
 * ... first), never acting again before its informer has seen its previous writes
 * (expectations). Reports replicas, fullyLabeledReplicas, readyReplicas, availableReplicas
 * (minReadySeconds), observedGeneration and the ReplicaFailure condition.
 */
export class ReplicaSetController implements Controller {
  readonly name: string;
  private readonly queue: Workqueue<string>;
  private readonly expectations: ControllerExpectations;
  private readonly owners: Lister;
  private readonly pods: Lister;
  private readonly podControl: PodControl;

  constructor(
    private readonly ctx: ControllerContext,
    private readonly k: ReplicaKind,
  ) {
    this.name = k.component;
    this.queue = new Workqueue<string>({ clock: ctx.clock });
    this.expectations = new ControllerExpectations(ctx.clock);
    const ownerInf = ctx.informers.informerFor(k.gvr);
    const podInf = ctx.informers.informerFor(PODS);
    this.owners = ownerInf.lister();
    this.pods = podInf.lister();
    this.podControl = new PodControl(ctx.client, ctx.recorder(k.component));
    ownerInf.addEventHandler({
      onAdd: (o) => this.queue.add(keyOf(o)),
      onUpdate: (_a, b) => this.queue.add(keyOf(b)),
      onDelete: (o) => {
        const key = isTombstone(o) ? o.key : keyOf(o);
        this.expectations.delete(key);
        this.queue.add(key);
      },
    });
    podInf.addEventHandler({
      onAdd: (p) => this.podAdded(p),
      onUpdate: (a, b) => this.podUpdated(a, b),
      onDelete: (p) => this.podDeleted(p),
    });
  }

  async run(signal: AbortSignal): Promise<void> {
    if (!(await this.ctx.informers.waitForCacheSync(signal))) return;
    await runWorkers(this.queue, (key) => this.sync(key), signal, { workers: this.ctx.workers, name: this.name, log });
  }

  private ownerOf(pod: KubeObject, ref: OwnerReference | undefined): KubeObject | undefined {
    if (!ref || ref.kind !== this.k.kind) return undefined;
    const o = this.owners.get(pod.metadata?.namespace ?? '', ref.name);
    return o && o.metadata?.uid === ref.uid ? o : undefined;
  }

  private matchingOwners(pod: KubeObject): KubeObject[] {
    return this.owners
      .namespace(pod.metadata?.namespace ?? '')
      .list()
      .filter((o) => {
        const sel = this.k.selector(o);
        return !!sel && !sel.isEmpty() && sel.matches(pod.metadata?.labels ?? {});
      });
  }

  private podAdded(pod: KubeObject): void {
    const owner = this.ownerOf(pod, controllerRefOf(pod));
    if (owner) {
      const key = keyOf(owner);
      if (pod.metadata?.deletionTimestamp) this.expectations.deletionObserved(key);
      else this.expectations.creationObserved(key);
      this.queue.add(key);
      return;
    }
    if (controllerRefOf(pod)) return;
    for (const o of this.matchingOwners(pod)) this.queue.add(keyOf(o));
  }

  private podUpdated(old: KubeObject, cur: KubeObject): void {
    if (old.metadata?.resourceVersion === cur.metadata?.resourceVersion) return;
    const curRef = controllerRefOf(cur);
    const oldRef = controllerRefOf(old);
    if (!old.metadata?.deletionTimestamp && cur.metadata?.deletionTimestamp) {
      const owner = this.ownerOf(cur, curRef);
      if (owner) this.expectations.deletionObserved(keyOf(owner));
    }
    if (!deepEqual(curRef, oldRef)) {
      const prev = this.ownerOf(old, oldRef);
      if (prev) this.queue.add(keyOf(prev));
    }
    const owner = this.ownerOf(cur, curRef);
    if (owner) {
      this.queue.add(keyOf(owner));
      const minReady = (owner.spec as Spec | undefined)?.minReadySeconds ?? 0;
      if (!isPodReady(old) && isPodReady(cur) && minReady > 0) this.queue.addAfter(keyOf(owner), minReady * 1000 + 1000);
      return;
    }
    if (!curRef && (!deepEqual(old.metadata?.labels, cur.metadata?.labels) || oldRef)) for (const o of this.matchingOwners(cur)) this.queue.add(keyOf(o));
  }

  private podDeleted(obj: KubeObject | DeletedFinalStateUnknown): void {
    const pod = isTombstone(obj) ? obj.obj : obj;
    if (!pod) return;
    const owner = this.ownerOf(pod, controllerRefOf(pod));
    if (!owner) return;
    if (!pod.metadata?.deletionTimestamp) this.expectations.deletionObserved(keyOf(owner));
    this.queue.add(keyOf(owner));
  }

  async sync(key: string): Promise<{ requeueAfter?: number } | void> {
    const { namespace, name } = splitKeyOf(key);
    const owner = this.owners.get(namespace, name);
    if (!owner) {
      this.expectations.delete(key);
      return;
    }
    const spec = (owner.spec ?? {}) as Spec;
    const selector = this.k.selector(owner);
    if (!selector) return;
    const ref = newControllerRef(owner, this.k.apiVersion, this.k.kind);
    const all = this.pods.namespace(namespace).list().filter((p) => isPodActive(p) || controllerRefOf(p)?.uid === owner.metadata?.uid);
    const claimed = await claimObjects(all, {
      client: this.ctx.client,
      gvr: PODS,
      owner,
      ownerRef: ref,
      match: (p) => selector.matches(p.metadata?.labels ?? {}),
      canAdopt: recheckDeletion(this.ctx.client, this.k.gvr, owner, this.k.kind),
    });
    const active = claimed.filter(isPodActive);
    let manageError: unknown;
    if (this.expectations.satisfied(key) && !owner.metadata?.deletionTimestamp) {
      try {
        await this.manageReplicas(key, owner, spec, active, ref);
      } catch (e: unknown) {
        manageError = e;
      }
    }
    const requeue = await this.updateStatus(owner, spec, claimed, active, manageError);
    if (manageError) throw manageError;
    return requeue;
  }

  private async manageReplicas(key: string, owner: KubeObject, spec: Spec, active: KubeObject[], ref: OwnerReference): Promise<void> {
    const want = spec.replicas ?? 1;
    const diff = active.length - want;
    const regarding = controllerReference(owner, this.k.apiVersion, this.k.kind);
    const ns = owner.metadata!.namespace!;
    if (diff < 0) {
      let remaining = Math.min(-diff, BURST);
      this.expectations.expectCreations(key, remaining);
      // Slow start: batches of 1, 2, 4, ... so a failing template costs few calls.
      let batch = 1;
      let created = 0;
      while (remaining > 0) {
        const n = Math.min(batch, remaining);
        const results = await Promise.allSettled(Array.from({ length: n }, () => this.podControl.createPod(ns, spec.template ?? {}, regarding, ref)));
        const failed = results.filter((r) => r.status === 'rejected') as PromiseRejectedResult[];
        created += n - failed.length;
        for (let i = 0; i < failed.length; i++) this.expectations.creationObserved(key);
        remaining -= n;
        if (failed.length) {
          // The pods never asked for are not expected either.
          for (let i = 0; i < remaining; i++) this.expectations.creationObserved(key);
          throw failed[0]!.reason;
        }
        batch *= 2;
      }
      log.debug('created pods', { key, created });
      return;
    }
    if (diff > 0) {
      const victims = rankPodsForDeletion(active, this.ctx.clock.now()).slice(0, Math.min(diff, BURST));
      this.expectations.expectDeletions(key, victims.length);
      const results = await Promise.allSettled(victims.map((p) => this.podControl.deletePod(ns, p.metadata!.name!, regarding)));
      let err: unknown;
      for (const r of results) {
        if (r.status === 'rejected') {
          this.expectations.deletionObserved(key);
          if (!isNotFound(r.reason)) err ??= r.reason;
        }
      }
      if (err) throw err;
    }
  }

  private async updateStatus(owner: KubeObject, spec: Spec, claimed: KubeObject[], active: KubeObject[], manageError: unknown): Promise<{ requeueAfter?: number } | void> {
    const now = this.ctx.clock.now();
    const templateLabels = spec.template?.metadata?.labels ?? {};
    const minReady = spec.minReadySeconds ?? 0;
    const ready = active.filter(isPodReady);
    const status: Status = {
      replicas: active.length,
      fullyLabeledReplicas: active.filter((p) => Object.entries(templateLabels).every(([k, v]) => p.metadata?.labels?.[k] === v)).length,
      readyReplicas: ready.length,
      availableReplicas: active.filter((p) => isPodAvailable(p, minReady, now)).length,
      observedGeneration: owner.metadata?.generation,
    };
    const old = (owner.status ?? {}) as Status;
    const oldFailure = old.conditions?.find((c) => c.type === 'ReplicaFailure');
    let conditions = (old.conditions ?? []).filter((c) => c.type !== 'ReplicaFailure');
    if (manageError && !isNotFound(manageError)) {
      const want = spec.replicas ?? 1;
      const reason = active.length < want ? 'FailedCreate' : 'FailedDelete';
      const message = manageError instanceof Error ? manageError.message : String(manageError);
      conditions = [...conditions, oldFailure && oldFailure.reason === reason && oldFailure.message === message ? oldFailure : { type: 'ReplicaFailure', status: 'True', lastTransitionTime: rfc3339(now), reason, message }];
    }
    if (conditions.length) status.conditions = conditions;
    const compare = (s: Status) => JSON.stringify([s.replicas ?? 0, s.fullyLabeledReplicas ?? 0, s.readyReplicas ?? 0, s.availableReplicas ?? 0, s.observedGeneration, s.conditions ?? []]);
    if (compare(old) !== compare(status)) {
      try {
        await this.ctx.client.update(this.k.gvr, owner.metadata!.namespace!, { ...owner, status }, { subresource: 'status' });
      } catch (e: unknown) {
        if (!isNotFound(e)) throw e;
      }
    }
    // Pods that are ready but not yet available for minReadySeconds: look again then.
    if (minReady > 0 && ready.length > (status.availableReplicas ?? 0)) return { requeueAfter: minReady * 1000 };
    void claimed;
  }
}
