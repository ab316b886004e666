import { labelSelectorAsSelector, type Selector } from '../../apimachinery/labels.js';
import { isNotFound } from '../../apimachinery/status.js';
import type { KubeObject } from '../../apimachinery/types.js';
import { isTombstone, type DeletedFinalStateUnknown } from '../../client/indexer.js';
import type { Lister } from '../../client/lister.js';
import { Workqueue, runWorkers } from '../../client/workqueue.js';
import { deepEqual } from '../../util/deep.js';
import { logger } from '../../util/log.js';
import { controllerRefOf, keyOf, newControllerRef, splitKeyOf, type OwnerReference } from '../framework/owner-refs.js';
import { PODS } from '../framework/pod-control.js';
import { isPodReady } from '../framework/pods.js';
import { claimObjects, recheckDeletion } from '../framework/ref-manager.js';
import type { Controller, ControllerContext } from '../framework/types.js';
import { CONTROLLER_REVISIONS, type ControllerRevision } from '../history/index.js';
import { STATEFULSETS, StatefulSetControl } from './control.js';
import { isMemberOf } from './identity.js';
import { PVCS, StatefulPodControl } from './pod-control.js';
import { withDefaults, type StatefulSet } from './types.js';

const log = logger('statefulset-controller');

export interface StatefulSetControllerOptions {
  /** Feature gate MaxUnavailableStatefulSet (default off, as 1.32). */
  maxUnavailableStatefulSet?: boolean;
}

/**
 * The StatefulSet controller, as kube-controller-manager's "statefulset": watches
 * StatefulSets, their pods, ControllerRevisions and claims; each sync claims the set's pods
 * and revisions (adopting orphans that match, releasing those that no longer do) and runs
 * StatefulSetControl. Events come from "statefulset-controller".
 */
export class StatefulSetController implements Controller {
  readonly name = 'statefulset';
  private readonly queue: Workqueue<string>;
  private readonly sets: Lister;
  private readonly pods: Lister;
  private readonly revisions: Lister;
  private readonly control: StatefulSetControl;

  constructor(
    private readonly ctx: ControllerContext,
    opts: StatefulSetControllerOptions = {},
  ) {
    this.queue = new Workqueue<string>({ clock: ctx.clock });
    const setInf = ctx.informers.informerFor(STATEFULSETS);
    const podInf = ctx.informers.informerFor(PODS);
    const revInf = ctx.informers.informerFor(CONTROLLER_REVISIONS);
    const pvcInf = ctx.informers.informerFor(PVCS);
    this.sets = setInf.lister();
    this.pods = podInf.lister();
    this.revisions = revInf.lister();
    const recorder = ctx.recorder('statefulset-controller');
    this.control = new StatefulSetControl({
      client: ctx.client,
      clock: ctx.clock,
      podControl: new StatefulPodControl(ctx.client, recorder, pvcInf.lister()),
      maxUnavailableEnabled: opts.maxUnavailableStatefulSet ?? false,
    });
    setInf.addEventHandler({
      onAdd: (o) => this.enqueue(o),
      onUpdate: (_old, cur) => this.enqueue(cur),
      onDelete: (o) => this.enqueue(o),
    });
    podInf.addEventHandler({
      onAdd: (o) => this.addPod(o),
      onUpdate: (a, b) => this.updatePod(a, b),
      onDelete: (o) => this.deletePod(o),
    });
  }

  async run(signal: AbortSignal): Promise<void> {
    if (!(await this.ctx.informers.waitForCacheSync(signal))) return;
    await runWorkers(this.queue, (key) => this.sync(key), signal, { workers: this.ctx.workers, name: 'statefulset-controller', log });
  }

  private enqueue(obj: KubeObject | DeletedFinalStateUnknown): void {
    if (isTombstone(obj)) this.queue.add(obj.key);
    else this.queue.add(keyOf(obj));
  }

  private resolve(namespace: string, ref: OwnerReference): KubeObject | undefined {
    if (ref.kind !== 'StatefulSet') return undefined;
    const set = this.sets.get(namespace, ref.name);
    return set && set.metadata?.uid === ref.uid ? set : undefined;
  }

  /** Sets whose selector matches the pod (for orphans). */
  private setsForPod(pod: KubeObject): KubeObject[] {
    const ns = pod.metadata?.namespace ?? '';
    return this.sets.namespace(ns).list().filter((s) => {
      const sel = selectorOf(s);
      return !!sel && !sel.isEmpty() && sel.matches(pod.metadata?.labels ?? {});
    });
  }

  private addPod(pod: KubeObject): void {
    if (pod.metadata?.deletionTimestamp) return this.deletePod(pod);
    const ref = controllerRefOf(pod);
    if (ref) {
      const set = this.resolve(pod.metadata?.namespace ?? '', ref);
      if (set) this.enqueue(set);
      return;
    }
    for (const s of this.setsForPod(pod)) this.enqueue(s);
  }

  private updatePod(old: KubeObject, cur: KubeObject): void {
    if (old.metadata?.resourceVersion === cur.metadata?.resourceVersion) return;
    const ns = cur.metadata?.namespace ?? '';
    const curRef = controllerRefOf(cur);
    const oldRef = controllerRefOf(old);
    const refChanged = !deepEqual(curRef, oldRef);
    if (refChanged && oldRef) {
      const s = this.resolve(ns, oldRef);
      if (s) this.enqueue(s);
    }
    if (curRef) {
      const set = this.resolve(ns, curRef);
      if (!set) return;
      this.enqueue(set);
      // A pod just turned ready: look again once minReadySeconds have passed.
      const minReady = (set.spec as { minReadySeconds?: number } | undefined)?.minReadySeconds ?? 0;
      if (!isPodReady(old) && isPodReady(cur) && minReady > 0) this.queue.addAfter(keyOf(set), minReady * 1000 + 1000);
      return;
    }
    if (refChanged || !deepEqual(old.metadata?.labels, cur.metadata?.labels)) for (const s of this.setsForPod(cur)) this.enqueue(s);
  }

  private deletePod(obj: KubeObject | DeletedFinalStateUnknown): void {
    const pod = isTombstone(obj) ? obj.obj : obj;
    if (!pod) return;
    const ref = controllerRefOf(pod);
    if (!ref) return;
    const set = this.resolve(pod.metadata?.namespace ?? '', ref);
    if (set) this.enqueue(set);
  }

  /** One reconcile of the set `key`. */
  async sync(key: string): Promise<{ requeueAfter?: number } | void> {
    const { namespace, name } = splitKeyOf(key);
    const cached = this.sets.get(namespace, name);
    if (!cached) return;
    const set = withDefaults(cached);
    let selector: Selector;
    try {
      selector = labelSelectorAsSelector(set.spec.selector);
    } catch (e: unknown) {
      // as upstream: an invalid selector is not retried
      log.error('error converting StatefulSet selector', { key, error: e });
      return;
    }
    const ownerRef = newControllerRef(set, 'apps/v1', 'StatefulSet');
    const canAdopt = recheckDeletion(this.ctx.client, STATEFULSETS, set, 'StatefulSet');

    const revisions = (await this.claimRevisions(set, selector, ownerRef, canAdopt)) as ControllerRevision[];
    const allPods = this.pods.namespace(namespace).list();
    const pods = await claimObjects(allPods, {
      client: this.ctx.client,
      gvr: PODS,
      owner: set,
      ownerRef,
      match: (p) => selector.matches(p.metadata?.labels ?? {}) && isMemberOf(set, p),
      canAdopt,
    });
    const status = await this.control.update(set, pods, revisions);
    if (set.spec.minReadySeconds > 0 && status.availableReplicas !== set.spec.replicas) {
      return { requeueAfter: set.spec.minReadySeconds * 1000 };
    }
  }

  /**
   * The set's revisions: those matching its selector that it controls, after adopting
   * matching orphans (upstream's ListRevisions + AdoptOrphanRevisions).
   */
  private async claimRevisions(set: StatefulSet, selector: Selector, ownerRef: OwnerReference, canAdopt: () => Promise<void>): Promise<KubeObject[]> {
    const uid = set.metadata!.uid;
    const listed = this.revisions
      .namespace(set.metadata!.namespace ?? '')
      .list(selector)
      .filter((r) => {
        const ref = controllerRefOf(r);
        return !ref || ref.uid === uid;
      });
    const orphans = listed.filter((r) => !controllerRefOf(r));
    if (!orphans.length) return listed;
    await canAdopt();
    const out: KubeObject[] = listed.filter((r) => controllerRefOf(r));
    for (const r of orphans) {
      try {
        out.push(
          await this.ctx.client.patch(CONTROLLER_REVISIONS, r.metadata!.namespace ?? '', r.metadata!.name!, 'strategic', {
            metadata: { ownerReferences: [{ ...ownerRef }], uid: r.metadata!.uid },
          }),
        );
      } catch (e: unknown) {
        if (!isNotFound(e)) throw e;
      }
    }
    return out;
  }
}

function selectorOf(obj: KubeObject): Selector | undefined {
  try {
    return labelSelectorAsSelector((obj.spec as { selector?: Parameters<typeof labelSelectorAsSelector>[0] } | undefined)?.selector);
  } catch {
    return undefined;
  }
}

