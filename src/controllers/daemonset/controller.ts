import { getScaledValueFromIntOrPercent } from '../../apimachinery/intstr.js';
import { labelSelectorAsSelector, type Selector } from '../../apimachinery/labels.js';
import { isAlreadyExists, isNotFound } from '../../apimachinery/status.js';
import type { KubeObject } from '../../apimachinery/types.js';
import { gvr } from '../../client/api-client.js';
import { EventType, type EventRecorder } from '../../client/event-recorder.js';
import { isTombstone, type DeletedFinalStateUnknown } from '../../client/indexer.js';
import type { Lister } from '../../client/lister.js';
import { Workqueue, runWorkers } from '../../client/workqueue.js';
import { deepClone, deepEqual } from '../../util/deep.js';
import { logger } from '../../util/log.js';
import { ControllerExpectations } from '../framework/expectations.js';
import { controllerRefOf, keyOf, newControllerRef, splitKeyOf, type OwnerReference } from '../framework/owner-refs.js';
import { PODS, PodControl, controllerReference, isNamespaceTerminating, type PodTemplateSpec } from '../framework/pod-control.js';
import { isPodAvailable, isPodReady, phaseOf } from '../framework/pods.js';
import { claimObjects, recheckDeletion } from '../framework/ref-manager.js';
import type { Controller, ControllerContext } from '../framework/types.js';
import { CONTROLLER_REVISIONS, computeTemplateHash, templatePatchOf, type ControllerRevision } from '../history/index.js';
import { KeyedBackoff } from './backoff.js';
import { addDaemonTolerations, nodeShouldRunDaemonPod, replaceNodeNameAffinity, targetNodeName, type PodSpecLike } from './scheduling.js';
import {
  DAEMONSET_HASH_LABEL,
  TEMPLATE_GENERATION_LABEL,
  isPodUpdated,
  statusJson,
  templateGeneration,
  withDefaults,
  type DaemonSet,
  type DaemonSetStatus,
} from './types.js';

export const DAEMONSETS = gvr('apps/v1', 'daemonsets');
const NODES = gvr('v1', 'nodes');

const log = logger('daemonset-controller');

/** Upstream's cap on pod creations or deletions per sync. */
const BURST_REPLICAS = 250;

/**
 * The DaemonSet controller, as kube-controller-manager's "daemonset": one pod per eligible
 * node (pinned to it through required node affinity on metadata.name, for the scheduler to
 * bind), pods removed from nodes that no longer fit, failed pods replaced with backoff,
 * RollingUpdate (maxUnavailable or maxSurge) and OnDelete updates through
 * ControllerRevisions, and the status counters kubectl reads. Events come from
 * "daemonset-controller".
 */
export class DaemonSetController implements Controller {
  readonly name = 'daemonset';
  private readonly queue: Workqueue<string>;
  private readonly sets: Lister;
  private readonly pods: Lister;
  private readonly nodes: Lister;
  private readonly revisions: Lister;
  private readonly recorder: EventRecorder;
  private readonly podControl: PodControl;
  private readonly expectations: ControllerExpectations;
  private readonly failedPodsBackoff: KeyedBackoff;

  constructor(private readonly ctx: ControllerContext) {
    this.queue = new Workqueue<string>({ clock: ctx.clock });
    const dsInf = ctx.informers.informerFor(DAEMONSETS);
    const podInf = ctx.informers.informerFor(PODS);
    const nodeInf = ctx.informers.informerFor(NODES);
    const revInf = ctx.informers.informerFor(CONTROLLER_REVISIONS);
    this.sets = dsInf.lister();
    this.pods = podInf.lister();
    this.nodes = nodeInf.lister();
    this.revisions = revInf.lister();
    this.recorder = ctx.recorder('daemonset-controller');
    this.podControl = new PodControl(ctx.client, this.recorder);
    this.expectations = new ControllerExpectations(ctx.clock);
    this.failedPodsBackoff = new KeyedBackoff(ctx.clock, 1000, 15 * 60 * 1000);
    dsInf.addEventHandler({
      onAdd: (o) => this.enqueue(o),
      onUpdate: (_a, b) => this.enqueue(b),
      onDelete: (o) => {
        const key = isTombstone(o) ? o.key : keyOf(o);
        this.expectations.delete(key);
        this.queue.add(key);
      },
    });
    podInf.addEventHandler({
      onAdd: (p) => this.addPod(p),
      onUpdate: (a, b) => this.updatePod(a, b),
      onDelete: (p) => this.deletePod(p),
    });
    nodeInf.addEventHandler({
      onAdd: (n) => this.addNode(n),
      onUpdate: (a, b) => this.updateNode(a, b),
      // Not in upstream, which leaves a deleted node's unbound pods to the next sync (the
      // scheduler's status updates trigger one): syncing now removes them at once.
      onDelete: () => {
        for (const ds of this.sets.list()) this.enqueue(ds);
      },
    });
    revInf.addEventHandler({
      onAdd: (r) => this.revisionChanged(r),
      onUpdate: (a, b) => {
        if (a.metadata?.resourceVersion !== b.metadata?.resourceVersion) this.revisionChanged(b);
      },
      onDelete: (r) => {
        const obj = isTombstone(r) ? r.obj : r;
        if (obj) this.revisionChanged(obj);
      },
    });
  }

  async run(signal: AbortSignal): Promise<void> {
    if (!(await this.ctx.informers.waitForCacheSync(signal))) return;
    const gc = setInterval(() => this.failedPodsBackoff.gc(), 60_000);
    gc.unref();
    try {
      await runWorkers(this.queue, (key) => this.sync(key), signal, { workers: this.ctx.workers, name: 'daemonset-controller', log });
    } finally {
      clearInterval(gc);
    }
  }

  private enqueue(obj: KubeObject | DeletedFinalStateUnknown): void {
    this.queue.add(isTombstone(obj) ? obj.key : keyOf(obj));
  }

  private resolve(namespace: string, ref: OwnerReference): KubeObject | undefined {
    if (ref.kind !== 'DaemonSet') return undefined;
    const ds = this.sets.get(namespace, ref.name);
    return ds && ds.metadata?.uid === ref.uid ? ds : undefined;
  }

  private setsMatching(obj: KubeObject): KubeObject[] {
    return this.sets
      .namespace(obj.metadata?.namespace ?? '')
      .list()
      .filter((ds) => {
        const sel = selectorOf(ds);
        return !!sel && !sel.isEmpty() && sel.matches(obj.metadata?.labels ?? {});
      });
  }

  private revisionChanged(r: KubeObject): void {
    const ref = controllerRefOf(r);
    if (ref) {
      const ds = this.resolve(r.metadata?.namespace ?? '', ref);
      if (ds) this.enqueue(ds);
      return;
    }
    for (const ds of this.setsMatching(r)) this.enqueue(ds);
  }

  private addPod(pod: KubeObject): void {
    if (pod.metadata?.deletionTimestamp) return this.deletePod(pod);
    const ref = controllerRefOf(pod);
    if (ref) {
      const ds = this.resolve(pod.metadata?.namespace ?? '', ref);
      if (!ds) return;
      this.expectations.creationObserved(keyOf(ds));
      this.enqueue(ds);
      return;
    }
    for (const ds of this.setsMatching(pod)) this.enqueue(ds);
  }

  private updatePod(old: KubeObject, cur: KubeObject): void {
    if (old.metadata?.resourceVersion === cur.metadata?.resourceVersion) return;
    if (cur.metadata?.deletionTimestamp) return this.deletePod(cur);
    const ns = cur.metadata?.namespace ?? '';
    const curRef = controllerRefOf(cur);
    const oldRef = controllerRefOf(old);
    const refChanged = !deepEqual(curRef, oldRef);
    if (refChanged && oldRef) {
      const ds = this.resolve(ns, oldRef);
      if (ds) this.enqueue(ds);
    }
    if (curRef) {
      const ds = this.resolve(ns, curRef);
      if (!ds) return;
      this.enqueue(ds);
      const minReady = (ds.spec as { minReadySeconds?: number } | undefined)?.minReadySeconds ?? 0;
      if (!isPodReady(old) && isPodReady(cur) && minReady > 0) this.queue.addAfter(keyOf(ds), minReady * 1000 + 1000);
      return;
    }
    if (refChanged || !deepEqual(old.metadata?.labels, cur.metadata?.labels)) for (const ds of this.setsMatching(cur)) this.enqueue(ds);
  }

  private deletePod(obj: KubeObject | DeletedFinalStateUnknown): void {
    const pod = isTombstone(obj) ? obj.obj : obj;
    if (!pod) return;
    const ref = controllerRefOf(pod);
    if (!ref) return;
    const ds = this.resolve(pod.metadata?.namespace ?? '', ref);
    if (!ds) return;
    this.expectations.deletionObserved(keyOf(ds));
    this.enqueue(ds);
  }

  private addNode(node: KubeObject): void {
    for (const ds of this.sets.list()) {
      if (nodeShouldRunDaemonPod(node, (ds.spec as { template?: PodTemplateSpec } | undefined)?.template).shouldRun) this.enqueue(ds);
    }
  }

  private updateNode(old: KubeObject, cur: KubeObject): void {
    const taints = (n: KubeObject) => (n.spec as { taints?: unknown } | undefined)?.taints;
    if (deepEqual(old.metadata?.labels ?? {}, cur.metadata?.labels ?? {}) && deepEqual(taints(old) ?? [], taints(cur) ?? [])) return;
    for (const ds of this.sets.list()) {
      const tpl = (ds.spec as { template?: PodTemplateSpec } | undefined)?.template;
      const a = nodeShouldRunDaemonPod(old, tpl);
      const b = nodeShouldRunDaemonPod(cur, tpl);
      if (a.shouldRun !== b.shouldRun || a.shouldContinueRunning !== b.shouldContinueRunning) this.enqueue(ds);
    }
  }

  // ---- sync ----

  async sync(key: string): Promise<{ requeueAfter?: number } | void> {
    const { namespace, name } = splitKeyOf(key);
    const cached = this.sets.get(namespace, name);
    if (!cached) {
      this.expectations.delete(key);
      return;
    }
    const ds = withDefaults(cached);
    const nodes = this.nodes.list();
    const ref = controllerReference(ds, 'apps/v1', 'DaemonSet');
    const sel = ds.spec.selector;
    if (sel && !Object.keys(sel.matchLabels ?? {}).length && !(sel.matchExpressions ?? []).length) {
      this.recorder.event(ref, EventType.Warning, 'SelectingAll', 'This daemon set is selecting all pods. A non-empty selector is required.');
      return;
    }
    let selector: Selector;
    try {
      selector = labelSelectorAsSelector(sel);
    } catch (e: unknown) {
      log.error('invalid DaemonSet selector', { key, error: e });
      return;
    }
    if (ds.metadata?.deletionTimestamp) return;

    const ctx: SyncContext = {
      ds,
      ref,
      selector,
      ownerRef: newControllerRef(ds, 'apps/v1', 'DaemonSet'),
      canAdopt: recheckDeletion(this.ctx.client, DAEMONSETS, ds, 'DaemonSet'),
      requeueAfter: undefined,
    };
    const { cur, old } = await this.constructHistory(ctx);
    const hash = cur.metadata?.labels?.[DAEMONSET_HASH_LABEL] ?? '';
    if (!this.expectations.satisfied(key)) {
      await this.updateStatus(ctx, nodes, hash, false);
      return ctx.requeueAfter ? { requeueAfter: ctx.requeueAfter } : undefined;
    }
    let err: unknown;
    try {
      await this.manage(ctx, nodes, hash);
      if (this.expectations.satisfied(key) && ds.spec.updateStrategy.type === 'RollingUpdate') await this.rollingUpdate(ctx, nodes, hash);
      await this.cleanupHistory(ctx, old);
    } catch (e: unknown) {
      err = e;
    }
    try {
      await this.updateStatus(ctx, nodes, hash, true);
    } catch (e: unknown) {
      err ??= e;
    }
    if (err !== undefined) throw err;
    return ctx.requeueAfter ? { requeueAfter: ctx.requeueAfter } : undefined;
  }

  /** The set's pods (claimed: orphans adopted, non-matching released). */
  private async daemonPods(ctx: SyncContext): Promise<KubeObject[]> {
    const all = this.pods.namespace(ctx.ds.metadata!.namespace ?? '').list();
    return claimObjects(all, {
      client: this.ctx.client,
      gvr: PODS,
      owner: ctx.ds,
      ownerRef: ctx.ownerRef,
      match: (p) => ctx.selector.matches(p.metadata?.labels ?? {}),
      canAdopt: ctx.canAdopt,
    });
  }

  /** Claimed pods by the node they are for; terminal pods being deleted are left out unless asked for. */
  private async nodeToDaemonPods(ctx: SyncContext, includeDeletedTerminal = false): Promise<Map<string, KubeObject[]>> {
    const out = new Map<string, KubeObject[]>();
    for (const pod of await this.daemonPods(ctx)) {
      const phase = phaseOf(pod);
      if (!includeDeletedTerminal && (phase === 'Succeeded' || phase === 'Failed') && pod.metadata?.deletionTimestamp) continue;
      const node = targetNodeName(pod);
      if (node === undefined) continue;
      const list = out.get(node);
      if (list) list.push(pod);
      else out.set(node, [pod]);
    }
    return out;
  }

  private shouldRun(ds: DaemonSet, node: KubeObject) {
    return nodeShouldRunDaemonPod(node, ds.spec.template);
  }

  /** Creates pods on nodes that need one and deletes those that should go (upstream's manage). */
  private async manage(ctx: SyncContext, nodes: KubeObject[], hash: string): Promise<void> {
    const byNode = await this.nodeToDaemonPods(ctx);
    const create: string[] = [];
    const del: string[] = [];
    for (const node of nodes) {
      const r = this.podsShouldBeOnNode(ctx, node, byNode, hash);
      create.push(...r.create);
      del.push(...r.del);
    }
    // Unbound pods for nodes that no longer exist would never be scheduled, nor collected.
    const exists = new Set(nodes.map((n) => n.metadata!.name!));
    for (const [nodeName, pods] of byNode) {
      if (exists.has(nodeName)) continue;
      for (const p of pods) if (!(p.spec as PodSpecLike).nodeName) del.push(p.metadata!.name!);
    }
    await this.syncNodes(ctx, del, create, hash);
  }

  private podsShouldBeOnNode(ctx: SyncContext, node: KubeObject, byNode: Map<string, KubeObject[]>, hash: string): { create: string[]; del: string[] } {
    const ds = ctx.ds;
    const create: string[] = [];
    const del: string[] = [];
    const nodeName = node.metadata!.name!;
    const { shouldRun, shouldContinueRunning } = this.shouldRun(ds, node);
    const pods = byNode.get(nodeName);
    if (shouldRun && !pods) {
      create.push(nodeName);
    } else if (shouldContinueRunning && pods) {
      const running: KubeObject[] = [];
      for (const pod of pods) {
        if (pod.metadata?.deletionTimestamp) continue;
        const phase = phaseOf(pod);
        if (phase === 'Failed') {
          // Daemon pods rejected by the kubelet fail again at once: back off between kills.
          const bkey = `${ds.metadata!.uid}/${ds.status.observedGeneration ?? 0}/${nodeName}`;
          const now = this.ctx.clock.now();
          if (this.failedPodsBackoff.inBackoffSinceUpdate(bkey, now)) {
            const delay = this.failedPodsBackoff.get(bkey);
            ctx.requeueAfter = ctx.requeueAfter === undefined ? delay : Math.min(ctx.requeueAfter, delay);
            continue;
          }
          this.failedPodsBackoff.next(bkey, now);
          this.recorder.event(
            ctx.ref,
            EventType.Warning,
            'FailedDaemonPod',
            `Found failed daemon pod ${pod.metadata!.namespace}/${pod.metadata!.name} on node ${nodeName}, will try to kill it`,
          );
          del.push(pod.metadata!.name!);
        } else if (phase === 'Succeeded') {
          this.recorder.event(
            ctx.ref,
            EventType.Normal,
            'SucceededDaemonPod',
            `Found succeeded daemon pod ${pod.metadata!.namespace}/${pod.metadata!.name} on node ${nodeName}, will try to delete it`,
          );
          del.push(pod.metadata!.name!);
        } else {
          running.push(pod);
        }
      }
      running.sort(byCreationAndScheduled);
      if (!this.allowsSurge(ds)) {
        for (const p of running.slice(1)) del.push(p.metadata!.name!);
      } else if (running.length <= 1) {
        if (running.length === 0 && shouldRun) create.push(nodeName);
      } else {
        // Surging: keep at most the oldest new and the oldest old pod, the old one only
        // until the new one is available (or while the old one is still ready).
        let oldestNew: KubeObject | undefined;
        let oldestOld: KubeObject | undefined;
        for (const p of running) {
          const isNew = (p.metadata?.labels ?? {})[DAEMONSET_HASH_LABEL] === hash;
          if (isNew && !oldestNew) oldestNew = p;
          else if (!isNew && !oldestOld) oldestOld = p;
          else del.push(p.metadata!.name!);
        }
        if (oldestNew && oldestOld) {
          if (!isPodReady(oldestOld)) del.push(oldestOld.metadata!.name!);
          else if (isPodAvailable(oldestNew, ds.spec.minReadySeconds, this.ctx.clock.now())) del.push(oldestOld.metadata!.name!);
        }
      }
    } else if (!shouldContinueRunning && pods) {
      for (const p of pods) if (!p.metadata?.deletionTimestamp) del.push(p.metadata!.name!);
    }
    return { create, del };
  }

  private allowsSurge(ds: DaemonSet): boolean {
    try {
      return surgeCount(ds, 1) > 0;
    } catch {
      return false;
    }
  }

  /**
   * Deletes `del` and creates a pod on each of `create` (at most BURST_REPLICAS each),
   * setting expectations first; creations go in slow-start batches (1, 2, 4, ...) and stop
   * after a batch with failures (upstream's syncNodes).
   */
  private async syncNodes(ctx: SyncContext, del: string[], create: string[], hash: string): Promise<void> {
    const key = keyOf(ctx.ds);
    const createN = Math.min(create.length, BURST_REPLICAS);
    const delN = Math.min(del.length, BURST_REPLICAS);
    this.expectations.set(key, createN, delN);
    const errs: unknown[] = [];
    const template = this.podTemplate(ctx.ds, hash);
    const ns = ctx.ds.metadata!.namespace ?? '';
    let pos = 0;
    for (let batch = Math.min(createN, 1); pos < createN; batch = Math.min(2 * batch, createN - pos)) {
      const before = errs.length;
      await Promise.all(
        create.slice(pos, pos + batch).map(async (nodeName) => {
          const t = deepClone(template);
          const spec = (t.spec ??= {}) as PodSpecLike;
          spec.affinity = replaceNodeNameAffinity(spec.affinity, nodeName);
          try {
            await this.podControl.createPod(ns, t, ctx.ref, ctx.ownerRef);
          } catch (e: unknown) {
            if (isNamespaceTerminating(e)) return;
            this.expectations.creationObserved(key);
            errs.push(e);
          }
        }),
      );
      pos += batch;
      const skipped = createN - pos;
      if (errs.length > before && skipped > 0) {
        this.expectations.lower(key, skipped, 0);
        break;
      }
    }
    await Promise.all(
      del.slice(0, delN).map(async (name) => {
        try {
          await this.podControl.deletePod(ns, name, ctx.ref);
        } catch (e: unknown) {
          this.expectations.deletionObserved(key);
          if (!isNotFound(e)) errs.push(e);
        }
      }),
    );
    if (errs.length) throw errs[0];
  }

  /** The template daemon pods are created from (upstream's CreatePodTemplate): tolerations, generation and hash labels. */
  private podTemplate(ds: DaemonSet, hash: string): PodTemplateSpec {
    const t = deepClone(ds.spec.template);
    const spec = (t.spec ??= {}) as PodSpecLike;
    addDaemonTolerations(spec);
    const meta = (t.metadata ??= {});
    const labels = (meta.labels ??= {});
    const generation = templateGeneration(ds);
    if (generation !== undefined) labels[TEMPLATE_GENERATION_LABEL] = String(generation);
    if (hash) labels[DAEMONSET_HASH_LABEL] = hash;
    return t;
  }

  /** Replaces old pods within maxUnavailable (deleting) or maxSurge (creating first), as upstream's rollingUpdate. */
  private async rollingUpdate(ctx: SyncContext, nodes: KubeObject[], hash: string): Promise<void> {
    const ds = ctx.ds;
    const byNode = await this.nodeToDaemonPods(ctx);
    let desired = 0;
    for (const node of nodes) {
      if (!this.shouldRun(ds, node).shouldRun) continue;
      desired++;
      if (!byNode.has(node.metadata!.name!)) byNode.set(node.metadata!.name!, []);
    }
    let maxUnavailable = unavailableCount(ds, desired);
    const maxSurge = surgeCount(ds, desired);
    if (desired > 0 && maxUnavailable === 0 && maxSurge === 0) maxUnavailable = 1;
    const now = this.ctx.clock.now();
    const minReady = ds.spec.minReadySeconds;
    const generation = templateGeneration(ds);
    const available = (p: KubeObject) => isPodAvailable(p, minReady, now);

    if (maxSurge === 0) {
      let numUnavailable = 0;
      const allowed: string[] = [];
      const candidates: string[] = [];
      for (const pods of byNode.values()) {
        const r = findUpdatedPodsOnNode(pods, hash, generation);
        if (!r) {
          numUnavailable++;
          continue;
        }
        const { newPod, oldPod } = r;
        if ((!oldPod && !newPod) || (oldPod && newPod)) numUnavailable++;
        else if (newPod) {
          if (!available(newPod)) numUnavailable++;
        } else if (oldPod) {
          if (!available(oldPod)) {
            allowed.push(oldPod.metadata!.name!);
            numUnavailable++;
          } else if (numUnavailable < maxUnavailable) {
            candidates.push(oldPod.metadata!.name!);
          }
        }
      }
      const remaining = Math.min(Math.max(0, maxUnavailable - numUnavailable), candidates.length);
      await this.syncNodes(ctx, [...allowed, ...candidates.slice(0, remaining)], [], hash);
      return;
    }

    const oldToDelete: string[] = [];
    const shouldNotRunToDelete: string[] = [];
    const candidateNew: string[] = [];
    const allowedNew: string[] = [];
    let numSurge = 0;
    let numAvailable = 0;
    for (const [nodeName, pods] of byNode) {
      const r = findUpdatedPodsOnNode(pods, hash, generation);
      if (!r) {
        numSurge++;
        continue;
      }
      const { newPod, oldPod } = r;
      if (oldPod) {
        if (available(oldPod)) numAvailable++;
      } else if (newPod && available(newPod)) numAvailable++;
      if (!oldPod) continue;
      if (!newPod) {
        const node = this.nodes.get('', nodeName);
        const run = node ? this.shouldRun(ds, node).shouldRun : false;
        if (!available(oldPod)) {
          if (!run) oldToDelete.push(oldPod.metadata!.name!);
          else allowedNew.push(nodeName);
        } else if (!run) {
          shouldNotRunToDelete.push(oldPod.metadata!.name!);
        } else if (numSurge < maxSurge) {
          candidateNew.push(nodeName);
        }
        continue;
      }
      if (!available(newPod)) {
        numSurge++;
        continue;
      }
      oldToDelete.push(oldPod.metadata!.name!);
    }
    const deletable = Math.min(numAvailable - desired, shouldNotRunToDelete.length);
    if (deletable > 0) oldToDelete.push(...shouldNotRunToDelete.slice(0, deletable));
    const remainingSurge = Math.min(Math.max(0, maxSurge - numSurge), candidateNew.length);
    await this.syncNodes(ctx, oldToDelete, [...allowedNew, ...candidateNew.slice(0, remainingSurge)], hash);
  }

  // ---- history ----

  /**
   * The revision matching the current template (created, or renumbered to be newest) and
   * the others, after claiming revisions and labelling old ones (upstream's constructHistory).
   */
  private async constructHistory(ctx: SyncContext): Promise<{ cur: ControllerRevision; old: ControllerRevision[] }> {
    const ds = ctx.ds;
    const ns = ds.metadata!.namespace ?? '';
    const listed = this.revisions.namespace(ns).list();
    const histories = (await claimObjects(listed, {
      client: this.ctx.client,
      gvr: CONTROLLER_REVISIONS,
      owner: ds,
      ownerRef: ctx.ownerRef,
      match: (r) => ctx.selector.matches(r.metadata?.labels ?? {}),
      canAdopt: ctx.canAdopt,
    })) as ControllerRevision[];
    const patch = templatePatchOf(ds);
    const current: ControllerRevision[] = [];
    const old: ControllerRevision[] = [];
    for (let h of histories) {
      if (!(DAEMONSET_HASH_LABEL in (h.metadata?.labels ?? {}))) {
        const u = deepClone(h);
        u.metadata!.labels = { ...(u.metadata!.labels ?? {}), [DAEMONSET_HASH_LABEL]: u.metadata!.name! };
        h = (await this.ctx.client.update(CONTROLLER_REVISIONS, ns, u)) as ControllerRevision;
      }
      if (deepEqual(h.data ?? null, patch)) current.push(h);
      else old.push(h);
    }
    const nextRevision = old.reduce((m, h) => Math.max(m, h.revision ?? 0), 0) + 1;
    let cur: ControllerRevision;
    if (!current.length) {
      cur = await this.snapshot(ds, nextRevision, patch);
    } else {
      cur = await this.dedupCurrent(ctx, current);
      if ((cur.revision ?? 0) < nextRevision) {
        const u = deepClone(cur);
        u.revision = nextRevision;
        cur = (await this.ctx.client.update(CONTROLLER_REVISIONS, ns, u)) as ControllerRevision;
      }
    }
    return { cur, old };
  }

  private async snapshot(ds: DaemonSet, revision: number, patch: unknown): Promise<ControllerRevision> {
    const hash = computeTemplateHash(ds.spec.template, ds.status.collisionCount);
    const name = `${ds.metadata!.name}-${hash}`;
    const ns = ds.metadata!.namespace ?? '';
    const cr: ControllerRevision = {
      apiVersion: 'apps/v1',
      kind: 'ControllerRevision',
      metadata: {
        name,
        namespace: ns,
        labels: { ...(ds.spec.template.metadata?.labels ?? {}), [DAEMONSET_HASH_LABEL]: hash },
        ownerReferences: [newControllerRef(ds, 'apps/v1', 'DaemonSet')],
      },
      data: patch,
      revision,
    };
    const annotations = ds.metadata?.annotations;
    if (annotations && Object.keys(annotations).length) cr.metadata!.annotations = { ...annotations };
    try {
      return (await this.ctx.client.create(CONTROLLER_REVISIONS, ns, cr)) as ControllerRevision;
    } catch (e: unknown) {
      if (!isAlreadyExists(e)) throw e;
      const existing = (await this.ctx.client.get(CONTROLLER_REVISIONS, ns, name)) as ControllerRevision;
      if (deepEqual(existing.data ?? null, patch)) return existing;
      // A different template hashed to the same name: bump the collision count (unless ours is stale) and retry.
      const fresh = await this.ctx.client.get(DAEMONSETS, ns, ds.metadata!.name!);
      const freshCount = (fresh.status as { collisionCount?: number } | undefined)?.collisionCount;
      if (freshCount !== ds.status.collisionCount) {
        throw new Error(
          `found a stale collision count (${ds.status.collisionCount}, expected ${freshCount}) of DaemonSet ${JSON.stringify(ds.metadata!.name)} while processing; will retry until it is updated`,
        );
      }
      const st = { ...((fresh.status as Record<string, unknown>) ?? {}), collisionCount: (freshCount ?? 0) + 1 };
      await this.ctx.client.update(DAEMONSETS, ns, { ...fresh, status: st }, { subresource: 'status' });
      throw e;
    }
  }

  /** Keeps the newest of several revisions with the current template, relabelling pods onto it first. */
  private async dedupCurrent(ctx: SyncContext, current: ControllerRevision[]): Promise<ControllerRevision> {
    if (current.length === 1) return current[0]!;
    let keep = current[0]!;
    for (const c of current) if ((c.revision ?? 0) >= (keep.revision ?? 0)) keep = c;
    const keepHash = keep.metadata?.labels?.[DAEMONSET_HASH_LABEL] ?? '';
    const ns = ctx.ds.metadata!.namespace ?? '';
    for (const pod of await this.daemonPods(ctx)) {
      if ((pod.metadata?.labels ?? {})[DAEMONSET_HASH_LABEL] !== keepHash) {
        await this.ctx.client.patch(PODS, ns, pod.metadata!.name!, 'merge', { metadata: { labels: { [DAEMONSET_HASH_LABEL]: keepHash } } });
      }
    }
    for (const c of current) {
      if (c.metadata!.name === keep.metadata!.name) continue;
      await this.ctx.client.delete(CONTROLLER_REVISIONS, ns, c.metadata!.name!);
    }
    return keep;
  }

  /** Deletes the oldest old revisions beyond revisionHistoryLimit that no pod still runs (upstream's cleanupHistory). */
  private async cleanupHistory(ctx: SyncContext, old: ControllerRevision[]): Promise<void> {
    let toKill = old.length - ctx.ds.spec.revisionHistoryLimit;
    if (toKill <= 0) return;
    const live = new Set<string>();
    for (const pods of (await this.nodeToDaemonPods(ctx, true)).values()) {
      for (const p of pods) {
        const h = p.metadata?.labels?.[DAEMONSET_HASH_LABEL];
        if (h) live.add(h);
      }
    }
    const sorted = [...old].sort((a, b) => (a.revision ?? 0) - (b.revision ?? 0));
    for (const h of sorted) {
      if (toKill <= 0) break;
      if (live.has(h.metadata?.labels?.[DAEMONSET_HASH_LABEL] ?? '')) continue;
      await this.ctx.client.delete(CONTROLLER_REVISIONS, h.metadata!.namespace ?? '', h.metadata!.name!);
      toKill--;
    }
  }

  // ---- status ----

  private async updateStatus(ctx: SyncContext, nodes: KubeObject[], hash: string, updateObservedGen: boolean): Promise<void> {
    const ds = ctx.ds;
    const byNode = await this.nodeToDaemonPods(ctx);
    const now = this.ctx.clock.now();
    const generation = templateGeneration(ds);
    let desired = 0;
    let current = 0;
    let mis = 0;
    let ready = 0;
    let updated = 0;
    let available = 0;
    for (const node of nodes) {
      const { shouldRun } = this.shouldRun(ds, node);
      const pods = byNode.get(node.metadata!.name!) ?? [];
      if (shouldRun) {
        desired++;
        if (!pods.length) continue;
        current++;
        const pod = [...pods].sort(byCreationAndScheduled)[0]!;
        if (isPodReady(pod)) {
          ready++;
          if (isPodAvailable(pod, ds.spec.minReadySeconds, now)) available++;
        }
        if (isPodUpdated(pod, hash, generation)) updated++;
      } else if (pods.length) {
        mis++;
      }
    }
    const status: DaemonSetStatus = {
      ...ds.status,
      desiredNumberScheduled: desired,
      currentNumberScheduled: current,
      numberMisscheduled: mis,
      numberReady: ready,
      updatedNumberScheduled: updated,
      numberAvailable: available,
      numberUnavailable: desired - available,
    };
    if (updateObservedGen) status.observedGeneration = ds.metadata?.generation;
    const s = ds.status;
    const unchanged =
      s.desiredNumberScheduled === desired &&
      s.currentNumberScheduled === current &&
      s.numberMisscheduled === mis &&
      s.numberReady === ready &&
      s.updatedNumberScheduled === updated &&
      s.numberAvailable === available &&
      s.numberUnavailable === desired - available &&
      (s.observedGeneration ?? 0) >= (ds.metadata?.generation ?? 0);
    if (!unchanged) {
      const ns = ds.metadata!.namespace ?? '';
      let obj: KubeObject = { ...(this.sets.get(ns, ds.metadata!.name!) ?? ds), status: statusJson(status) };
      for (let attempt = 0; ; attempt++) {
        try {
          await this.ctx.client.update(DAEMONSETS, ns, obj, { subresource: 'status' });
          break;
        } catch (e: unknown) {
          if (attempt >= 1) throw new Error(`error storing status for daemon set ${ds.metadata!.name}: ${(e as Error).message}`);
          const fresh = await this.ctx.client.get(DAEMONSETS, ns, ds.metadata!.name!);
          const st = { ...withDefaults(fresh).status, ...status };
          if (updateObservedGen) st.observedGeneration = ds.metadata?.generation;
          obj = { ...fresh, status: statusJson(st) };
        }
      }
    }
    // Look again once readiness has lasted minReadySeconds (guards against clock skew, as upstream).
    if (ds.spec.minReadySeconds > 0 && ready !== available) {
      const after = ds.spec.minReadySeconds * 1000;
      ctx.requeueAfter = ctx.requeueAfter === undefined ? after : Math.min(ctx.requeueAfter, after);
    }
  }
}

interface SyncContext {
  ds: DaemonSet;
  ref: ReturnType<typeof controllerReference>;
  selector: Selector;
  ownerRef: OwnerReference;
  canAdopt: () => Promise<void>;
  requeueAfter: number | undefined;
}

function selectorOf(obj: KubeObject): Selector | undefined {
  try {
    return labelSelectorAsSelector((obj.spec as { selector?: Parameters<typeof labelSelectorAsSelector>[0] } | undefined)?.selector);
  } catch {
    return undefined;
  }
}

/** Scheduled pods first, then oldest first, then by name (upstream's podByCreationTimestampAndPhase). */
export function byCreationAndScheduled(a: KubeObject, b: KubeObject): number {
  const sa = !!(a.spec as PodSpecLike | undefined)?.nodeName;
  const sb = !!(b.spec as PodSpecLike | undefined)?.nodeName;
  if (sa !== sb) return sa ? -1 : 1;
  const ta = a.metadata?.creationTimestamp ?? '';
  const tb = b.metadata?.creationTimestamp ?? '';
  if (ta === tb) return (a.metadata?.name ?? '') < (b.metadata?.name ?? '') ? -1 : 1;
  return ta < tb ? -1 : 1;
}

/** At most one updated and one old non-deleted pod on a node; undefined when there are more (upstream's findUpdatedPodsOnNode). */
export function findUpdatedPodsOnNode(pods: KubeObject[], hash: string, generation: number | undefined): { newPod?: KubeObject; oldPod?: KubeObject } | undefined {
  let newPod: KubeObject | undefined;
  let oldPod: KubeObject | undefined;
  for (const p of pods) {
    if (p.metadata?.deletionTimestamp) continue;
    if (isPodUpdated(p, hash, generation)) {
      if (newPod) return undefined;
      newPod = p;
    } else {
      if (oldPod) return undefined;
      oldPod = p;
    }
  }
  return { newPod, oldPod };
}

/** maxSurge scaled to `n` nodes, rounded up (0 unless RollingUpdate with maxSurge). */
export function surgeCount(ds: DaemonSet, n: number): number {
  const ru = ds.spec.updateStrategy.type === 'RollingUpdate' ? ds.spec.updateStrategy.rollingUpdate : undefined;
  if (ru?.maxSurge === undefined) return 0;
  return getScaledValueFromIntOrPercent(ru.maxSurge, n, true);
}

/** maxUnavailable scaled to `n` nodes, rounded up (0 unless RollingUpdate). */
export function unavailableCount(ds: DaemonSet, n: number): number {
  const ru = ds.spec.updateStrategy.type === 'RollingUpdate' ? ds.spec.updateStrategy.rollingUpdate : undefined;
  if (!ru) return 0;
  return getScaledValueFromIntOrPercent(ru.maxUnavailable ?? 1, n, true);
}
