import { isAlreadyExists, isNotFound } from '../../apimachinery/status.js';
import type { KubeObject } from '../../apimachinery/types.js';
import { gvr } from '../../client/api-client.js';
import { EventType, type EventRecorder, type ObjectReference } from '../../client/event-recorder.js';
import { isTombstone, type DeletedFinalStateUnknown } from '../../client/indexer.js';
import type { Lister } from '../../client/lister.js';
import { rfc3339 } from '../../client/time-format.js';
import { Workqueue, runWorkers } from '../../client/workqueue.js';
import { deepClone, deepEqual } from '../../util/deep.js';
import { logger } from '../../util/log.js';
import { controllerRefOf, isControlledBy, keyOf, newControllerRef, splitKeyOf, type OwnerReference } from '../framework/owner-refs.js';
import { controllerReference, isNamespaceTerminating, messageOf } from '../framework/pod-control.js';
import type { Controller, ControllerContext } from '../framework/types.js';
import { parseStandard, type Schedule } from './cron.js';
import { jobNameFor, nextScheduleDelay, nextScheduleTime, type ScheduleTimesInput } from './schedule-times.js';
import { isValidTimeZone, localTimeZone, rfc3339In } from './zone.js';

export const CRONJOBS = gvr('batch/v1', 'cronjobs');
const JOBS = gvr('batch/v1', 'jobs');

/** The annotation with the time a Job was scheduled for (CronJobsScheduledAnnotation, on in 1.32). */
export const SCHEDULED_TIMESTAMP_ANNOTATION = 'batch.kubernetes.io/cronjob-scheduled-timestamp';

const log = logger('cronjob-controller');

export interface CronJobControllerOptions {
  /** The zone schedules without timeZone are evaluated in (default: this process's, as upstream uses time.Local). */
  localTimeZone?: string;
}

interface JobCondition {
  type: string;
  status: string;
}

interface CronJobStatus {
  active?: ObjectReference[];
  lastScheduleTime?: string;
  lastSuccessfulTime?: string;
}

interface CronJob extends KubeObject {
  spec: {
    schedule: string;
    timeZone?: string;
    startingDeadlineSeconds?: number;
    concurrencyPolicy: string;
    suspend: boolean;
    jobTemplate: { metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> }; spec?: Record<string, unknown> };
    successfulJobsHistoryLimit: number;
    failedJobsHistoryLimit: number;
  };
  status: CronJobStatus;
}

/** A copy with upstream's defaults: Allow, not suspended, history limits 3 successful and 1 failed. */
function withDefaults(obj: KubeObject): CronJob {
  const cj = deepClone(obj) as CronJob;
  const spec = (cj.spec ??= {} as CronJob['spec']);
  spec.concurrencyPolicy ||= 'Allow';
  spec.suspend ??= false;
  spec.successfulJobsHistoryLimit ??= 3;
  spec.failedJobsHistoryLimit ??= 1;
  spec.jobTemplate ??= {};
  cj.status ??= {};
  return cj;
}

const conditionsOf = (job: KubeObject): JobCondition[] => ((job.status as { conditions?: JobCondition[] } | undefined)?.conditions ?? []);

/** The Complete or Failed condition type of a finished Job. */
function finishedType(job: KubeObject): string | undefined {
  return conditionsOf(job).find((c) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True')?.type;
}

const isSucceeded = (job: KubeObject) => conditionsOf(job).some((c) => c.type === 'Complete' && c.status === 'True');
const ms = (t: string | undefined | null) => (t ? Date.parse(t) : undefined);

/**
 * The CronJob controller, as kube-controller-manager's "cronjob" (controller v2): at each
 * activation of the schedule (in spec.timeZone, else the controller's zone) it creates a Job
 * named `<cronjob>-<scheduled minute since the epoch>` from the template, honouring
 * concurrencyPolicy, startingDeadlineSeconds, suspend and the history limits, and keeps
 * status.active/lastScheduleTime/lastSuccessfulTime. It sleeps on the workqueue until the
 * next activation, so time comes from the context's clock. Events from "cronjob-controller".
 */
export class CronJobController implements Controller {
  readonly name = 'cronjob';
  private readonly queue: Workqueue<string>;
  private readonly cronJobs: Lister;
  private readonly jobs: Lister;
  private readonly recorder: EventRecorder;
  private readonly localZone: string;

  constructor(
    private readonly ctx: ControllerContext,
    opts: CronJobControllerOptions = {},
  ) {
    this.queue = new Workqueue<string>({ clock: ctx.clock });
    this.localZone = opts.localTimeZone ?? localTimeZone();
    const cjInf = ctx.informers.informerFor(CRONJOBS);
    const jobInf = ctx.informers.informerFor(JOBS);
    this.cronJobs = cjInf.lister();
    this.jobs = jobInf.lister();
    this.recorder = ctx.recorder('cronjob-controller');
    cjInf.addEventHandler({
      onAdd: (o) => this.queue.add(keyOf(o)),
      onUpdate: (a, b) => this.updateCronJob(a, b),
      onDelete: (o) => this.queue.add(isTombstone(o) ? o.key : keyOf(o)),
    });
    jobInf.addEventHandler({
      onAdd: (j) => (j.metadata?.deletionTimestamp ? this.jobGone(j) : this.jobChanged(j)),
      onUpdate: (a, b) => {
        if (a.metadata?.resourceVersion === b.metadata?.resourceVersion) return;
        const oldRef = controllerRefOf(a);
        if (oldRef && !deepEqual(oldRef, controllerRefOf(b))) this.jobChanged(a);
        this.jobChanged(b);
      },
      onDelete: (j) => this.jobGone(j),
    });
  }

  async run(signal: AbortSignal): Promise<void> {
    if (!(await this.ctx.informers.waitForCacheSync(signal))) return;
    await runWorkers(this.queue, (key) => this.sync(key), signal, { workers: this.ctx.workers, name: 'cronjob-controller', log });
  }

  private resolve(namespace: string, ref: OwnerReference): KubeObject | undefined {
    if (ref.kind !== 'CronJob') return undefined;
    const cj = this.cronJobs.get(namespace, ref.name);
    return cj && cj.metadata?.uid === ref.uid ? cj : undefined;
  }

  private jobChanged(job: KubeObject): void {
    const ref = controllerRefOf(job);
    if (!ref) return;
    const cj = this.resolve(job.metadata?.namespace ?? '', ref);
    if (cj) this.queue.add(keyOf(cj));
  }

  private jobGone(obj: KubeObject | DeletedFinalStateUnknown): void {
    const job = isTombstone(obj) ? obj.obj : obj;
    if (job) this.jobChanged(job);
  }

  private schedule(cj: CronJob, recorder?: EventRecorder): Schedule {
    const spec = cj.spec.schedule ?? '';
    if (spec.includes('TZ')) {
      recorder?.eventf(
        controllerReference(cj, 'batch/v1', 'CronJob'),
        EventType.Warning,
        'UnsupportedSchedule',
        'CRON_TZ or TZ used in schedule %q is not officially supported, see https://kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/ for more details',
        spec,
      );
      return parseStandard(spec, this.localZone);
    }
    if (cj.spec.timeZone != null && isValidTimeZone(cj.spec.timeZone)) return parseStandard(`TZ=${cj.spec.timeZone} ${spec}`, this.localZone);
    return parseStandard(spec, this.localZone);
  }

  /** A changed schedule or zone requeues for the new next activation; any other change syncs now. */
  private updateCronJob(oldObj: KubeObject, curObj: KubeObject): void {
    const o = oldObj as CronJob;
    const c = curObj as CronJob;
    if (o.spec?.schedule !== c.spec?.schedule || o.spec?.timeZone !== c.spec?.timeZone) {
      let sched: Schedule;
      try {
        sched = this.schedule(withDefaults(c));
      } catch {
        this.recorder.eventf(
          controllerReference(c, 'batch/v1', 'CronJob'),
          EventType.Warning,
          'UnParseableCronJobSchedule',
          'unparseable schedule for cronjob: %s',
          c.spec?.schedule,
        );
        return;
      }
      this.queue.addAfter(keyOf(c), nextScheduleDelay(timesInput(withDefaults(c)), this.ctx.clock.now(), sched));
      return;
    }
    this.queue.add(keyOf(c));
  }

  async sync(key: string): Promise<{ requeueAfter?: number } | void> {
    const { namespace, name } = splitKeyOf(key);
    const cached = this.cronJobs.get(namespace, name);
    if (!cached) return;
    const cj = withDefaults(cached);
    const jobs = this.jobs
      .namespace(namespace)
      .list()
      .filter((j) => {
        const ref = controllerRefOf(j);
        return !!ref && ref.name === cj.metadata!.name;
      });
    const changedByCleanup = await this.cleanupFinishedJobs(cj, jobs);
    let result: { requeueAfter?: number; changed: boolean };
    let syncErr: unknown;
    try {
      result = await this.syncCronJob(cj, jobs);
    } catch (e: unknown) {
      syncErr = e;
      result = { changed: (e as { changed?: boolean }).changed ?? false };
    }
    if (changedByCleanup || result.changed) {
      await this.ctx.client.update(CRONJOBS, namespace, { ...cached, metadata: cj.metadata, status: statusJson(cj.status) }, { subresource: 'status' });
    }
    if (syncErr !== undefined) throw syncErr;
    if (result.requeueAfter !== undefined) return { requeueAfter: Math.max(1, result.requeueAfter) };
  }

  private ref(cj: CronJob) {
    return controllerReference(cj, 'batch/v1', 'CronJob');
  }

  private async syncCronJob(cj: CronJob, jobs: KubeObject[]): Promise<{ requeueAfter?: number; changed: boolean }> {
    const now = this.ctx.clock.now();
    let changed = false;
    const ref = this.ref(cj);
    const fail = (e: unknown) => Object.assign(e instanceof Error ? e : new Error(String(e)), { changed });
    const inActive = (uid: string | undefined) => (cj.status.active ?? []).some((a) => a.uid === uid);
    const removeActive = (uid: string | undefined) => {
      cj.status.active = (cj.status.active ?? []).filter((a) => a.uid !== uid);
    };
    const children = new Set<string>();
    for (const j of jobs) {
      children.add(j.metadata!.uid!);
      const found = inActive(j.metadata!.uid);
      const finished = finishedType(j);
      if (!found && !finished) {
        // Maybe our own status write is not in the cache yet: check the live object.
        let fresh: KubeObject;
        try {
          fresh = await this.ctx.client.get(CRONJOBS, cj.metadata!.namespace ?? '', cj.metadata!.name!);
        } catch (e: unknown) {
          throw fail(e);
        }
        const freshActive = ((fresh.status as CronJobStatus | undefined)?.active ?? []);
        if (freshActive.some((a) => a.uid === j.metadata!.uid)) {
          cj.status = { ...(fresh.status as CronJobStatus) };
          cj.metadata = fresh.metadata;
          continue;
        }
        this.recorder.eventf(ref, EventType.Warning, 'UnexpectedJob', 'Saw a job that the controller did not create or forgot: %s', j.metadata!.name);
      } else if (found && finished) {
        removeActive(j.metadata!.uid);
        this.recorder.eventf(ref, EventType.Normal, 'SawCompletedJob', 'Saw completed job: %s, status: %v', j.metadata!.name, finished);
        changed = true;
      } else if (isSucceeded(j)) {
        const done = (j.status as { completionTime?: string } | undefined)?.completionTime;
        const last = ms(cj.status.lastSuccessfulTime);
        if (last === undefined) {
          if (done !== undefined) cj.status.lastSuccessfulTime = done;
          changed = true;
        } else if (done && Date.parse(done) > last) {
          cj.status.lastSuccessfulTime = done;
          changed = true;
        }
      }
    }
    for (const a of [...(cj.status.active ?? [])]) {
      if (children.has(a.uid ?? '')) continue;
      try {
        await this.ctx.client.get(JOBS, a.namespace ?? '', a.name ?? '');
      } catch (e: unknown) {
        if (!isNotFound(e)) throw fail(e);
        this.recorder.eventf(ref, EventType.Normal, 'MissingJob', 'Active job went missing: %v', a.name);
        removeActive(a.uid);
        changed = true;
      }
    }
    if (cj.metadata?.deletionTimestamp) return { changed };
    if (cj.spec.timeZone != null && !isValidTimeZone(cj.spec.timeZone)) {
      this.recorder.eventf(ref, EventType.Warning, 'UnknownTimeZone', 'invalid timeZone: %q: %s', cj.spec.timeZone, `unknown time zone ${cj.spec.timeZone}`);
      return { changed };
    }
    if (cj.spec.suspend) return { changed };
    let sched: Schedule;
    try {
      sched = this.schedule(cj, this.recorder);
    } catch (e: unknown) {
      this.recorder.eventf(ref, EventType.Warning, 'UnparseableSchedule', 'unparseable schedule: %q : %s', cj.spec.schedule, messageOf(e));
      return { changed };
    }
    const input = timesInput(cj);
    let scheduled: number | undefined;
    try {
      const r = nextScheduleTime(input, now, sched);
      if (r.tooManyMissed) {
        this.recorder.event(ref, EventType.Warning, 'TooManyMissedTimes', 'too many missed start times. Set or decrease .spec.startingDeadlineSeconds or check clock skew');
      }
      scheduled = r.time;
    } catch (e: unknown) {
      this.recorder.eventf(ref, EventType.Warning, 'InvalidSchedule', 'invalid schedule: %s : %s', cj.spec.schedule, messageOf(e));
      return { changed };
    }
    const requeue = () => ({ requeueAfter: nextScheduleDelay(timesInput(cj), now, sched), changed });
    if (scheduled === undefined) return requeue();
    if (cj.spec.startingDeadlineSeconds != null && scheduled + cj.spec.startingDeadlineSeconds * 1000 < now) {
      this.recorder.eventf(ref, EventType.Warning, 'MissSchedule', 'Missed scheduled time to start a job: %s', rfc1123z(scheduled));
      return requeue();
    }
    const jobName = jobNameFor(cj.metadata!.name!, scheduled);
    if ((cj.status.active ?? []).some((a) => a.name === jobName && a.namespace === cj.metadata!.namespace) || ms(cj.status.lastScheduleTime) === scheduled) {
      return requeue();
    }
    if (cj.spec.concurrencyPolicy === 'Forbid' && (cj.status.active ?? []).length > 0) {
      this.recorder.event(ref, EventType.Normal, 'JobAlreadyActive', 'Not starting job because prior execution is running and concurrency policy is Forbid');
      return requeue();
    }
    if (cj.spec.concurrencyPolicy === 'Replace') {
      for (const a of [...(cj.status.active ?? [])]) {
        let job: KubeObject;
        try {
          job = await this.ctx.client.get(JOBS, a.namespace ?? '', a.name ?? '');
        } catch (e: unknown) {
          this.recorder.eventf(ref, EventType.Warning, 'FailedGet', 'Get job: %v', messageOf(e));
          throw fail(e);
        }
        if (!(await this.deleteJob(cj, job))) throw fail(new Error(`could not replace job ${job.metadata!.namespace}/${job.metadata!.name}`));
        changed = true;
      }
    }
    const req = this.jobFromTemplate(cj, scheduled);
    let created: KubeObject;
    try {
      created = await this.ctx.client.create(JOBS, cj.metadata!.namespace ?? '', req);
      this.recorder.eventf(ref, EventType.Normal, 'SuccessfulCreate', 'Created job %v', created.metadata!.name);
    } catch (e: unknown) {
      if (isNamespaceTerminating(e)) throw fail(e);
      if (!isAlreadyExists(e)) {
        this.recorder.eventf(ref, EventType.Warning, 'FailedCreate', 'Error creating job: %v', messageOf(e));
        throw fail(e);
      }
      // Created earlier, but the status write after it was lost: adopt it into active if ours.
      created = await this.ctx.client.get(JOBS, cj.metadata!.namespace ?? '', jobName);
      if (!isControlledBy(created, cj.metadata!.uid!)) return { changed };
      if (inActive(created.metadata!.uid)) return { changed };
      log.info('job already exists', { cronjob: keyOf(cj), job: jobName });
    }
    const m = created.metadata!;
    cj.status.active = [
      ...(cj.status.active ?? []),
      { kind: 'Job', namespace: m.namespace, name: m.name, uid: m.uid, apiVersion: 'batch/v1', resourceVersion: m.resourceVersion },
    ];
    cj.status.lastScheduleTime = rfc3339(scheduled);
    changed = true;
    return { requeueAfter: nextScheduleDelay(timesInput(cj), now, sched), changed };
  }

  /** The Job for an activation (upstream's getJobFromTemplate2): the template's labels, annotations and spec, a deterministic name, the scheduled-time annotation. */
  jobFromTemplate(cj: CronJob, scheduled: number): KubeObject {
    const tpl = cj.spec.jobTemplate;
    const annotations: Record<string, string> = { ...(tpl.metadata?.annotations ?? {}) };
    annotations[SCHEDULED_TIMESTAMP_ANNOTATION] = rfc3339In(scheduled, cj.spec.timeZone ?? '');
    return {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: {
        name: jobNameFor(cj.metadata!.name!, scheduled),
        labels: { ...(tpl.metadata?.labels ?? {}) },
        annotations,
        ownerReferences: [newControllerRef(cj, 'batch/v1', 'CronJob')],
      },
      spec: deepClone(tpl.spec ?? {}),
    };
  }

  /** Deletes finished Jobs beyond the history limits, oldest start first (upstream's cleanupFinishedJobs). */
  private async cleanupFinishedJobs(cj: CronJob, jobs: KubeObject[]): Promise<boolean> {
    const succeeded = jobs.filter((j) => finishedType(j) === 'Complete');
    const failed = jobs.filter((j) => finishedType(j) === 'Failed');
    let changed = false;
    if (await this.removeOldest(cj, succeeded, cj.spec.successfulJobsHistoryLimit)) changed = true;
    if (await this.removeOldest(cj, failed, cj.spec.failedJobsHistoryLimit)) changed = true;
    return changed;
  }

  private async removeOldest(cj: CronJob, jobs: KubeObject[], keep: number): Promise<boolean> {
    const n = jobs.length - keep;
    if (n <= 0) return false;
    const start = (j: KubeObject) => (j.status as { startTime?: string } | undefined)?.startTime;
    const sorted = [...jobs].sort((a, b) => {
      const sa = start(a);
      const sb = start(b);
      if (!sa && sb) return 1;
      if (sa && !sb) return -1;
      if (sa === sb) return (a.metadata!.name! < b.metadata!.name! ? -1 : 1);
      return Date.parse(sa!) - Date.parse(sb!);
    });
    let changed = false;
    for (const j of sorted.slice(0, n)) if (await this.deleteJob(cj, j)) changed = true;
    return changed;
  }

  /** Deletes a Job (background propagation) and drops it from status.active; false on failure (upstream's deleteJob). */
  private async deleteJob(cj: CronJob, job: KubeObject): Promise<boolean> {
    try {
      await this.ctx.client.delete(JOBS, job.metadata!.namespace ?? '', job.metadata!.name!, { propagationPolicy: 'Background' });
    } catch (e: unknown) {
      this.recorder.eventf(this.ref(cj), EventType.Warning, 'FailedDelete', 'Deleted job: %v', messageOf(e));
      return false;
    }
    cj.status.active = (cj.status.active ?? []).filter((a) => a.uid !== job.metadata!.uid);
    this.recorder.eventf(this.ref(cj), EventType.Normal, 'SuccessfulDelete', 'Deleted job %v', job.metadata!.name);
    return true;
  }
}

function timesInput(cj: CronJob): ScheduleTimesInput {
  return {
    created: ms(cj.metadata?.creationTimestamp) ?? 0,
    lastScheduleTime: ms(cj.status.lastScheduleTime),
    startingDeadlineSeconds: cj.spec.startingDeadlineSeconds,
  };
}

function statusJson(s: CronJobStatus): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (s.active?.length) out.active = s.active;
  if (s.lastScheduleTime) out.lastScheduleTime = s.lastScheduleTime;
  if (s.lastSuccessfulTime) out.lastSuccessfulTime = s.lastSuccessfulTime;
  return out;
}

/** Go's time.RFC1123Z in UTC: "Mon, 02 Jan 2006 15:04:05 +0000". */
function rfc1123z(ms: number): string {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  const days = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  return `${days[d.getUTCDay()]}, ${p(d.getUTCDate())} ${months[d.getUTCMonth()]} ${d.getUTCFullYear()} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} +0000`;
}

