import { labelSelectorAsSelector, type Selector } from '../../apimachinery/labels.js';
import { isNotFound } from '../../apimachinery/status.js';
import type { KubeObject } from '../../apimachinery/types.js';
import { gvr } from '../../client/api-client.js';
import { EventType, type EventRecorder, type ObjectReference } from '../../client/event-recorder.js';
import { isTombstone, type DeletedFinalStateUnknown } from '../../client/indexer.js';
import type { Lister } from '../../client/lister.js';
import { ItemExponentialFailureRateLimiter } from '../../client/rate-limiter.js';
import { Workqueue, runWorkers } from '../../client/workqueue.js';
import { rfc3339 } from '../../client/time-format.js';
import { deepClone, deepEqual } from '../../util/deep.js';
import { logger } from '../../util/log.js';
import { ControllerExpectations } from '../framework/expectations.js';
import { controllerRefOf, keyOf, newControllerRef, splitKeyOf, type OwnerReference } from '../framework/owner-refs.js';
import { PODS, PodControl, controllerReference, isNamespaceTerminating, type PodTemplateSpec } from '../framework/pod-control.js';
import { isPodReady, phaseOf } from '../framework/pods.js';
import { claimObjects, recheckDeletion } from '../framework/ref-manager.js';
import type { Controller, ControllerContext } from '../framework/types.js';
import { BackoffStore, DEFAULT_POD_FAILURE_BACKOFF_MS, MAX_POD_FAILURE_BACKOFF_MS, remainingBackoff, type BackoffRecord } from './backoff.js';
import { IndexSet } from './indexes.js';
import { matchPodFailurePolicy, matchSuccessPolicy } from './policies.js';
import {
  COMPLETION_INDEX_ANNOTATION,
  INDEX_FAILURE_COUNT_ANNOTATION,
  INDEX_IGNORED_FAILURE_COUNT_ANNOTATION,
  JOB_TRACKING_FINALIZER,
  compareActivePods,
  completionIndexOf,
  containerStatuses,
  finishedTime,
  hasTrackingFinalizer,
  indexFailureCount,
  indexIgnoredFailureCount,
  initContainerStatuses,
  isTerminating,
} from './pods.js';
import {
  JOB_CONTROLLER_NAME,
  JobConditionType,
  JobReason,
  findCondition,
  hasBackoffLimitPerIndex,
  isIndexed,
  isJobFinished,
  statusJson,
  withDefaults,
  type Job,
  type JobCondition,
} from './types.js';

export const JOBS = gvr('batch/v1', 'jobs');

const log = logger('job-controller');

/** Upstream's cap on pod creations/deletions per sync and on uncounted pods per status write. */
const MAX_POD_CREATE_DELETE_PER_SYNC = 500;
const MAX_UNCOUNTED_PODS = 500;

export interface JobControllerOptions {
  /** Pod-failure backoff base and cap (default 10 s and 10 min, as upstream). */
  podFailureBackoffMs?: number;
  maxPodFailureBackoffMs?: number;
  /** How long pod events are batched before a sync (default 1 s, as upstream's syncJobBatchPeriod). */
  syncBatchMs?: number;
}

interface SyncJobCtx {
  job: Job;
  ref: ObjectReference;
  pods: KubeObject[];
  activePods: KubeObject[];
  finishedCondition?: JobCondition;
  succeeded: number;
  failed: number;
  prevSucceededIndexes: IndexSet;
  succeededIndexes: IndexSet;
  failedIndexes?: IndexSet;
  newBackoffRecord: BackoffRecord;
  expectedRmFinalizers: Set<string>;
  uncountedSucceeded: Set<string>;
  uncountedFailed: Set<string>;
  podsWithDelayedDeletionPerIndex: Map<number, KubeObject>;
  terminating: number;
  ready: number;
}

/**
 * The Job controller, as kube-controller-manager's "job": runs pods until `completions`
 * succeed (NonIndexed) or every index 0..completions-1 succeeded (Indexed), at most
 * `parallelism` at a time; replaces failed pods with exponential backoff until
 * backoffLimit (or backoffLimitPerIndex); applies the pod failure and success policies,
 * activeDeadlineSeconds and suspension; and counts finished pods exactly once through the
 * batch.kubernetes.io/job-tracking finalizer and status.uncountedTerminatedPods. Terminal
 * conditions are preceded by the interim SuccessCriteriaMet / FailureTarget conditions and
 * set once no pod is terminating, as 1.32 with JobManagedBy/JobPodReplacementPolicy on.
 * Events come from "job-controller".
 */
export class JobController implements Controller {
  readonly name = 'job';
  private readonly queue: Workqueue<string>;
  private readonly orphanQueue: Workqueue<string>;
  private readonly jobs: Lister;
  private readonly pods: Lister;
  private readonly recorder: EventRecorder;
  private readonly podControl: PodControl;
  private readonly expectations: ControllerExpectations;
  /** Per job key: pod uids whose tracking finalizer removal was requested but not yet seen. */
  private readonly finalizerExpectations = new Map<string, Set<string>>();
  private readonly backoff = new BackoffStore();
  private readonly backoffBase: number;
  private readonly backoffMax: number;
  private readonly batchMs: number;

  constructor(
    private readonly ctx: ControllerContext,
    opts: JobControllerOptions = {},
  ) {
    // as upstream: API errors back off from 1 s to 1 min
    this.queue = new Workqueue<string>({ clock: ctx.clock, rateLimiter: new ItemExponentialFailureRateLimiter(1000, 60_000) });
    this.orphanQueue = new Workqueue<string>({ clock: ctx.clock, rateLimiter: new ItemExponentialFailureRateLimiter(1000, 60_000) });
    this.backoffBase = opts.podFailureBackoffMs ?? DEFAULT_POD_FAILURE_BACKOFF_MS;
    this.backoffMax = opts.maxPodFailureBackoffMs ?? MAX_POD_FAILURE_BACKOFF_MS;
    this.batchMs = opts.syncBatchMs ?? 1000;
    const jobInf = ctx.informers.informerFor(JOBS);
    const podInf = ctx.informers.informerFor(PODS);
    this.jobs = jobInf.lister();
    this.pods = podInf.lister();
    this.recorder = ctx.recorder('job-controller');
    this.podControl = new PodControl(ctx.client, this.recorder);
    this.expectations = new ControllerExpectations(ctx.clock);
    jobInf.addEventHandler({
      onAdd: (j) => this.queue.add(keyOf(j)),
      onUpdate: (a, b) => this.updateJob(a, b),
      onDelete: (j) => this.deleteJob(j),
    });
    podInf.addEventHandler({
      onAdd: (p) => this.addPod(p),
      onUpdate: (a, b) => this.updatePod(a, b),
      onDelete: (p) => this.deletePod(p, true),
    });
  }

  async run(signal: AbortSignal): Promise<void> {
    if (!(await this.ctx.informers.waitForCacheSync(signal))) return;
    await Promise.all([
      runWorkers(this.queue, (key) => this.syncJob(key), signal, { workers: this.ctx.workers, name: 'job-controller', log }),
      runWorkers(this.orphanQueue, (key) => this.syncOrphanPod(key), signal, { workers: 1, name: 'job-controller-orphans', log }),
    ]);
  }

  // ---- event handlers ----

  private batched(job: KubeObject, delayMs = this.batchMs): void {
    this.queue.addAfter(keyOf(job), Math.max(delayMs, this.batchMs));
  }

  private resolve(namespace: string, ref: OwnerReference): KubeObject | undefined {
    if (ref.kind !== 'Job') return undefined;
    const job = this.jobs.get(namespace, ref.name);
    return job && job.metadata?.uid === ref.uid ? job : undefined;
  }

  private jobsMatching(pod: KubeObject): KubeObject[] {
    return this.jobs
      .namespace(pod.metadata?.namespace ?? '')
      .list()
      .filter((j) => {
        try {
          const sel = labelSelectorAsSelector((j.spec as { selector?: Parameters<typeof labelSelectorAsSelector>[0] }).selector);
          return !sel.isEmpty() && sel.matches(pod.metadata?.labels ?? {});
        } catch {
          return false;
        }
      });
  }

  private updateJob(old: KubeObject, cur: KubeObject): void {
    if (old.metadata?.generation === cur.metadata?.generation) this.batched(cur);
    else this.queue.add(keyOf(cur));
    if (isJobFinished(cur)) this.cleanupPodFinalizers(cur);
    const startTime = (cur.status as { startTime?: string } | undefined)?.startTime;
    const ads = (cur.spec as { activeDeadlineSeconds?: number } | undefined)?.activeDeadlineSeconds;
    const oldAds = (old.spec as { activeDeadlineSeconds?: number } | undefined)?.activeDeadlineSeconds;
    if (startTime && ads != null && oldAds !== ads) {
      const passed = this.ctx.clock.now() - Date.parse(startTime);
      this.queue.addAfter(keyOf(cur), ads * 1000 - passed);
    }
  }

  private deleteJob(obj: KubeObject | DeletedFinalStateUnknown): void {
    const job = isTombstone(obj) ? obj.obj : obj;
    this.queue.add(isTombstone(obj) ? obj.key : keyOf(obj));
    if (job) this.cleanupPodFinalizers(job);
  }

  private addPod(pod: KubeObject): void {
    if (pod.metadata?.deletionTimestamp) return this.deletePod(pod, false);
    const ref = controllerRefOf(pod);
    if (ref) {
      const job = this.resolve(pod.metadata?.namespace ?? '', ref);
      if (!job) return;
      this.expectations.creationObserved(keyOf(job));
      this.batched(job);
      return;
    }
    if (hasTrackingFinalizer(pod)) this.orphanQueue.add(keyOf(pod));
    for (const j of this.jobsMatching(pod)) this.batched(j);
  }

  private updatePod(old: KubeObject, cur: KubeObject): void {
    if (old.metadata?.resourceVersion === cur.metadata?.resourceVersion) return;
    if (cur.metadata?.deletionTimestamp) return this.deletePod(cur, false);
    const ns = cur.metadata?.namespace ?? '';
    const finalizerRemoved = !hasTrackingFinalizer(cur);
    const curRef = controllerRefOf(cur);
    const oldRef = controllerRefOf(old);
    const refChanged = !deepEqual(curRef, oldRef);
    if (refChanged && oldRef) {
      const job = this.resolve(ns, oldRef);
      if (job) {
        if (finalizerRemoved) this.finalizerRemovalObserved(keyOf(job), cur.metadata!.uid!);
        this.batched(job);
      }
    }
    if (curRef) {
      const job = this.resolve(ns, curRef);
      if (!job) return;
      if (finalizerRemoved) this.finalizerRemovalObserved(keyOf(job), cur.metadata!.uid!);
      this.batched(job);
      return;
    }
    if (hasTrackingFinalizer(cur)) this.orphanQueue.add(keyOf(cur));
    if (refChanged || !deepEqual(old.metadata?.labels, cur.metadata?.labels)) for (const j of this.jobsMatching(cur)) this.batched(j);
  }

  private deletePod(obj: KubeObject | DeletedFinalStateUnknown, final: boolean): void {
    const pod = isTombstone(obj) ? obj.obj : obj;
    if (!pod) return;
    const ref = controllerRefOf(pod);
    const hasFinalizer = hasTrackingFinalizer(pod);
    if (!ref) {
      if (hasFinalizer) this.orphanQueue.add(keyOf(pod));
      return;
    }
    const job = this.resolve(pod.metadata?.namespace ?? '', ref);
    if (!job || isJobFinished(job)) {
      if (hasFinalizer) this.orphanQueue.add(keyOf(pod));
      return;
    }
    const key = keyOf(job);
    this.expectations.deletionObserved(key);
    if (final || !hasFinalizer) this.finalizerRemovalObserved(key, pod.metadata!.uid!);
    this.batched(job);
  }

  private finalizerRemovalObserved(key: string, uid: string): void {
    const set = this.finalizerExpectations.get(key);
    if (!set) return;
    set.delete(uid);
    if (!set.size) this.finalizerExpectations.delete(key);
  }

  private cleanupPodFinalizers(job: KubeObject): void {
    const uid = job.metadata?.uid;
    for (const p of this.pods.namespace(job.metadata?.namespace ?? '').list()) {
      if (controllerRefOf(p)?.uid === uid && hasTrackingFinalizer(p)) this.orphanQueue.add(keyOf(p));
    }
  }

  /** Removes the tracking finalizer from a pod no unfinished Job controls (upstream's syncOrphanPod). */
  async syncOrphanPod(key: string): Promise<void> {
    const { namespace, name } = splitKeyOf(key);
    const pod = this.pods.get(namespace, name);
    if (!pod) return;
    const ref = controllerRefOf(pod);
    if (ref) {
      if (ref.kind !== 'Job' || ref.apiVersion !== 'batch/v1') return;
      const job = this.resolve(namespace, ref);
      if (job) {
        const managedBy = (job.spec as { managedBy?: string } | undefined)?.managedBy;
        if (managedBy && managedBy !== JOB_CONTROLLER_NAME) return;
        if (!isJobFinished(job)) return;
      }
    }
    if (!hasTrackingFinalizer(pod)) return;
    try {
      await this.podControl.patchPod(namespace, name, removeFinalizerPatch());
    } catch (e: unknown) {
      if (!isNotFound(e)) throw e;
    }
  }

  // ---- sync ----

  async syncJob(key: string): Promise<void> {
    const { namespace, name } = splitKeyOf(key);
    const cached = this.jobs.get(namespace, name);
    if (!cached) {
      this.expectations.delete(key);
      this.finalizerExpectations.delete(key);
      this.backoff.remove(key);
      return;
    }
    const managedBy = (cached.spec as { managedBy?: string } | undefined)?.managedBy;
    if (managedBy && managedBy !== JOB_CONTROLLER_NAME) return;
    const job = withDefaults(cached);
    const ref = controllerReference(job, 'batch/v1', 'Job');
    if (isJobFinished(job)) {
      this.backoff.remove(key);
      return;
    }
    if (job.spec.completionMode !== 'NonIndexed' && job.spec.completionMode !== 'Indexed') {
      this.recorder.event(ref, EventType.Warning, 'UnknownCompletionMode', 'Skipped Job sync because completion mode is unknown');
      return;
    }
    job.status.uncountedTerminatedPods ??= {};
    const now = this.ctx.clock.now();
    const satisfied = this.expectations.satisfied(key);
    const pods = await this.podsForJob(job);
    const activePods = pods.filter((p) => phaseOf(p) !== 'Succeeded' && phaseOf(p) !== 'Failed' && !p.metadata?.deletionTimestamp);
    const uncounted = job.status.uncountedTerminatedPods;
    const jc: SyncJobCtx = {
      job,
      ref,
      pods,
      activePods,
      ready: activePods.filter(isPodReady).length,
      uncountedSucceeded: new Set(uncounted.succeeded ?? []),
      uncountedFailed: new Set(uncounted.failed ?? []),
      expectedRmFinalizers: new Set(this.finalizerExpectations.get(key) ?? []),
      terminating: pods.filter(isTerminating).length,
      succeeded: 0,
      failed: 0,
      prevSucceededIndexes: new IndexSet(),
      succeededIndexes: new IndexSet(),
      newBackoffRecord: { key, failuresAfterLastSuccess: 0 },
      podsWithDelayedDeletionPerIndex: new Map(),
    };
    let active = activePods.length;
    const newSucceeded = this.validPods(jc, jc.uncountedSucceeded, (p) => phaseOf(p) === 'Succeeded');
    const newFailed = this.validPods(jc, jc.uncountedFailed, (p) => isPodFailed(p, job));
    jc.succeeded = job.status.succeeded + newSucceeded.length + jc.uncountedSucceeded.size;
    jc.failed =
      job.status.failed +
      newFailed.filter((p) => matchPodFailurePolicy(job.spec.podFailurePolicy?.rules, p).countFailed).length +
      jc.uncountedFailed.size;
    if (!job.status.startTime && !job.spec.suspend) job.status.startTime = rfc3339(now);
    jc.newBackoffRecord = this.backoff.next(key, newSucceeded, newFailed);

    let requeueAfter: number | undefined;
    jc.finishedCondition = hasSuccessCriteriaMet(job);
    if (!jc.finishedCondition) {
      const target = findCondition(job.status.conditions, JobConditionType.FailureTarget);
      if (target && target.status === 'True') jc.finishedCondition = newCondition(JobConditionType.Failed, 'True', target.reason, target.message, now);
      else {
        const msg = failJobMessage(job, pods);
        if (msg !== undefined) jc.finishedCondition = newCondition(JobConditionType.FailureTarget, 'True', JobReason.PodFailurePolicy, msg, now);
      }
    }
    if (!jc.finishedCondition) {
      if (jc.failed > job.spec.backoffLimit || pastBackoffLimitOnFailure(job, pods)) {
        jc.finishedCondition = newCondition(JobConditionType.FailureTarget, 'True', JobReason.BackoffLimitExceeded, 'Job has reached the specified backoff limit', now);
      } else if (this.pastActiveDeadline(job, now)) {
        jc.finishedCondition = newCondition(JobConditionType.FailureTarget, 'True', JobReason.DeadlineExceeded, 'Job was active longer than specified deadline', now);
      } else if (job.spec.activeDeadlineSeconds != null && !job.spec.suspend) {
        requeueAfter = job.spec.activeDeadlineSeconds * 1000 - (now - Date.parse(job.status.startTime!));
      }
    }
    if (isIndexed(job)) {
      const completions = job.spec.completions ?? 0;
      jc.prevSucceededIndexes = IndexSet.parse(job.status.completedIndexes, completions);
      jc.succeededIndexes = jc.prevSucceededIndexes.withIndexes(
        pods.filter((p) => phaseOf(p) === 'Succeeded' && hasTrackingFinalizer(p) && validIndex(p, completions)).map(completionIndexOf),
      );
      jc.succeeded = jc.succeededIndexes.total();
      if (hasBackoffLimitPerIndex(job)) {
        const prevFailed = job.status.failedIndexes != null ? IndexSet.parse(job.status.failedIndexes, completions) : new IndexSet();
        jc.failedIndexes = prevFailed.withIndexes(
          pods.filter((p) => validIndex(p, completions) && hasTrackingFinalizer(p) && isIndexFailed(job, p)).map(completionIndexOf),
        );
        if (!jc.finishedCondition) {
          const failedTotal = jc.failedIndexes.total();
          if (job.spec.maxFailedIndexes != null && failedTotal > job.spec.maxFailedIndexes) {
            jc.finishedCondition = newCondition(
              JobConditionType.FailureTarget,
              'True',
              JobReason.MaxFailedIndexesExceeded,
              'Job has exceeded the specified maximal number of failed indexes',
              now,
            );
          } else if (failedTotal > 0 && failedTotal + jc.succeededIndexes.total() >= completions) {
            jc.finishedCondition = newCondition(JobConditionType.FailureTarget, 'True', JobReason.FailedIndexes, 'Job has failed indexes', now);
          }
        }
        jc.podsWithDelayedDeletionPerIndex = this.podsWithDelayedDeletion(jc);
      }
      if (!jc.finishedCondition) {
        const msg = matchSuccessPolicy(job.spec.successPolicy?.rules, completions, jc.succeededIndexes);
        if (msg) jc.finishedCondition = newCondition(JobConditionType.SuccessCriteriaMet, 'True', JobReason.SuccessPolicy, msg, now);
      }
    }

    let manageErr: unknown;
    let suspendChanged = false;
    if (jc.finishedCondition) {
      const { deleted, deletedReady, err } = await this.deleteActivePods(jc, jc.activePods);
      if (deleted !== active || !satisfied) {
        // Not finished yet: pods still to go, or creations/deletions not yet seen in the cache.
        jc.finishedCondition = undefined;
      }
      active -= deleted;
      jc.terminating += deleted;
      jc.ready -= deletedReady;
      manageErr = err;
    } else {
      let managed = false;
      if (satisfied && !job.metadata?.deletionTimestamp) {
        try {
          active = await this.manageJob(jc, (d) => (requeueAfter = requeueAfter === undefined ? d : Math.min(requeueAfter, d)));
        } catch (e: unknown) {
          manageErr = e;
          active = (e as { active?: number }).active ?? active;
        }
        managed = true;
      }
      const complete =
        job.spec.completions == null ? jc.succeeded > 0 && active === 0 : jc.succeeded >= job.spec.completions && active === 0;
      if (complete) {
        jc.finishedCondition = newCondition(
          JobConditionType.SuccessCriteriaMet,
          'True',
          JobReason.CompletionsReached,
          'Reached expected number of succeeded pods',
          now,
        );
      } else if (managed) {
        if (job.spec.suspend) {
          if (ensureCondition(job, JobConditionType.Suspended, 'True', 'JobSuspended', 'Job suspended', now)) {
            suspendChanged = true;
            this.recorder.event(ref, EventType.Normal, 'Suspended', 'Job suspended');
          }
        } else if (ensureCondition(job, JobConditionType.Suspended, 'False', 'JobResumed', 'Job resumed', now)) {
          suspendChanged = true;
          this.recorder.event(ref, EventType.Normal, 'Resumed', 'Job resumed');
          // The deadline counts time continuously active, so it restarts on resume.
          job.status.startTime = rfc3339(now);
        }
      }
    }

    const needsUpdate =
      suspendChanged || active !== job.status.active || jc.ready !== job.status.ready || jc.terminating !== job.status.terminating;
    job.status.active = active;
    job.status.ready = jc.ready;
    job.status.terminating = jc.terminating;
    await this.trackStatusAndRemoveFinalizers(jc, needsUpdate);
    if (manageErr !== undefined) throw manageErr;
    if (requeueAfter !== undefined) this.queue.addAfter(key, Math.max(requeueAfter, 0));
  }

  private async podsForJob(job: Job): Promise<KubeObject[]> {
    const uid = job.metadata!.uid;
    let match: (p: KubeObject) => boolean;
    if (job.spec.selector) {
      let sel: Selector;
      try {
        sel = labelSelectorAsSelector(job.spec.selector);
      } catch (e: unknown) {
        throw new Error(`couldn't convert Job selector: ${(e as Error).message}`);
      }
      match = (p) => sel.matches(p.metadata?.labels ?? {});
    } else {
      // The apiserver always generates a selector; without one, only pods already controlled
      // by this Job are its (nothing is adopted).
      match = (p) => controllerRefOf(p)?.uid === uid;
    }
    const claimed = await claimObjects(this.pods.namespace(job.metadata!.namespace ?? '').list(), {
      client: this.ctx.client,
      gvr: PODS,
      owner: job,
      ownerRef: newControllerRef(job, 'batch/v1', 'Job'),
      match,
      canAdopt: recheckDeletion(this.ctx.client, JOBS, job, 'Job'),
      finalizers: [JOB_TRACKING_FINALIZER],
    });
    return claimed;
  }

  /** Pods not yet counted (tracking finalizer, not uncounted, not awaiting finalizer removal, valid index) passing `filter`. */
  private validPods(jc: SyncJobCtx, uncounted: Set<string>, filter: (p: KubeObject) => boolean): KubeObject[] {
    const completions = jc.job.spec.completions ?? 0;
    return jc.pods.filter((p) => {
      const uid = p.metadata!.uid!;
      if (!hasTrackingFinalizer(p) || uncounted.has(uid) || jc.expectedRmFinalizers.has(uid)) return false;
      if (isIndexed(jc.job) && !validIndex(p, completions)) return false;
      return filter(p);
    });
  }

  private pastActiveDeadline(job: Job, now: number): boolean {
    if (job.spec.activeDeadlineSeconds == null || !job.status.startTime || job.spec.suspend) return false;
    return now - Date.parse(job.status.startTime) >= job.spec.activeDeadlineSeconds * 1000;
  }

  /**
   * Per index, the last failed pod whose deletion waits until its replacement exists, so the
   * replacement can inherit its failure count (upstream's getPodsWithDelayedDeletionPerIndex).
   */
  private podsWithDelayedDeletion(jc: SyncJobCtx): Map<number, KubeObject> {
    const completions = jc.job.spec.completions ?? 0;
    const activeIdx = new Set(jc.activePods.map(completionIndexOf).filter((i) => i >= 0));
    const out = new Map<number, KubeObject>();
    for (const p of this.validPods(jc, new Set(), (p) => isPodFailed(p, jc.job))) {
      const ix = completionIndexOf(p);
      if (ix < 0 || ix >= completions) continue;
      if (jc.succeededIndexes.has(ix) || jc.failedIndexes?.has(ix) || activeIdx.has(ix)) continue;
      const last = out.get(ix);
      const abs = (x: KubeObject) => indexFailureCount(x) + indexIgnoredFailureCount(x);
      if (!last || (abs(last) <= abs(p) && !(finishedTime(p) < finishedTime(last)))) out.set(ix, p);
    }
    return out;
  }

  /** Deletes active pods keeping their finalizers (the Job is finishing); counts deleted and deleted-ready pods. */
  private async deleteActivePods(jc: SyncJobCtx, pods: KubeObject[]): Promise<{ deleted: number; deletedReady: number; err?: unknown }> {
    let deleted = pods.length;
    let deletedReady = 0;
    let err: unknown;
    await Promise.all(
      pods.map(async (p) => {
        try {
          await this.podControl.deletePod(p.metadata!.namespace ?? '', p.metadata!.name!, jc.ref);
        } catch (e: unknown) {
          if (!isNotFound(e)) {
            deleted--;
            err ??= e;
          }
        }
        if (isPodReady(p)) deletedReady++;
      }),
    );
    return { deleted, deletedReady, err };
  }

  /** Removes the tracking finalizer, then deletes (upstream's deleteJobPods); expectations already set. */
  private async deleteJobPods(jc: SyncJobCtx, pods: KubeObject[]): Promise<{ removed: number; removedReady: number; err?: unknown }> {
    const key = keyOf(jc.job);
    let removed = pods.length;
    let removedReady = 0;
    let err: unknown;
    const fail = (e: unknown) => {
      this.expectations.deletionObserved(key);
      if (!isNotFound(e)) {
        removed--;
        err ??= e;
      }
    };
    await Promise.all(
      pods.map(async (p) => {
        const ns = p.metadata!.namespace ?? '';
        if (hasTrackingFinalizer(p)) {
          try {
            await this.podControl.patchPod(ns, p.metadata!.name!, removeFinalizerPatch());
          } catch (e: unknown) {
            fail(new Error(`removing completion finalizer: ${(e as Error).message}`));
            return;
          }
        }
        try {
          await this.podControl.deletePod(ns, p.metadata!.name!, jc.ref);
        } catch (e: unknown) {
          fail(e);
        }
        if (isPodReady(p)) removedReady++;
      }),
    );
    return { removed, removedReady, err };
  }

  /**
   * Creates or deletes pods towards the wanted number of active pods (upstream's manageJob):
   * suspended Jobs lose all active pods; otherwise min(parallelism, remaining completions)
   * are wanted, creations wait for the pod-failure backoff, and Indexed Jobs create the
   * lowest missing indexes. Returns the new active count; on error, throws with `active` set.
   */
  private async manageJob(jc: SyncJobCtx, requeue: (ms: number) => void): Promise<number> {
    const job = jc.job;
    const key = keyOf(job);
    let active = jc.activePods.length;
    const parallelism = job.spec.parallelism;
    if (job.spec.suspend) {
      const toDelete = activePodsForRemoval(job, jc.activePods, active);
      this.expectations.expectDeletions(key, toDelete.length);
      const r = await this.deleteJobPods(jc, toDelete);
      active -= r.removed;
      jc.terminating += r.removed;
      jc.ready -= r.removedReady;
      if (r.err !== undefined) throw withActive(r.err, active);
      return active;
    }
    let wantActive: number;
    if (job.spec.completions == null) wantActive = jc.succeeded > 0 ? active : parallelism;
    else wantActive = Math.max(0, Math.min(job.spec.completions - jc.succeeded, parallelism));

    const rmAtLeast = Math.max(0, active - wantActive);
    let toDelete = activePodsForRemoval(job, jc.activePods, rmAtLeast);
    if (toDelete.length > MAX_POD_CREATE_DELETE_PER_SYNC) toDelete = toDelete.slice(0, MAX_POD_CREATE_DELETE_PER_SYNC);
    if (toDelete.length) {
      this.expectations.expectDeletions(key, toDelete.length);
      const r = await this.deleteJobPods(jc, toDelete);
      active -= r.removed;
      jc.terminating += r.removed;
      jc.ready -= r.removedReady;
      if (r.err !== undefined) throw withActive(r.err, active);
      return active;
    }

    const terminating = job.spec.podReplacementPolicy === 'Failed' ? jc.terminating : 0;
    let diff = wantActive - terminating - active;
    if (diff <= 0) return active;
    if (!hasBackoffLimitPerIndex(job)) {
      const remaining = remainingBackoff(
        this.ctx.clock.now(),
        jc.newBackoffRecord.failuresAfterLastSuccess,
        jc.newBackoffRecord.lastFailureTime,
        this.backoffBase,
        this.backoffMax,
      );
      if (remaining > 0) {
        requeue(Math.max(remaining, this.batchMs));
        return 0;
      }
    }
    diff = Math.min(diff, MAX_POD_CREATE_DELETE_PER_SYNC);
    let indexes: number[] = [];
    if (isIndexed(job)) {
      const completions = job.spec.completions ?? 0;
      let nonPending = jc.succeededIndexes.withIndexes(jc.activePods.map(completionIndexOf).filter((i) => i >= 0));
      if (job.spec.podReplacementPolicy === 'Failed') {
        nonPending = nonPending.withIndexes(jc.pods.filter(isTerminating).map(completionIndexOf).filter((i) => i >= 0));
      }
      if (jc.failedIndexes) nonPending = nonPending.merge(jc.failedIndexes);
      indexes = nonPending.firstMissing(diff, completions);
      if (hasBackoffLimitPerIndex(job)) {
        const now = this.ctx.clock.now();
        const ready: number[] = [];
        let minWait: number | undefined;
        for (const ix of indexes) {
          const last = jc.podsWithDelayedDeletionPerIndex.get(ix);
          const wait = last
            ? remainingBackoff(now, indexFailureCount(last) + indexIgnoredFailureCount(last) + 1, finishedTime(last), this.backoffBase, this.backoffMax)
            : 0;
          if (wait === 0) ready.push(ix);
          else if (minWait === undefined || wait < minWait) minWait = wait;
        }
        if (!ready.length && minWait !== undefined) {
          requeue(Math.max(minWait, this.batchMs));
          return 0;
        }
        indexes = ready;
      }
      diff = indexes.length;
    }
    this.expectations.expectCreations(key, diff);
    active += diff;
    const template = deepClone(job.spec.template);
    if (isIndexed(job)) addCompletionIndexEnv(template);
    const meta = (template.metadata ??= {});
    if (!(meta.finalizers ?? []).includes(JOB_TRACKING_FINALIZER)) meta.finalizers = [...(meta.finalizers ?? []), JOB_TRACKING_FINALIZER];
    const ns = job.metadata!.namespace ?? '';
    const ownerRef = newControllerRef(job, 'batch/v1', 'Job');
    let firstErr: unknown;
    let created = 0;
    for (let batch = Math.min(diff, 1); created < diff; batch = Math.min(2 * batch, diff - created)) {
      let batchErrs = 0;
      await Promise.all(
        Array.from({ length: batch }, async (_, k) => {
          const ix = indexes.length ? indexes[created + k]! : -1;
          let t = template;
          let generateName: string | undefined;
          if (ix >= 0) {
            t = deepClone(template);
            const m = (t.metadata ??= {});
            m.annotations = { ...(m.annotations ?? {}), [COMPLETION_INDEX_ANNOTATION]: String(ix) };
            m.labels = { ...(m.labels ?? {}), [COMPLETION_INDEX_ANNOTATION]: String(ix) };
            (t.spec ??= {}).hostname = `${job.metadata!.name}-${ix}`;
            generateName = podGenerateNameWithIndex(job.metadata!.name!, ix);
            if (hasBackoffLimitPerIndex(job)) addIndexFailureCounts(t, job, jc.podsWithDelayedDeletionPerIndex.get(ix));
          }
          try {
            await this.podControl.createPod(ns, t, jc.ref, ownerRef, generateName);
          } catch (e: unknown) {
            if (isNamespaceTerminating(e)) return;
            this.expectations.creationObserved(key);
            active--;
            batchErrs++;
            firstErr ??= e;
          }
        }),
      );
      created += batch;
      const skipped = diff - created;
      if (batchErrs > 0 && skipped > 0) {
        active -= skipped;
        this.expectations.lower(key, skipped, 0);
        break;
      }
    }
    if (firstErr !== undefined) throw withActive(firstErr, active);
    return active;
  }

  /**
   * Records finished pods (uncountedTerminatedPods), removes their tracking finalizers,
   * moves them into the counters once removed, and sets the interim and terminal conditions
   * (upstream's trackJobStatusAndRemoveFinalizers). At most MAX_UNCOUNTED_PODS per sync.
   */
  private async trackStatusAndRemoveFinalizers(jc: SyncJobCtx, needsFlush: boolean): Promise<void> {
    const job = jc.job;
    const now = this.ctx.clock.now();
    const indexed = isIndexed(job);
    const completions = job.spec.completions ?? 0;
    if (indexed) jc.pods = [...jc.pods].sort((a, b) => completionIndexOf(a) - completionIndexOf(b));
    const uidsWithFinalizer = new Set<string>();
    for (const p of jc.pods) {
      const uid = p.metadata!.uid!;
      if (hasTrackingFinalizer(p) && !jc.expectedRmFinalizers.has(uid)) uidsWithFinalizer.add(uid);
    }
    const uncounted = (job.status.uncountedTerminatedPods ??= {});
    if (cleanUncounted(job, uidsWithFinalizer)) needsFlush = true;
    const toRemove: KubeObject[] = [];
    const newSucceededIndexes: number[] = [];
    let reachedMax = false;
    for (const pod of jc.pods) {
      const uid = pod.metadata!.uid!;
      if (!hasTrackingFinalizer(pod) || jc.expectedRmFinalizers.has(uid)) continue;
      const consideredFailed = isPodFailed(pod, job);
      if (!canRemoveFinalizer(jc, pod, consideredFailed)) continue;
      toRemove.push(pod);
      if (phaseOf(pod) === 'Succeeded' && !jc.uncountedFailed.has(uid)) {
        if (indexed) {
          const ix = completionIndexOf(pod);
          if (ix >= 0 && ix < completions && !jc.prevSucceededIndexes.has(ix)) {
            newSucceededIndexes.push(ix);
            needsFlush = true;
          }
        } else if (!jc.uncountedSucceeded.has(uid)) {
          needsFlush = true;
          (uncounted.succeeded ??= []).push(uid);
        }
      } else if (consideredFailed || (jc.finishedCondition && jc.finishedCondition.type !== JobConditionType.SuccessCriteriaMet && jc.finishedCondition.type !== JobConditionType.Complete)) {
        // Once the Job fails, every pod not yet terminated counts as failed.
        const ix = completionIndexOf(pod);
        if (!jc.uncountedFailed.has(uid) && (!indexed || (ix >= 0 && ix < completions))) {
          if (matchPodFailurePolicy(job.spec.podFailurePolicy?.rules, pod).countFailed || !job.spec.podFailurePolicy) {
            needsFlush = true;
            (uncounted.failed ??= []).push(uid);
          }
        }
      }
      if (newSucceededIndexes.length + (uncounted.succeeded?.length ?? 0) + (uncounted.failed?.length ?? 0) >= MAX_UNCOUNTED_PODS) {
        reachedMax = true;
        break;
      }
    }
    if (indexed) {
      jc.succeededIndexes = jc.succeededIndexes.withIndexes(newSucceededIndexes);
      const text = jc.succeededIndexes.toString();
      if (text !== (job.status.completedIndexes ?? '')) needsFlush = true;
      job.status.succeeded = jc.succeededIndexes.total();
      job.status.completedIndexes = text;
      const failedText = jc.failedIndexes?.toString();
      if (failedText !== job.status.failedIndexes) {
        job.status.failedIndexes = failedText;
        needsFlush = true;
      }
    }
    if (jc.finishedCondition?.type === JobConditionType.FailureTarget) {
      job.status.conditions = [...(job.status.conditions ?? []), jc.finishedCondition];
      needsFlush = true;
      jc.finishedCondition = newCondition(JobConditionType.Failed, 'True', jc.finishedCondition.reason, jc.finishedCondition.message, now);
    }
    if (jc.finishedCondition?.type === JobConditionType.SuccessCriteriaMet) {
      if (!hasSuccessCriteriaMet(job)) {
        job.status.conditions = [...(job.status.conditions ?? []), jc.finishedCondition];
        needsFlush = true;
      }
      jc.finishedCondition = newCondition(JobConditionType.Complete, 'True', jc.finishedCondition.reason, jc.finishedCondition.message, now);
    }

    // 1. Flush the uncounted pods (and interim conditions) before touching finalizers.
    if (needsFlush) {
      await this.writeStatus(job);
      this.backoff.update(jc.newBackoffRecord);
      needsFlush = false;
    }
    // 2. Remove finalizers, 3. count the pods whose finalizer is gone.
    let rmErr: unknown;
    if (toRemove.length) {
      const key = keyOf(job);
      const set = this.finalizerExpectations.get(key) ?? new Set<string>();
      for (const p of toRemove) set.add(p.metadata!.uid!);
      this.finalizerExpectations.set(key, set);
      await Promise.all(
        toRemove.map(async (p) => {
          try {
            await this.podControl.patchPod(p.metadata!.namespace ?? '', p.metadata!.name!, removeFinalizerPatch());
            uidsWithFinalizer.delete(p.metadata!.uid!);
          } catch (e: unknown) {
            this.finalizerRemovalObserved(key, p.metadata!.uid!);
            if (isNotFound(e)) uidsWithFinalizer.delete(p.metadata!.uid!);
            else rmErr ??= e;
          }
        }),
      );
    }
    if (cleanUncounted(job, uidsWithFinalizer)) needsFlush = true;
    if (rmErr !== undefined) {
      if (needsFlush) await this.writeStatus(job);
      throw rmErr;
    }
    // 4. Finish the Job when every pod is counted and none is terminating.
    const finished = !reachedMax && this.enactJobFinished(jc, now);
    if (finished) needsFlush = true;
    if (needsFlush) {
      await this.writeStatus(job);
      if (finished) this.recordJobFinished(jc);
    }
  }

  private enactJobFinished(jc: SyncJobCtx, now: number): boolean {
    const cond = jc.finishedCondition;
    if (!cond) return false;
    const u = jc.job.status.uncountedTerminatedPods;
    if ((u?.succeeded?.length ?? 0) + (u?.failed?.length ?? 0) > 0) return false;
    if (jc.terminating > 0) return false;
    ensureCondition(jc.job, cond.type, cond.status, cond.reason ?? '', cond.message ?? '', now);
    if (cond.type === JobConditionType.Complete) jc.job.status.completionTime = cond.lastTransitionTime;
    return true;
  }

  private recordJobFinished(jc: SyncJobCtx): void {
    const cond = jc.finishedCondition!;
    const job = jc.job;
    if (cond.type === JobConditionType.Complete) {
      if (job.spec.completions != null && job.status.succeeded > job.spec.completions) {
        this.recorder.event(jc.ref, EventType.Warning, 'TooManySucceededPods', 'Too many succeeded pods running after completion count reached');
      }
      this.recorder.event(jc.ref, EventType.Normal, 'Completed', 'Job completed');
    } else {
      this.recorder.event(jc.ref, EventType.Warning, cond.reason ?? '', cond.message ?? '');
    }
  }

  private async writeStatus(job: Job): Promise<void> {
    const cached = this.jobs.get(job.metadata!.namespace ?? '', job.metadata!.name!);
    const body = { ...(cached ?? job), metadata: { ...(cached ?? job).metadata, resourceVersion: job.metadata!.resourceVersion }, status: statusJson(job.status) };
    const updated = await this.ctx.client.update(JOBS, job.metadata!.namespace ?? '', body, { subresource: 'status' });
    job.metadata!.resourceVersion = updated.metadata?.resourceVersion;
  }
}

// ---- helpers (upstream's job utilities) ----

function validIndex(pod: KubeObject, completions: number): boolean {
  const ix = completionIndexOf(pod);
  return ix >= 0 && ix < completions;
}

/** Failed, or (unless only failed pods are replaced) being deleted without having succeeded (upstream's isPodFailed). */
export function isPodFailed(pod: KubeObject, job: Job): boolean {
  if (phaseOf(pod) === 'Failed') return true;
  if (job.spec.podReplacementPolicy === 'Failed' || job.spec.podFailurePolicy) return false;
  return !!pod.metadata?.deletionTimestamp && phaseOf(pod) !== 'Succeeded';
}

function isIndexFailed(job: Job, pod: KubeObject): boolean {
  let counted = false;
  if (isPodFailed(pod, job)) {
    if (job.spec.podFailurePolicy) {
      const m = matchPodFailurePolicy(job.spec.podFailurePolicy.rules, pod);
      if (m.action === 'FailIndex') return true;
      counted = m.countFailed;
    } else {
      counted = true;
    }
  }
  return counted && indexFailureCount(pod) >= (job.spec.backoffLimitPerIndex ?? 0);
}

function canRemoveFinalizer(jc: SyncJobCtx, pod: KubeObject, consideredFailed: boolean): boolean {
  if (jc.job.metadata?.deletionTimestamp || jc.finishedCondition || phaseOf(pod) === 'Succeeded') return true;
  if (!consideredFailed) return false;
  if (hasBackoffLimitPerIndex(jc.job)) {
    const ix = completionIndexOf(pod);
    if (ix >= 0 && jc.podsWithDelayedDeletionPerIndex.get(ix)?.metadata?.uid === pod.metadata?.uid) return false;
  }
  return true;
}

/** Moves uncounted pods whose finalizer is gone into the counters; true if anything changed. */
function cleanUncounted(job: Job, uidsWithFinalizer: Set<string>): boolean {
  const u = job.status.uncountedTerminatedPods ?? {};
  let changed = false;
  const keepS = (u.succeeded ?? []).filter((id) => uidsWithFinalizer.has(id));
  if (keepS.length !== (u.succeeded ?? []).length) {
    job.status.succeeded += (u.succeeded ?? []).length - keepS.length;
    u.succeeded = keepS;
    changed = true;
  }
  const keepF = (u.failed ?? []).filter((id) => uidsWithFinalizer.has(id));
  if (keepF.length !== (u.failed ?? []).length) {
    job.status.failed += (u.failed ?? []).length - keepF.length;
    u.failed = keepF;
    changed = true;
  }
  return changed;
}

/** The pods to delete: duplicated or out-of-range indexes first (Indexed), then the cheapest active pods (upstream's activePodsForRemoval). */
export function activePodsForRemoval(job: Job, pods: KubeObject[], rmAtLeast: number): KubeObject[] {
  let rm: KubeObject[] = [];
  let left: KubeObject[];
  if (isIndexed(job)) {
    left = [];
    const completions = job.spec.completions ?? 0;
    const byIndex = new Map<number, KubeObject[]>();
    for (const p of pods) {
      const ix = completionIndexOf(p);
      if (ix < 0 || ix >= completions) {
        rm.push(p);
        continue;
      }
      const l = byIndex.get(ix);
      if (l) l.push(p);
      else byIndex.set(ix, [p]);
    }
    for (const ix of [...byIndex.keys()].sort((a, b) => a - b)) {
      const same = byIndex.get(ix)!;
      if (same.length === 1) {
        left.push(same[0]!);
        continue;
      }
      same.sort(compareActivePods);
      rm.push(...same.slice(0, -1));
      left.push(same[same.length - 1]!);
    }
  } else {
    left = [...pods];
  }
  if (rm.length < rmAtLeast) {
    left.sort(compareActivePods);
    rm = [...rm, ...left.slice(0, rmAtLeast - rm.length)];
  }
  return rm;
}

/** With restartPolicy OnFailure: container restarts of running pods reach backoffLimit (upstream's pastBackoffLimitOnFailure). */
function pastBackoffLimitOnFailure(job: Job, pods: KubeObject[]): boolean {
  if ((job.spec.template.spec as { restartPolicy?: string } | undefined)?.restartPolicy !== 'OnFailure') return false;
  let restarts = 0;
  for (const p of pods) {
    const phase = phaseOf(p);
    if (phase !== 'Running' && phase !== 'Pending') continue;
    for (const c of [...initContainerStatuses(p), ...containerStatuses(p)]) restarts += c.restartCount ?? 0;
  }
  return job.spec.backoffLimit === 0 ? restarts > 0 : restarts >= job.spec.backoffLimit;
}

function failJobMessage(job: Job, pods: KubeObject[]): string | undefined {
  if (!job.spec.podFailurePolicy) return undefined;
  for (const p of pods) {
    if (!isPodFailed(p, job)) continue;
    const m = matchPodFailurePolicy(job.spec.podFailurePolicy.rules, p);
    if (m.failJobMessage !== undefined) return m.failJobMessage;
  }
  return undefined;
}

function newCondition(type: string, status: string, reason: string | undefined, message: string | undefined, now: number): JobCondition {
  const t = rfc3339(now);
  const c: JobCondition = { type, status, lastProbeTime: t, lastTransitionTime: t };
  if (reason) c.reason = reason;
  if (message) c.message = message;
  return c;
}

function hasSuccessCriteriaMet(job: Job): JobCondition | undefined {
  const c = findCondition(job.status.conditions, JobConditionType.SuccessCriteriaMet);
  return c && c.status === 'True' ? c : undefined;
}

/**
 * Sets a condition's status, reason and message (new times when any changed); a False
 * condition is never added where none existed (upstream's ensureJobConditionStatus).
 * Returns whether the conditions changed.
 */
function ensureCondition(job: Job, type: string, status: string, reason: string, message: string, now: number): boolean {
  const list = (job.status.conditions ??= []);
  const i = list.findIndex((c) => c.type === type);
  if (i >= 0) {
    const c = list[i]!;
    if (c.status !== status || (c.reason ?? '') !== reason || (c.message ?? '') !== message) {
      list[i] = newCondition(type, status, reason, message, now);
      return true;
    }
    return false;
  }
  if (status === 'False') return false;
  list.push(newCondition(type, status, reason, message, now));
  return true;
}

function removeFinalizerPatch(): unknown {
  return { metadata: { '$deleteFromPrimitiveList/finalizers': [JOB_TRACKING_FINALIZER] } };
}

/** `<job>-<index>-`, the job name cut so the prefix fits the generated-name limit (upstream's podGenerateNameWithIndex). */
export function podGenerateNameWithIndex(jobName: string, index: number): string {
  const suffix = `-${index}-`;
  let prefix = jobName + suffix;
  // names.MaxGeneratedNameLength: 63 minus the 5 random characters
  if (prefix.length > 58) prefix = prefix.slice(0, 58 - suffix.length) + suffix;
  return prefix;
}

/** JOB_COMPLETION_INDEX from the pod's completion index label, in every container (upstream's addCompletionIndexEnvVariables). */
function addCompletionIndexEnv(template: PodTemplateSpec): void {
  const spec = (template.spec ??= {}) as { containers?: { env?: unknown[] }[]; initContainers?: { env?: unknown[] }[] };
  for (const c of [...(spec.initContainers ?? []), ...(spec.containers ?? [])]) {
    const env = (c.env ??= []) as { name: string }[];
    if (env.some((e) => e.name === 'JOB_COMPLETION_INDEX')) continue;
    env.push({ name: 'JOB_COMPLETION_INDEX', valueFrom: { fieldRef: { fieldPath: `metadata.labels['${COMPLETION_INDEX_ANNOTATION}']` } } } as { name: string });
  }
}

/** The failure-count annotations of a replacement pod, carried over from the pod it replaces (upstream's addIndexFailureCountAnnotation). */
function addIndexFailureCounts(template: PodTemplateSpec, job: Job, replaced: KubeObject | undefined): void {
  let failures = 0;
  let ignored = 0;
  if (replaced) {
    failures = indexFailureCount(replaced);
    ignored = indexIgnoredFailureCount(replaced);
    if (job.spec.podFailurePolicy && !matchPodFailurePolicy(job.spec.podFailurePolicy.rules, replaced).countFailed) ignored++;
    else failures++;
  }
  const m = (template.metadata ??= {});
  m.annotations = { ...(m.annotations ?? {}), [INDEX_FAILURE_COUNT_ANNOTATION]: String(failures) };
  if (ignored > 0) m.annotations[INDEX_IGNORED_FAILURE_COUNT_ANNOTATION] = String(ignored);
}

function withActive(e: unknown, active: number): unknown {
  if (e instanceof Error) return Object.assign(e, { active });
  return e;
}

