import { getScaledValueFromIntOrPercent } from '../../apimachinery/intstr.js';
import { isConflict, isNotFound } from '../../apimachinery/status.js';
import type { KubeObject } from '../../apimachinery/types.js';
import { gvr, type ApiClient } from '../../client/api-client.js';
import type { Clock } from '../../util/clock.js';
import { deepClone } from '../../util/deep.js';
import { newControllerRef } from '../framework/owner-refs.js';
import { phaseOf } from '../framework/pods.js';
import {
  applyTemplatePatch,
  createControllerRevision,
  equalRevision,
  findEqualRevisions,
  newControllerRevision,
  nextRevisionNumber,
  sortRevisions,
  templatePatchOf,
  updateRevisionNumber,
  CONTROLLER_REVISIONS,
  type ControllerRevision,
} from '../history/index.js';
import {
  endOrdinal,
  identityMatches,
  inOrdinalRange,
  isFailed,
  isRunningAndAvailable,
  isRunningAndReady,
  isSucceeded,
  isTerminating,
  isUnavailable,
  newVersionedPod,
  ordinalOf,
  revisionOf,
  startOrdinal,
  storageMatches,
} from './identity.js';
import type { StatefulPodControl } from './pod-control.js';
import { PodManagementPolicy, UpdateStrategyType, statusJson, type StatefulSet, type StatefulSetStatus } from './types.js';

export const STATEFULSETS = gvr('apps/v1', 'statefulsets');

/** Upstream's bound on one burst of parallel pod operations. */
const MAX_BATCH = 500;

export interface StatefulSetControlOptions {
  client: ApiClient;
  podControl: StatefulPodControl;
  clock: Clock;
  /** Feature gate MaxUnavailableStatefulSet (alpha in 1.32: off by default). */
  maxUnavailableEnabled?: boolean;
}

/** A replica slot: a pod from the cache, or one this sync built and may create. */
interface Slot {
  pod: KubeObject;
  created: boolean;
}

/**
 * The StatefulSet algorithm, as upstream's defaultStatefulSetControl: compute the current
 * and update revisions (creating or re-numbering a ControllerRevision), create missing
 * pods in ordinal order (OrderedReady: one at a time, each Running and Ready before the
 * next; Parallel: all at once in slow-start batches), delete failed pods for recreation,
 * scale down from the highest ordinal, roll pods to the update revision from the highest
 * ordinal down to the partition one at a time (OnDelete: never), write the status and trim
 * the revision history.
 *
 * "Created" means the pod came from the informer cache (upstream reads a non-empty phase,
 * which the apiserver always sets; this does not depend on pod defaulting).
 */
export class StatefulSetControl {
  private readonly client: ApiClient;
  private readonly pc: StatefulPodControl;
  private readonly clock: Clock;
  private readonly maxUnavailableEnabled: boolean;

  constructor(opts: StatefulSetControlOptions) {
    this.client = opts.client;
    this.pc = opts.podControl;
    this.clock = opts.clock;
    this.maxUnavailableEnabled = opts.maxUnavailableEnabled ?? false;
  }

  /**
   * One sync of `set` (defaulted) over its claimed `pods` and `revisions` (owned or orphaned,
   * matching its selector). Returns the status written; throws after writing the status when
   * some pod operation failed, so the caller requeues.
   */
  async update(set: StatefulSet, pods: KubeObject[], revisions: ControllerRevision[]): Promise<StatefulSetStatus> {
    set = deepClone(set);
    sortRevisions(revisions);
    let current: ControllerRevision | undefined;
    let update: ControllerRevision | undefined;
    let status: StatefulSetStatus | undefined;
    let err: unknown;
    try {
      const r = await this.revisions(set, revisions);
      current = r.current;
      update = r.update;
      const res = await this.updatePods(set, r.current, r.update, r.collisionCount, pods);
      status = res.status;
      err = res.err;
      try {
        await this.writeStatus(set, status);
      } catch (e: unknown) {
        err ??= e;
      }
    } catch (e: unknown) {
      err = e;
    }
    try {
      await this.truncateHistory(set, pods, revisions, current, update);
    } catch (e: unknown) {
      err ??= e;
    }
    if (err !== undefined) throw err;
    return status!;
  }

  /** The set's revision of its current template, as a ControllerRevision not yet created. */
  newRevision(set: StatefulSet, revision: number, collisionCount: number): ControllerRevision {
    const cr = newControllerRevision(
      set,
      newControllerRef(set, 'apps/v1', 'StatefulSet'),
      set.spec.template.metadata?.labels,
      templatePatchOf(set),
      revision,
      collisionCount,
    );
    const annotations = set.metadata?.annotations;
    if (annotations && Object.keys(annotations).length) cr.metadata!.annotations = { ...annotations };
    return cr;
  }

  private async revisions(
    set: StatefulSet,
    revisions: ControllerRevision[],
  ): Promise<{ current: ControllerRevision; update: ControllerRevision; collisionCount: number }> {
    const collision = { count: set.status.collisionCount ?? 0 };
    let update = this.newRevision(set, nextRevisionNumber(revisions), collision.count);
    const equal = findEqualRevisions(revisions, update);
    const last = revisions[revisions.length - 1];
    if (equal.length && equalRevision(last, equal[equal.length - 1])) {
      update = last!;
    } else if (equal.length) {
      // Rolling back to an earlier template: that revision becomes the newest.
      update = await updateRevisionNumber(this.client, equal[equal.length - 1]!, update.revision);
    } else {
      update = await createControllerRevision(this.client, set, update, collision);
    }
    const current = revisions.find((r) => r.metadata?.name === set.status.currentRevision) ?? update;
    return { current, update, collisionCount: collision.count };
  }

  private async updatePods(
    set: StatefulSet,
    currentRevision: ControllerRevision,
    updateRevision: ControllerRevision,
    collisionCount: number,
    pods: KubeObject[],
  ): Promise<{ status: StatefulSetStatus; err?: unknown }> {
    const now = this.clock.now();
    const minReady = set.spec.minReadySeconds;
    const currentSet = applyTemplatePatch(set, currentRevision.data);
    const updateSet = applyTemplatePatch(set, updateRevision.data);
    const status: StatefulSetStatus = {
      observedGeneration: set.metadata?.generation,
      currentRevision: currentRevision.metadata!.name,
      updateRevision: updateRevision.metadata!.name,
      collisionCount,
      replicas: 0,
      readyReplicas: 0,
      currentReplicas: 0,
      updatedReplicas: 0,
      availableReplicas: 0,
    };
    const cur = currentRevision.metadata!.name!;
    const upd = updateRevision.metadata!.name!;
    const countStatus = (slots: Slot[]) => {
      status.replicas = status.readyReplicas = status.availableReplicas = status.currentReplicas = status.updatedReplicas = 0;
      for (const { pod, created } of slots) {
        if (created) status.replicas++;
        if (created && isRunningAndReady(pod)) {
          status.readyReplicas++;
          if (isRunningAndAvailable(pod, minReady, now)) status.availableReplicas++;
        }
        if (created && !isTerminating(pod)) {
          const rev = revisionOf(pod);
          if (rev === cur) status.currentReplicas++;
          if (rev === upd) status.updatedReplicas++;
        }
      }
    };
    countStatus(pods.map((pod) => ({ pod, created: true })));

    const start = startOrdinal(set);
    const end = endOrdinal(set);
    const replicas: (Slot | undefined)[] = new Array(Math.max(0, set.spec.replicas)).fill(undefined);
    const condemned: Slot[] = [];
    for (const pod of pods) {
      if (inOrdinalRange(pod, set)) replicas[ordinalOf(pod) - start] = { pod, created: true };
      else if (ordinalOf(pod) >= 0) condemned.push({ pod, created: true });
    }
    for (let ord = start; ord <= end; ord++) {
      if (!replicas[ord - start]) replicas[ord - start] = { pod: newVersionedPod(currentSet, updateSet, cur, upd, ord), created: false };
    }
    const slots = replicas as Slot[];
    condemned.sort((a, b) => ordinalOf(b.pod) - ordinalOf(a.pod));

    const unavailable = (s: Slot) => !s.created || isUnavailable(s.pod, minReady, now);
    let firstUnavailable: Slot | undefined = slots.find(unavailable);
    if (!firstUnavailable) for (let i = condemned.length - 1; i >= 0; i--) if (unavailable(condemned[i]!)) {
      firstUnavailable = condemned[i];
      break;
    }
    const all = () => [...slots, ...condemned];

    if (set.metadata?.deletionTimestamp) return { status };

    const monotonic = set.spec.podManagementPolicy !== PodManagementPolicy.Parallel;

    const processReplica = async (i: number): Promise<boolean> => {
      const slot = slots[i]!;
      const pod = slot.pod;
      if (slot.created && (isFailed(pod) || isSucceeded(pod))) {
        // Recreated on a later sync, once the deletion shows in the cache.
        if (!isTerminating(pod)) await this.pc.deleteStatefulPod(set, pod);
        return true;
      }
      if (!slot.created) {
        if (this.pc.podClaimIsStale(set, pod)) return true;
        await this.pc.createStatefulPod(set, pod);
        if (monotonic) return true;
      }
      if (slot.created && (phaseOf(pod) === 'Pending' || phaseOf(pod) === '')) {
        await this.pc.createPersistentVolumeClaims(set, pod);
        await this.pc.updatePodClaimForRetentionPolicy(set, pod);
      }
      if (isTerminating(pod) && monotonic) return true;
      if (monotonic && (!slot.created || !isRunningAndReady(pod))) return true;
      if (monotonic && !isRunningAndAvailable(pod, minReady, now)) return true;
      if (!slot.created) return false;
      let retentionMatch = true;
      try {
        retentionMatch = this.pc.claimsMatchRetentionPolicy(updateSet, pod);
      } catch {
        retentionMatch = true;
      }
      if (identityMatches(set, pod) && storageMatches(set, pod) && retentionMatch) return false;
      await this.pc.updateStatefulPod(updateSet, pod);
      return false;
    };

    const fixPodClaim = async (i: number): Promise<boolean> => {
      const pod = condemned[i]!.pod;
      if (!this.pc.claimsMatchRetentionPolicy(updateSet, pod)) await this.pc.updatePodClaimForRetentionPolicy(updateSet, pod);
      return false;
    };

    const processCondemned = async (i: number): Promise<boolean> => {
      const slot = condemned[i]!;
      const pod = slot.pod;
      if (isTerminating(pod)) return monotonic;
      if (monotonic && slot !== firstUnavailable && (!isRunningAndReady(pod) || !isRunningAndAvailable(pod, minReady, now))) return true;
      await this.pc.deleteStatefulPod(set, pod);
      return true;
    };

    try {
      if (await runForAll(slots.length, processReplica, monotonic)) {
        countStatus(all());
        return { status };
      }
      if (await runForAll(condemned.length, fixPodClaim, monotonic)) {
        countStatus(all());
        return { status };
      }
      if (await runForAll(condemned.length, processCondemned, monotonic)) {
        countStatus(all());
        return { status };
      }
    } catch (e: unknown) {
      countStatus(all());
      return { status, err: e };
    }
    countStatus(all());

    if (set.spec.updateStrategy.type === UpdateStrategyType.OnDelete) return { status };

    const partition = set.spec.updateStrategy.rollingUpdate?.partition ?? 0;
    if (this.maxUnavailableEnabled) return this.rollWithMaxUnavailable(set, slots, upd, status, partition, now);

    for (let target = slots.length - 1; target >= partition; target--) {
      const { pod, created } = slots[target]!;
      if (revisionOf(pod) !== upd && !isTerminating(pod)) {
        try {
          await this.pc.deleteStatefulPod(set, pod);
        } catch (e: unknown) {
          if (!isNotFound(e)) return { status, err: e };
        }
        status.currentReplicas--;
        return { status };
      }
      if (!created || isUnavailable(pod, minReady, now)) return { status };
    }
    return { status };
  }

  /** Rolling update under MaxUnavailableStatefulSet: up to maxUnavailable old pods at once, highest ordinal first. */
  private async rollWithMaxUnavailable(
    set: StatefulSet,
    slots: Slot[],
    upd: string,
    status: StatefulSetStatus,
    partition: number,
    now: number,
  ): Promise<{ status: StatefulSetStatus; err?: unknown }> {
    const mu = set.spec.updateStrategy.rollingUpdate?.maxUnavailable ?? 1;
    let maxUnavailable = Math.max(1, getScaledValueFromIntOrPercent(mu, set.spec.replicas, false));
    if (!(maxUnavailable >= 1)) maxUnavailable = 1;
    const unavailable = slots.filter((s) => !s.created || isUnavailable(s.pod, set.spec.minReadySeconds, now)).length;
    if (unavailable > maxUnavailable) return { status };
    let toDelete = maxUnavailable - unavailable;
    for (let target = slots.length - 1; target >= partition && toDelete > 0; target--) {
      const { pod } = slots[target]!;
      if (revisionOf(pod) !== upd && !isTerminating(pod)) {
        try {
          await this.pc.deleteStatefulPod(set, pod);
        } catch (e: unknown) {
          if (!isNotFound(e)) return { status, err: e };
        }
        toDelete--;
        status.currentReplicas--;
      }
    }
    return { status };
  }

  /**
   * Writes the status unless nothing changed; first completes a finished rolling update
   * (current revision := update revision), as upstream's updateStatefulSetStatus.
   */
  private async writeStatus(set: StatefulSet, status: StatefulSetStatus): Promise<void> {
    const replicas = set.spec.replicas;
    if (
      set.spec.updateStrategy.type === UpdateStrategyType.RollingUpdate &&
      status.updatedReplicas === replicas &&
      status.readyReplicas === replicas &&
      status.replicas === replicas
    ) {
      status.currentReplicas = status.updatedReplicas;
      status.currentRevision = status.updateRevision;
    }
    const old = set.status;
    const inconsistent =
      (status.observedGeneration ?? 0) > (old.observedGeneration ?? 0) ||
      status.replicas !== old.replicas ||
      status.currentReplicas !== old.currentReplicas ||
      status.readyReplicas !== old.readyReplicas ||
      status.updatedReplicas !== old.updatedReplicas ||
      status.currentRevision !== old.currentRevision ||
      status.availableReplicas !== old.availableReplicas ||
      status.updateRevision !== old.updateRevision ||
      status.collisionCount !== old.collisionCount;
    if (!inconsistent) return;
    let obj: KubeObject = { ...set, status: statusJson(status) };
    for (let attempt = 0; ; attempt++) {
      try {
        await this.client.update(STATEFULSETS, set.metadata!.namespace ?? '', obj, { subresource: 'status' });
        return;
      } catch (e: unknown) {
        if (!isConflict(e) || attempt >= 4) throw e;
        const fresh = await this.client.get(STATEFULSETS, set.metadata!.namespace ?? '', set.metadata!.name!);
        obj = { ...fresh, status: statusJson(status) };
      }
    }
  }

  /**
   * Deletes the oldest revisions beyond revisionHistoryLimit that are neither the current
   * nor the update revision nor the revision of any pod (upstream's truncateHistory).
   */
  private async truncateHistory(
    set: StatefulSet,
    pods: KubeObject[],
    revisions: ControllerRevision[],
    current: ControllerRevision | undefined,
    update: ControllerRevision | undefined,
  ): Promise<void> {
    const live = new Set<string>();
    if (current) live.add(current.metadata!.name!);
    if (update) live.add(update.metadata!.name!);
    for (const p of pods) live.add(revisionOf(p));
    const history = revisions.filter((r) => !live.has(r.metadata!.name!));
    const limit = set.spec.revisionHistoryLimit;
    if (limit < 0 || history.length <= limit) return;
    for (const r of history.slice(0, history.length - limit)) {
      try {
        await this.client.delete(CONTROLLER_REVISIONS, r.metadata!.namespace ?? '', r.metadata!.name!);
      } catch (e: unknown) {
        if (!isNotFound(e)) throw e;
      }
    }
  }
}

/**
 * Runs `fn` over indexes 0..n-1. Monotonic: in order, stopping at the first that asks to
 * stop or throws. Otherwise: in slow-start batches (1, 2, 4, ... up to 500) run
 * concurrently, stopping after a batch with errors (upstream's runForAll/slowStartBatch).
 * Returns whether the caller should stop.
 */
export async function runForAll(n: number, fn: (i: number) => Promise<boolean>, monotonic: boolean): Promise<boolean> {
  if (monotonic) {
    for (let i = 0; i < n; i++) if (await fn(i)) return true;
    return false;
  }
  let next = 0;
  for (let batch = Math.min(1, n); batch > 0 && next < n; batch = Math.min(2 * batch, n - next, MAX_BATCH)) {
    const results = await Promise.allSettled(Array.from({ length: batch }, (_, k) => fn(next + k)));
    next += batch;
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  }
  return false;
}
