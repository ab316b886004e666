import { labelSelectorAsSelector, type Selector } from '../../apimachinery/labels.js';
import { isAlreadyExists, isConflict, isNotFound } from '../../apimachinery/status.js';
import type { KubeObject } from '../../apimachinery/types.js';
import type { IntOrString } from '../../apimachinery/intstr.js';
import { gvr } from '../../client/api-client.js';
import { EventType, type EventRecorder } from '../../client/event-recorder.js';
import { isTombstone } from '../../client/indexer.js';
import type { Lister } from '../../client/lister.js';
import { rfc3339 } from '../../client/time-format.js';
import { runWorkers, Workqueue } from '../../client/workqueue.js';
import { deepClone, deepEqual } from '../../util/deep.js';
import { logger } from '../../util/log.js';
import { computeTemplateHash } from '../history/index.js';
import { controllerRefOf, isPodActive, keyOf, newControllerRef, splitKeyOf, type Controller, type ControllerContext } from '../framework/index.js';
import { controllerReference, PODS } from '../framework/pod-control.js';
import { claimObjects, recheckDeletion } from '../framework/ref-manager.js';
import { newRsReplicas, proportionalShares, resolveFenceposts } from './rolling.js';

const log = logger('deployment-controller');
export const DEPLOYMENTS = gvr('apps/v1', 'deployments');
export const REPLICASETS = gvr('apps/v1', 'replicasets');
const HASH_LABEL = 'pod-template-hash';
const REVISION = 'deployment.kubernetes.io/revision';
const REVISION_HISTORY = 'deployment.kubernetes.io/revision-history';
const DESIRED = 'deployment.kubernetes.io/desired-replicas';
const MAX_REPLICAS = 'deployment.kubernetes.io/max-replicas';
const CHANGE_CAUSE = 'kubernetes.io/change-cause';

interface Template {
  metadata?: { labels?: Record<string, string>; annotations?: Record<string, string>; [k: string]: unknown };
  spec?: Record<string, unknown>;
}
interface DSpec {
  replicas?: number;
  selector?: Parameters<typeof labelSelectorAsSelector>[0];
  template?: Template;
  strategy?: { type?: string; rollingUpdate?: { maxSurge?: IntOrString; maxUnavailable?: IntOrString } };
  minReadySeconds?: number;
  revisionHistoryLimit?: number;
  paused?: boolean;
  progressDeadlineSeconds?: number;
}
interface Condition {
  type: string;
  status: string;
  lastUpdateTime?: string;
  lastTransitionTime?: string;
  reason?: string;
  message?: string;
}
interface DStatus {
  observedGeneration?: number;
  replicas?: number;
  updatedReplicas?: number;
  readyReplicas?: number;
  availableReplicas?: number;
  unavailableReplicas?: number;
  collisionCount?: number;
  conditions?: Condition[];
}
interface RsStatus {
  replicas?: number;
  readyReplicas?: number;
  availableReplicas?: number;
  observedGeneration?: number;
}

const specOf = (o: KubeObject) => (o.spec ?? {}) as DSpec & { replicas?: number };
const rsReplicas = (rs: KubeObject) => specOf(rs).replicas ?? 0;
const rsStatus = (rs: KubeObject) => (rs.status ?? {}) as RsStatus;
const revisionOf = (rs: KubeObject) => Number(rs.metadata?.annotations?.[REVISION] ?? '0') || 0;

function withoutHash(t: Template | undefined): Template {
  const c = deepClone(t ?? {});
  if (c.metadata?.labels) {
    delete c.metadata.labels[HASH_LABEL];
    if (!Object.keys(c.metadata.labels).length) delete c.metadata.labels;
  }
  return c;
}

/**
 * The Deployment controller, as upstream's: one ReplicaSet per pod template (named
 * `<deployment>-<pod-template-hash>`), RollingUpdate within maxSurge/maxUnavailable or
 * Recreate, proportional scaling while several ReplicaSets are active, pause/resume,
 * revisions (and their history annotations), revisionHistoryLimit, and the status and
 * conditions (Available, Progressing with progressDeadlineSeconds) kubectl reads for
 * `rollout status`.
 */
export class DeploymentController implements Controller {
  readonly name = 'deployment';
  private readonly queue: Workqueue<string>;
  private readonly deployments: Lister;
  private readonly replicaSets: Lister;
  private readonly pods: Lister;
  private readonly recorder: EventRecorder;

  constructor(private readonly ctx: ControllerContext) {
    this.queue = new Workqueue<string>({ clock: ctx.clock });
    const dInf = ctx.informers.informerFor(DEPLOYMENTS);
    const rsInf = ctx.informers.informerFor(REPLICASETS);
    const podInf = ctx.informers.informerFor(PODS);
    this.deployments = dInf.lister();
    this.replicaSets = rsInf.lister();
    this.pods = podInf.lister();
    this.recorder = ctx.recorder('deployment-controller');
    dInf.addEventHandler({
      onAdd: (o) => this.queue.add(keyOf(o)),
      onUpdate: (_a, b) => this.queue.add(keyOf(b)),
      onDelete: (o) => this.queue.add(isTombstone(o) ? o.key : keyOf(o)),
    });
    const rsEvent = (rs: KubeObject) => {
      const ref = controllerRefOf(rs);
      if (ref?.kind === 'Deployment') {
        const d = this.deployments.get(rs.metadata?.namespace ?? '', ref.name);
        if (d && d.metadata?.uid === ref.uid) this.queue.add(keyOf(d));
        return;
      }
      if (!ref) for (const d of this.matching(rs)) this.queue.add(keyOf(d));
    };
    rsInf.addEventHandler({
      onAdd: rsEvent,
      onUpdate: (_a, b) => rsEvent(b),
      onDelete: (o) => {
        const rs = isTombstone(o) ? o.obj : o;
        if (rs) rsEvent(rs);
      },
    });
    // Recreate waits for old pods to be gone.
    podInf.addEventHandler({
      onDelete: (o) => {
        const pod = isTombstone(o) ? o.obj : o;
        const ref = pod && controllerRefOf(pod);
        if (!pod || ref?.kind !== 'ReplicaSet') return;
        const rs = this.replicaSets.get(pod.metadata?.namespace ?? '', ref.name);
        if (rs) rsEvent(rs);
      },
    });
  }

  private matching(rs: KubeObject): KubeObject[] {
    return this.deployments
      .namespace(rs.metadata?.namespace ?? '')
      .list()
      .filter((d) => {
        const sel = this.selector(d);
        return !!sel && !sel.isEmpty() && sel.matches(rs.metadata?.labels ?? {});
      });
  }

  private selector(d: KubeObject): Selector | undefined {
    try {
      return labelSelectorAsSelector(specOf(d).selector);
    } catch {
      return undefined;
    }
  }

  async run(signal: AbortSignal): Promise<void> {
    if (!(await this.ctx.informers.waitForCacheSync(signal))) return;
    await runWorkers(this.queue, (key) => this.sync(key), signal, { workers: this.ctx.workers, name: 'deployment-controller', log });
  }

  private now(): string {
    return rfc3339(this.ctx.clock.now());
  }

  private event(d: KubeObject, type: EventType, reason: string, message: string): void {
    this.recorder.event(controllerReference(d, 'apps/v1', 'Deployment'), type, reason, message);
  }

  async sync(key: string): Promise<{ requeueAfter?: number } | void> {
    const { namespace, name } = splitKeyOf(key);
    const cached = this.deployments.get(namespace, name);
    if (!cached) return;
    const d = deepClone(cached);
    const spec = specOf(d);
    const selector = this.selector(d);
    if (!selector || selector.isEmpty()) {
      this.event(d, EventType.Warning, 'SelectingAll', 'This deployment is selecting all pods. A non-empty selector is required.');
      return;
    }
    const owned = await claimObjects(this.replicaSets.namespace(namespace).list(), {
      client: this.ctx.client,
      gvr: REPLICASETS,
      owner: d,
      ownerRef: newControllerRef(d, 'apps/v1', 'Deployment'),
      match: (rs) => selector.matches(rs.metadata?.labels ?? {}),
      canAdopt: recheckDeletion(this.ctx.client, DEPLOYMENTS, d, 'Deployment'),
    });
    const rsList = owned.map((rs) => deepClone(rs));
    if (d.metadata?.deletionTimestamp) return this.syncStatus(d, rsList, this.findNew(d, rsList));

    if (spec.paused || this.isScalingEvent(d, rsList)) {
      const newRs = await this.getNewRs(d, rsList, false);
      await this.scale(d, newRs, rsList);
      if (spec.paused) {
        await this.cleanup(d, rsList, newRs);
      }
      return this.syncStatus(d, rsList, newRs);
    }
    if (spec.strategy?.type === 'Recreate') return this.rolloutRecreate(d, rsList);
    return this.rolloutRolling(d, rsList);
  }

  // ---- ReplicaSets ----

  private findNew(d: KubeObject, rsList: KubeObject[]): KubeObject | undefined {
    const tpl = specOf(d).template;
    // The oldest matching one wins, as upstream (there should be only one).
    return [...rsList]
      .sort((a, b) => String(a.metadata?.creationTimestamp).localeCompare(String(b.metadata?.creationTimestamp)))
      .find((rs) => deepEqual(withoutHash(specOf(rs).template), withoutHash(tpl)));
  }

  private olds(rsList: KubeObject[], newRs: KubeObject | undefined): KubeObject[] {
    return rsList.filter((rs) => rs.metadata?.uid !== newRs?.metadata?.uid);
  }

  /** The new ReplicaSet (created when absent and `create`), with its revision brought up to date. */
  private async getNewRs(d: KubeObject, rsList: KubeObject[], create: boolean): Promise<KubeObject | undefined> {
    const existing = this.findNew(d, rsList);
    const olds = this.olds(rsList, existing);
    const maxOld = olds.reduce((m, rs) => Math.max(m, revisionOf(rs)), 0);
    const newRevision = String(maxOld + 1);
    const spec = specOf(d);
    if (existing) {
      const ann = { ...(existing.metadata?.annotations ?? {}) };
      let changed = false;
      if (revisionOf(existing) < maxOld + 1) {
        // A rollback to this template: keep the revisions it had in its history.
        const old = ann[REVISION];
        if (old) ann[REVISION_HISTORY] = ann[REVISION_HISTORY] ? `${ann[REVISION_HISTORY]},${old}` : old;
        ann[REVISION] = newRevision;
        changed = true;
      }
      const cause = d.metadata?.annotations?.[CHANGE_CAUSE];
      if (cause !== undefined && ann[CHANGE_CAUSE] !== cause) {
        ann[CHANGE_CAUSE] = cause;
        changed = true;
      }
      if (!this.isScalingEvent(d, rsList)) {
        const { surge } = this.fenceposts(d);
        if (ann[DESIRED] !== String(spec.replicas ?? 1) || ann[MAX_REPLICAS] !== String((spec.replicas ?? 1) + surge)) {
          ann[DESIRED] = String(spec.replicas ?? 1);
          ann[MAX_REPLICAS] = String((spec.replicas ?? 1) + surge);
          changed = true;
        }
      }
      const minReady = spec.minReadySeconds ?? 0;
      const rsMinReady = specOf(existing).minReadySeconds ?? 0;
      if (changed || rsMinReady !== minReady) {
        existing.metadata!.annotations = ann;
        (existing.spec as DSpec).minReadySeconds = minReady;
        const updated = await this.ctx.client.update(REPLICASETS, existing.metadata!.namespace!, existing);
        Object.assign(existing, updated);
      }
      await this.setDeploymentRevision(d, existing.metadata!.annotations![REVISION]!);
      if (!(d.status as DStatus | undefined)?.conditions?.some((c) => c.type === 'Progressing')) {
        this.setCondition(d, { type: 'Progressing', status: 'True', reason: 'FoundNewReplicaSet', message: `Found new replica set "${existing.metadata!.name}"` });
      }
      return existing;
    }
    if (!create) return undefined;
    const status = (d.status ?? {}) as DStatus;
    const hash = computeTemplateHash(spec.template, status.collisionCount);
    const tpl = deepClone(spec.template ?? {});
    tpl.metadata = { ...(tpl.metadata ?? {}), labels: { ...(tpl.metadata?.labels ?? {}), [HASH_LABEL]: hash } };
    const sel = deepClone(spec.selector ?? {}) as { matchLabels?: Record<string, string> };
    sel.matchLabels = { ...(sel.matchLabels ?? {}), [HASH_LABEL]: hash };
    const { surge } = this.fenceposts(d);
    const desired = spec.replicas ?? 1;
    const all = rsList.reduce((s, rs) => s + rsReplicas(rs), 0);
    const replicas = spec.strategy?.type === 'Recreate' ? desired : newRsReplicas(desired, surge, all, 0);
    const annotations: Record<string, string> = {
      [REVISION]: newRevision,
      [DESIRED]: String(desired),
      [MAX_REPLICAS]: String(desired + surge),
    };
    const cause = d.metadata?.annotations?.[CHANGE_CAUSE];
    if (cause !== undefined) annotations[CHANGE_CAUSE] = cause;
    const rs: KubeObject = {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: {
        name: `${d.metadata!.name}-${hash}`,
        namespace: d.metadata!.namespace,
        labels: { ...(tpl.metadata.labels ?? {}) },
        annotations,
        ownerReferences: [newControllerRef(d, 'apps/v1', 'Deployment')],
      },
      spec: { replicas, minReadySeconds: spec.minReadySeconds ?? 0, selector: sel, template: tpl },
    };
    let created: KubeObject;
    try {
      created = await this.ctx.client.create(REPLICASETS, d.metadata!.namespace!, rs);
    } catch (e: unknown) {
      if (isAlreadyExists(e)) {
        // A ReplicaSet of that name with another template: bump collisionCount, as upstream.
        let other: KubeObject | undefined;
        try {
          other = await this.ctx.client.get(REPLICASETS, d.metadata!.namespace!, rs.metadata!.name!);
        } catch {
          // gone meanwhile: retry the sync
        }
        if (other && controllerRefOf(other)?.uid === d.metadata?.uid && deepEqual(withoutHash(specOf(other).template), withoutHash(spec.template))) return other;
        const st = { ...((d.status ?? {}) as DStatus), collisionCount: (status.collisionCount ?? 0) + 1 };
        await this.ctx.client.update(DEPLOYMENTS, d.metadata!.namespace!, { ...d, status: st }, { subresource: 'status' });
        throw new Error(`replica set ${rs.metadata!.name} exists with another template; collisionCount now ${st.collisionCount}`);
      }
      this.setCondition(d, { type: 'ReplicaFailure', status: 'True', reason: 'FailedCreate', message: (e as Error).message });
      throw e;
    }
    if (replicas > 0) this.event(d, EventType.Normal, 'ScalingReplicaSet', `Scaled up replica set ${created.metadata!.name} from 0 to ${replicas}`);
    this.setCondition(d, { type: 'Progressing', status: 'True', reason: 'NewReplicaSetCreated', message: `Created new replica set "${created.metadata!.name}"` });
    await this.setDeploymentRevision(d, newRevision);
    rsList.push(created);
    return created;
  }

  private async setDeploymentRevision(d: KubeObject, revision: string): Promise<void> {
    const ann = d.metadata?.annotations ?? {};
    if (ann[REVISION] === revision) return;
    const patched = await this.ctx.client.patch(DEPLOYMENTS, d.metadata!.namespace!, d.metadata!.name!, 'merge', { metadata: { annotations: { [REVISION]: revision } } });
    d.metadata!.annotations = patched.metadata?.annotations;
    d.metadata!.resourceVersion = patched.metadata?.resourceVersion;
  }

  private fenceposts(d: KubeObject): { surge: number; unavailable: number } {
    const spec = specOf(d);
    if (spec.strategy?.type === 'Recreate') return { surge: 0, unavailable: 0 };
    return resolveFenceposts(spec.strategy?.rollingUpdate?.maxSurge, spec.strategy?.rollingUpdate?.maxUnavailable, spec.replicas ?? 1);
  }

  private async scaleRs(d: KubeObject, rs: KubeObject, replicas: number, scalingOperation: string): Promise<boolean> {
    const spec = specOf(d);
    const { surge } = this.fenceposts(d);
    const ann = rs.metadata?.annotations ?? {};
    const desired = String(spec.replicas ?? 1);
    const max = String((spec.replicas ?? 1) + surge);
    const from = rsReplicas(rs);
    if (from === replicas && ann[DESIRED] === desired && ann[MAX_REPLICAS] === max) return false;
    rs.metadata!.annotations = { ...ann, [DESIRED]: desired, [MAX_REPLICAS]: max };
    (rs.spec as DSpec).replicas = replicas;
    const updated = await this.ctx.client.update(REPLICASETS, rs.metadata!.namespace!, rs);
    Object.assign(rs, updated);
    if (from !== replicas) {
      this.event(d, EventType.Normal, 'ScalingReplicaSet', `Scaled ${scalingOperation} replica set ${rs.metadata!.name} from ${from} to ${replicas}`);
      return true;
    }
    return false;
  }

  /** A scale of the Deployment (not a template change): an active ReplicaSet's desired-replicas differs. */
  private isScalingEvent(d: KubeObject, rsList: KubeObject[]): boolean {
    const desired = String(specOf(d).replicas ?? 1);
    return rsList.some((rs) => rsReplicas(rs) > 0 && rs.metadata?.annotations?.[DESIRED] !== undefined && rs.metadata.annotations[DESIRED] !== desired);
  }

  /** Scaling without a rollout, as upstream's scale(): one active ReplicaSet takes it all, several share it proportionally. */
  private async scale(d: KubeObject, newRs: KubeObject | undefined, rsList: KubeObject[]): Promise<void> {
    const spec = specOf(d);
    const desired = spec.replicas ?? 1;
    const active = rsList.filter((rs) => rsReplicas(rs) > 0);
    if (active.length === 0 && newRs) {
      await this.scaleRs(d, newRs, desired, 'up');
      return;
    }
    if (active.length === 1) {
      const only = active[0]!;
      const to = newRs && only.metadata?.uid !== newRs.metadata?.uid ? rsReplicas(only) : desired;
      await this.scaleRs(d, only, to, to > rsReplicas(only) ? 'up' : 'down');
      return;
    }
    if (newRs && this.isComplete(d, newRs, rsList)) return;
    const { surge } = this.fenceposts(d);
    const allowed = desired + surge;
    const current = active.reduce((s, rs) => s + rsReplicas(rs), 0);
    const toAdd = allowed - current;
    if (toAdd === 0) return;
    const sorted = [...active].sort((a, b) => rsReplicas(b) - rsReplicas(a) || String(b.metadata?.creationTimestamp).localeCompare(String(a.metadata?.creationTimestamp)));
    const shares = proportionalShares(sorted.map(rsReplicas), toAdd);
    for (const [i, rs] of sorted.entries()) {
      const to = rsReplicas(rs) + shares[i]!;
      await this.scaleRs(d, rs, to, to > rsReplicas(rs) ? 'up' : 'down');
    }
  }

  // ---- strategies ----

  private async rolloutRolling(d: KubeObject, rsList: KubeObject[]): Promise<{ requeueAfter?: number } | void> {
    const newRs = await this.getNewRs(d, rsList, true);
    const olds = this.olds(rsList, newRs);
    const spec = specOf(d);
    const desired = spec.replicas ?? 1;
    const { surge, unavailable } = this.fenceposts(d);
    // Scale the new ReplicaSet up within maxSurge.
    if (newRs) {
      const all = rsList.reduce((s, rs) => s + rsReplicas(rs), 0);
      const cur = rsReplicas(newRs);
      const next = cur > desired ? desired : newRsReplicas(desired, surge, all, cur);
      if (next !== cur && (await this.scaleRs(d, newRs, next, next > cur ? 'up' : 'down'))) return this.syncStatus(d, rsList, newRs);
    }
    // Scale old ReplicaSets down within maxUnavailable: unhealthy replicas first.
    const oldCount = olds.reduce((s, rs) => s + rsReplicas(rs), 0);
    if (oldCount > 0) {
      const allCount = rsList.reduce((s, rs) => s + rsReplicas(rs), 0);
      const minAvailable = desired - unavailable;
      const newUnavailable = newRs ? rsReplicas(newRs) - (rsStatus(newRs).availableReplicas ?? 0) : 0;
      let maxScaleDown = allCount - minAvailable - newUnavailable;
      let scaled = false;
      if (maxScaleDown > 0) {
        const byAge = [...olds].sort((a, b) => String(a.metadata?.creationTimestamp).localeCompare(String(b.metadata?.creationTimestamp)));
        for (const rs of byAge) {
          if (maxScaleDown <= 0) break;
          const unhealthy = rsReplicas(rs) - (rsStatus(rs).availableReplicas ?? 0);
          if (unhealthy <= 0) continue;
          const n = Math.min(unhealthy, maxScaleDown);
          if (await this.scaleRs(d, rs, rsReplicas(rs) - n, 'down')) scaled = true;
          maxScaleDown -= n;
        }
        const available = rsList.reduce((s, rs) => s + Math.min(rsStatus(rs).availableReplicas ?? 0, rsReplicas(rs)), 0);
        let total = available - minAvailable;
        for (const rs of byAge) {
          if (total <= 0) break;
          if (rsReplicas(rs) === 0) continue;
          const n = Math.min(rsReplicas(rs), total);
          if (await this.scaleRs(d, rs, rsReplicas(rs) - n, 'down')) scaled = true;
          total -= n;
        }
      }
      if (scaled) return this.syncStatus(d, rsList, newRs);
    }
    if (newRs && this.isComplete(d, newRs, rsList)) await this.cleanup(d, rsList, newRs);
    return this.syncStatus(d, rsList, newRs);
  }

  private async rolloutRecreate(d: KubeObject, rsList: KubeObject[]): Promise<{ requeueAfter?: number } | void> {
    const existingNew = this.findNew(d, rsList);
    const olds = this.olds(rsList, existingNew);
    let scaledDown = false;
    for (const rs of olds) if (rsReplicas(rs) > 0 && (await this.scaleRs(d, rs, 0, 'down'))) scaledDown = true;
    if (scaledDown) return this.syncStatus(d, rsList, existingNew);
    // Only when no old pod is left does the new ReplicaSet come up.
    const oldUids = new Set(olds.map((rs) => rs.metadata!.uid!));
    const oldPodsLeft = this.pods
      .namespace(d.metadata!.namespace!)
      .list()
      .some((p) => oldUids.has(controllerRefOf(p)?.uid ?? '') && (isPodActive(p) || !!p.metadata?.deletionTimestamp));
    if (oldPodsLeft || olds.some((rs) => (rsStatus(rs).replicas ?? 0) > 0)) return this.syncStatus(d, rsList, existingNew);
    const newRs = await this.getNewRs(d, rsList, true);
    if (newRs) await this.scaleRs(d, newRs, specOf(d).replicas ?? 1, 'up');
    if (newRs && this.isComplete(d, newRs, rsList)) await this.cleanup(d, rsList, newRs);
    return this.syncStatus(d, rsList, newRs);
  }

  private isComplete(d: KubeObject, newRs: KubeObject, rsList: KubeObject[]): boolean {
    const desired = specOf(d).replicas ?? 1;
    const st = rsStatus(newRs);
    const oldPods = this.olds(rsList, newRs).reduce((s, rs) => s + (rsStatus(rs).replicas ?? 0), 0);
    return rsReplicas(newRs) === desired && (st.replicas ?? 0) === desired && (st.availableReplicas ?? 0) >= desired && oldPods === 0;
  }

  /** Deletes old, empty ReplicaSets beyond revisionHistoryLimit, oldest revision first. */
  private async cleanup(d: KubeObject, rsList: KubeObject[], newRs: KubeObject | undefined): Promise<void> {
    const limit = specOf(d).revisionHistoryLimit ?? 10;
    const olds = this.olds(rsList, newRs).filter((rs) => !rs.metadata?.deletionTimestamp);
    const deletable = olds.filter((rs) => rsReplicas(rs) === 0 && (rsStatus(rs).replicas ?? 0) === 0).sort((a, b) => revisionOf(a) - revisionOf(b));
    const excess = olds.length - limit;
    for (const rs of deletable.slice(0, Math.max(0, excess))) {
      try {
        await this.ctx.client.delete(REPLICASETS, rs.metadata!.namespace!, rs.metadata!.name!, { preconditions: { uid: rs.metadata!.uid } });
      } catch (e: unknown) {
        if (!isNotFound(e) && !isConflict(e)) throw e;
      }
    }
  }

  // ---- status ----

  private setCondition(d: KubeObject, c: Omit<Condition, 'lastUpdateTime' | 'lastTransitionTime'>): void {
    const status = (d.status ??= {}) as DStatus;
    const list = status.conditions ?? [];
    const now = this.now();
    const prev = list.find((x) => x.type === c.type);
    const next: Condition = { type: c.type, status: c.status, lastUpdateTime: now, lastTransitionTime: prev && prev.status === c.status ? prev.lastTransitionTime : now, reason: c.reason, message: c.message };
    if (prev && prev.status === c.status && prev.reason === c.reason && prev.message === c.message) return;
    status.conditions = [...list.filter((x) => x.type !== c.type), next];
  }

  private async syncStatus(d: KubeObject, rsList: KubeObject[], newRs: KubeObject | undefined): Promise<{ requeueAfter?: number } | void> {
    const spec = specOf(d);
    const desired = spec.replicas ?? 1;
    const { unavailable } = this.fenceposts(d);
    const old = deepClone((d.status ?? {}) as DStatus);
    const sum = (f: (rs: KubeObject) => number) => rsList.reduce((s, rs) => s + f(rs), 0);
    const status: DStatus = {
      ...old,
      observedGeneration: d.metadata?.generation,
      replicas: sum((rs) => rsStatus(rs).replicas ?? 0),
      updatedReplicas: newRs ? (rsStatus(newRs).replicas ?? 0) : 0,
      readyReplicas: sum((rs) => rsStatus(rs).readyReplicas ?? 0),
      availableReplicas: sum((rs) => rsStatus(rs).availableReplicas ?? 0),
    };
    status.unavailableReplicas = Math.max(0, sum(rsReplicas) - (status.availableReplicas ?? 0));
    if (!status.unavailableReplicas) delete status.unavailableReplicas;
    d.status = status;
    if ((status.availableReplicas ?? 0) >= desired - unavailable) {
      this.setCondition(d, { type: 'Available', status: 'True', reason: 'MinimumReplicasAvailable', message: 'Deployment has minimum availability.' });
    } else {
      this.setCondition(d, { type: 'Available', status: 'False', reason: 'MinimumReplicasUnavailable', message: 'Deployment does not have minimum availability.' });
    }
    let requeueAfter: number | undefined;
    const deadline = spec.progressDeadlineSeconds;
    const progressing = (status.conditions ?? []).find((c) => c.type === 'Progressing');
    if (spec.paused) {
      if (progressing?.reason !== 'DeploymentPaused') this.setCondition(d, { type: 'Progressing', status: 'Unknown', reason: 'DeploymentPaused', message: 'Deployment is paused' });
    } else if (progressing?.reason === 'DeploymentPaused') {
      this.setCondition(d, { type: 'Progressing', status: 'Unknown', reason: 'DeploymentResumed', message: 'Deployment is resumed' });
    } else if (newRs && this.isComplete(d, newRs, rsList)) {
      this.setCondition(d, { type: 'Progressing', status: 'True', reason: 'NewReplicaSetAvailable', message: `ReplicaSet "${newRs.metadata!.name}" has successfully progressed.` });
    } else if (newRs) {
      const moved =
        (status.updatedReplicas ?? 0) > (old.updatedReplicas ?? 0) ||
        (status.availableReplicas ?? 0) > (old.availableReplicas ?? 0) ||
        (status.readyReplicas ?? 0) > (old.readyReplicas ?? 0) ||
        (status.replicas ?? 0) < (old.replicas ?? 0);
      const cur = (status.conditions ?? []).find((c) => c.type === 'Progressing');
      if (moved || !cur || cur.reason === 'NewReplicaSetAvailable') {
        const c: Condition = { type: 'Progressing', status: 'True', reason: 'ReplicaSetUpdated', message: `ReplicaSet "${newRs.metadata!.name}" is progressing.` };
        const now = this.now();
        status.conditions = [...(status.conditions ?? []).filter((x) => x.type !== 'Progressing'), { ...c, lastUpdateTime: now, lastTransitionTime: cur?.status === 'True' ? cur.lastTransitionTime : now }];
      }
      const latest = (status.conditions ?? []).find((c) => c.type === 'Progressing')!;
      if (deadline !== undefined && deadline !== null && deadline < 2147483647 && latest.reason !== 'ProgressDeadlineExceeded') {
        const since = Date.parse(latest.lastUpdateTime ?? '') || this.ctx.clock.now();
        const left = since + deadline * 1000 - this.ctx.clock.now();
        if (left <= 0) {
          this.setCondition(d, { type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded', message: `ReplicaSet "${newRs.metadata!.name}" has timed out progressing.` });
          this.event(d, EventType.Warning, 'ProgressDeadlineExceeded', `Deployment "${d.metadata!.name}" has timed out progressing.`);
        } else {
          requeueAfter = left + 100;
        }
      }
    }
    const order = (s: DStatus) => ({ ...s, conditions: [...(s.conditions ?? [])].sort((a, b) => a.type.localeCompare(b.type)) });
    if (!deepEqual(order(old), order(d.status as DStatus))) {
      // Keep upstream's condition order: Available, then Progressing.
      const cs = (d.status as DStatus).conditions ?? [];
      (d.status as DStatus).conditions = [...cs.filter((c) => c.type === 'Available'), ...cs.filter((c) => c.type === 'Progressing'), ...cs.filter((c) => c.type !== 'Available' && c.type !== 'Progressing')];
      try {
        await this.ctx.client.update(DEPLOYMENTS, d.metadata!.namespace!, d, { subresource: 'status' });
      } catch (e: unknown) {
        if (isNotFound(e)) return;
        if (isConflict(e)) return { requeueAfter: 50 };
        throw e;
      }
    }
    if (requeueAfter !== undefined) return { requeueAfter };
  }
}
