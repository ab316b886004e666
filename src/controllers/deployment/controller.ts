import { labelSelectorAsSelector, type KubeObject, type LabelSelector, type Selector } from '../../apimachinery/index.js';
import { EventType, isTombstone, runWorkers, Workqueue, type DeletedFinalStateUnknown, type EventRecorder, type Lister, type ReconcileResult } from '../../client/index.js';
import { deepEqual } from '../../util/deep.js';
import { logger } from '../../util/log.js';
import {
  claimObjects,
  controllerReference,
  controllerRefOf,
  isNamespaceTerminating,
  keyOf,
  messageOf,
  newControllerRef,
  PODS,
  recheckDeletion,
  splitKeyOf,
  type Controller,
  type ControllerContext,
  type OwnerReference,
} from '../framework/index.js';
import type { PodMap, SyncContext } from './context.js';
import { rolloutRecreate } from './recreate.js';
import { rollback } from './rollback.js';
import { rolloutRolling } from './rolling.js';
import { checkPausedConditions, isScalingEvent, sync, syncStatusOnly, updateDeploymentStatus } from './sync.js';
import { DEPLOYMENTS, DeploymentStrategyType, REPLICASETS, toDeployment, toReplicaSet, type Deployment, type ReplicaSet } from './types.js';
import { getRollbackTo } from './util.js';

const log = logger('deployment-controller');

/** A Deployment whose sync failed this many times in a row is dropped until something changes (upstream's maxRetries). */
export const MAX_RETRIES = 15;

/**
 * The Deployment controller, as kube-controller-manager's "deployment" controller (1.32).
 *
 * Each sync of a Deployment claims its ReplicaSets (adopting matching orphans after a live
 * re-check of the Deployment, releasing those that stopped matching), then, in upstream's
 * order: a Deployment being deleted only gets its status; pausing and resuming are recorded
 * in the Progressing condition; a paused Deployment is only scaled (proportionally) and
 * cleaned up; a pending rollback request is applied; a resize (an active ReplicaSet's
 * desired-replicas differs) is a proportional scale; otherwise the strategy rolls out
 * (RollingUpdate or Recreate). Everything it writes — ReplicaSet names, labels, annotations,
 * revisions, status, conditions, events — has upstream's shape; the pod-template-hash is the
 * history package's stable hash of the template (same form as upstream's, other values).
 */
export class DeploymentController implements Controller {
  readonly name = 'deployment';
  private readonly queue: Workqueue<string>;
  private readonly deployments: Lister;
  private readonly replicaSets: Lister;
  private readonly pods: Lister;
  private readonly recorder: EventRecorder;
  private readonly syncContext: SyncContext;

  constructor(private readonly ctx: ControllerContext) {
    this.queue = new Workqueue<string>({ clock: ctx.clock });
    const dInf = ctx.informers.informerFor(DEPLOYMENTS);
    const rsInf = ctx.informers.informerFor(REPLICASETS);
    const podInf = ctx.informers.informerFor(PODS);
    this.deployments = dInf.lister();
    this.replicaSets = rsInf.lister();
    this.pods = podInf.lister();
    this.recorder = ctx.recorder('deployment-controller');
    this.syncContext = {
      client: ctx.client,
      clock: ctx.clock,
      rsLister: this.replicaSets,
      eventf: (d, type, reason, fmt, ...args) => this.recorder.eventf(controllerReference(d, 'apps/v1', 'Deployment'), type, reason, fmt, ...args),
      enqueueAfter: (d, ms) => this.queue.addAfter(keyOf(d), ms),
      enqueueRateLimited: (d) => this.queue.addRateLimited(keyOf(d)),
    };
    dInf.addEventHandler({
      onAdd: (o) => this.queue.add(keyOf(o)),
      onUpdate: (_old, cur) => this.queue.add(keyOf(cur)),
      onDelete: (o) => this.queue.add(isTombstone(o) ? o.key : keyOf(o)),
    });
    rsInf.addEventHandler({
      onAdd: (rs) => this.replicaSetAdded(rs),
      onUpdate: (old, cur) => this.replicaSetUpdated(old, cur),
      onDelete: (rs) => this.replicaSetDeleted(rs),
    });
    podInf.addEventHandler({ onDelete: (p) => this.podDeleted(p) });
  }

  async run(signal: AbortSignal): Promise<void> {
    log.info('starting controller', { controller: 'deployment' });
    if (!(await this.ctx.informers.waitForCacheSync(signal))) return;
    await runWorkers(this.queue, (key) => this.reconcile(key), signal, { workers: this.ctx.workers, name: 'deployment', log });
  }

  /**
   * As upstream's handleErr: a namespace being torn down is not retried; other failures are
   * retried with backoff up to MAX_RETRIES times, logged only at debug level (upstream's V(2)),
   * since conflicts with the ReplicaSet controller's writes are routine.
   */
  private async reconcile(key: string): Promise<ReconcileResult | void> {
    try {
      await this.syncDeployment(key);
    } catch (e: unknown) {
      if (isNamespaceTerminating(e)) return;
      if (this.queue.numRequeues(key) < MAX_RETRIES) {
        log.debug('error syncing deployment', { deployment: key, error: messageOf(e) });
        return { requeue: true };
      }
      log.warn('dropping deployment out of the queue', { deployment: key, error: messageOf(e) });
    }
  }

  // ---- informer handlers ----

  private resolveControllerRef(namespace: string, ref: OwnerReference): KubeObject | undefined {
    if (ref.kind !== 'Deployment') return undefined;
    const d = this.deployments.get(namespace, ref.name);
    return d && d.metadata?.uid === ref.uid ? d : undefined;
  }

  /** Deployments whose (non-empty, valid) selector matches a ReplicaSet's labels. */
  private deploymentsSelecting(rs: KubeObject): KubeObject[] {
    const labels = rs.metadata?.labels ?? {};
    if (Object.keys(labels).length === 0) return [];
    const found = this.deployments
      .namespace(rs.metadata?.namespace ?? '')
      .list()
      .filter((d) => {
        const sel = selectorOf(d);
        return !!sel && !sel.isEmpty() && sel.matches(labels);
      });
    if (found.length > 1) log.debug('user error! more than one deployment is selecting replica set', { replicaSet: keyOf(rs), labels });
    return found;
  }

  private replicaSetAdded(rs: KubeObject): void {
    if (rs.metadata?.deletionTimestamp) {
      this.replicaSetDeleted(rs);
      return;
    }
    const ref = controllerRefOf(rs);
    if (ref) {
      const d = this.resolveControllerRef(rs.metadata?.namespace ?? '', ref);
      if (d) this.queue.add(keyOf(d));
      return;
    }
    for (const d of this.deploymentsSelecting(rs)) this.queue.add(keyOf(d));
  }

  private replicaSetUpdated(old: KubeObject, cur: KubeObject): void {
    if (old.metadata?.resourceVersion === cur.metadata?.resourceVersion) return;
    const curRef = controllerRefOf(cur);
    const oldRef = controllerRefOf(old);
    const refChanged = !deepEqual(curRef, oldRef);
    if (refChanged && oldRef) {
      const d = this.resolveControllerRef(old.metadata?.namespace ?? '', oldRef);
      if (d) this.queue.add(keyOf(d));
    }
    if (curRef) {
      const d = this.resolveControllerRef(cur.metadata?.namespace ?? '', curRef);
      if (d) this.queue.add(keyOf(d));
      return;
    }
    const labelChanged = !deepEqual(cur.metadata?.labels ?? {}, old.metadata?.labels ?? {});
    if (labelChanged || refChanged) for (const d of this.deploymentsSelecting(cur)) this.queue.add(keyOf(d));
  }

  private replicaSetDeleted(obj: KubeObject | DeletedFinalStateUnknown): void {
    const rs = isTombstone(obj) ? obj.obj : obj;
    if (!rs) return;
    const ref = controllerRefOf(rs);
    if (!ref) return;
    const d = this.resolveControllerRef(rs.metadata?.namespace ?? '', ref);
    if (d) this.queue.add(keyOf(d));
  }

  /** The Deployment owning a pod through its ReplicaSet. */
  private deploymentForPod(pod: KubeObject): KubeObject | undefined {
    const ref = controllerRefOf(pod);
    if (!ref || ref.kind !== 'ReplicaSet') return undefined;
    const rs = this.replicaSets.get(pod.metadata?.namespace ?? '', ref.name);
    if (!rs || rs.metadata?.uid !== ref.uid) return undefined;
    const rsRef = controllerRefOf(rs);
    return rsRef ? this.resolveControllerRef(rs.metadata?.namespace ?? '', rsRef) : undefined;
  }

  /** A Recreate Deployment waits for its old pods to be gone: sync it when the last one goes. */
  private podDeleted(obj: KubeObject | DeletedFinalStateUnknown): void {
    const pod = isTombstone(obj) ? obj.obj : obj;
    if (!pod) return;
    const cached = this.deploymentForPod(pod);
    if (!cached) return;
    const d = toDeployment(cached);
    if (d.spec.strategy.type !== DeploymentStrategyType.Recreate) return;
    // As upstream, the ReplicaSets are listed from the API here (the cache may lag).
    void this.listReplicaSetsFromApi(d)
      .then((rsList) => {
        let n = 0;
        for (const pods of this.podMapFor(d, rsList).values()) n += pods.length;
        if (n === 0) this.queue.add(keyOf(d));
      })
      .catch(() => {});
  }

  private async listReplicaSetsFromApi(d: Deployment): Promise<ReplicaSet[]> {
    const sel = selectorOf(d);
    if (!sel) return [];
    const list = await this.ctx.client.list(REPLICASETS, d.metadata.namespace, { labelSelector: sel.toString() });
    return list.items.filter((rs) => controllerRefOf(rs)?.uid === d.metadata.uid).map(toReplicaSet);
  }

  // ---- sync ----

  /** Reconciles the Deployment `namespace/name` (public for tests); throws to be retried. */
  async syncDeployment(key: string): Promise<void> {
    const { namespace, name } = splitKeyOf(key);
    const cached = this.deployments.get(namespace, name);
    if (!cached) {
      log.debug('deployment has been deleted', { deployment: key });
      return;
    }
    const d = toDeployment(cached);
    const c = this.syncContext;

    if (selectsEverything(d)) {
      c.eventf(d, EventType.Warning, 'SelectingAll', 'This deployment is selecting all pods. A non-empty selector is required.');
      if (d.status.observedGeneration < (d.metadata.generation ?? 0)) {
        d.status.observedGeneration = d.metadata.generation ?? 0;
        await updateDeploymentStatus(c, d).catch(() => {});
      }
      return;
    }

    const rsList = await this.replicaSetsFor(d);
    const podMap = this.podMapFor(d, rsList);

    if (d.metadata.deletionTimestamp) return syncStatusOnly(c, d, rsList);

    // Pausing and resuming show in the Progressing condition, so a resumed Deployment does not time out at once.
    await checkPausedConditions(c, d);

    if (d.spec.paused) return sync(c, d, rsList);

    // A rollback rewrites the template: nothing else until it is done.
    if (getRollbackTo(d) !== undefined) return rollback(c, d, rsList);

    if (await isScalingEvent(c, d, rsList)) return sync(c, d, rsList);

    switch (d.spec.strategy.type) {
      case DeploymentStrategyType.Recreate:
        return rolloutRecreate(c, d, rsList, podMap);
      case DeploymentStrategyType.RollingUpdate:
        return rolloutRolling(c, d, rsList);
    }
    throw new Error(`unexpected deployment strategy type: ${d.spec.strategy.type}`);
  }

  /**
   * The ReplicaSets the Deployment controls after adoption and release, as upstream's
   * getReplicaSetsForDeployment (all ReplicaSets of the namespace are considered, so owned
   * ones that stopped matching are released).
   */
  private async replicaSetsFor(d: Deployment): Promise<ReplicaSet[]> {
    let sel: Selector;
    try {
      sel = labelSelectorAsSelector(d.spec.selector);
    } catch (e: unknown) {
      throw new Error(`deployment ${d.metadata.namespace}/${d.metadata.name} has invalid label selector: ${messageOf(e)}`);
    }
    const claimed = await claimObjects(this.replicaSets.namespace(d.metadata.namespace).list(), {
      client: this.ctx.client,
      gvr: REPLICASETS,
      owner: d,
      ownerRef: newControllerRef(d, 'apps/v1', 'Deployment'),
      match: (rs) => sel.matches(rs.metadata?.labels ?? {}),
      canAdopt: recheckDeletion(this.ctx.client, DEPLOYMENTS, d, 'Deployment'),
    });
    return claimed.map(toReplicaSet);
  }

  /** The Deployment's pods (selected, any phase) grouped by their controlling ReplicaSet in `rsList`. */
  private podMapFor(d: Deployment, rsList: readonly ReplicaSet[]): PodMap {
    const map: PodMap = new Map(rsList.map((rs) => [rs.metadata.uid ?? '', []]));
    const sel = selectorOf(d);
    if (!sel) return map;
    for (const pod of this.pods.namespace(d.metadata.namespace).list(sel)) {
      const ref = controllerRefOf(pod);
      if (ref) map.get(ref.uid)?.push(pod);
    }
    return map;
  }
}

function selectorOf(d: KubeObject): Selector | undefined {
  try {
    return labelSelectorAsSelector((d.spec as { selector?: LabelSelector | null } | undefined)?.selector);
  } catch {
    return undefined;
  }
}

/** A present selector with neither matchLabels nor matchExpressions (upstream compares with an empty LabelSelector). */
function selectsEverything(d: Deployment): boolean {
  const s = d.spec.selector;
  return !!s && (s.matchLabels === undefined || s.matchLabels === null) && (s.matchExpressions === undefined || s.matchExpressions === null);
}
