import { isNotFound } from '../../apimachinery/status.js';
import type { KubeObject } from '../../apimachinery/types.js';
import { gvr } from '../../client/api-client.js';
import type { Lister } from '../../client/lister.js';
import { Workqueue, runWorkers } from '../../client/workqueue.js';
import { logger } from '../../util/log.js';
import { keyOf, splitKeyOf } from '../framework/owner-refs.js';
import type { Controller, ControllerContext } from '../framework/types.js';

const JOBS = gvr('batch/v1', 'jobs');
const log = logger('ttl-after-finished-controller');

interface Condition {
  type: string;
  status: string;
  lastTransitionTime?: string;
}

const ttlOf = (job: KubeObject): number | undefined => (job.spec as { ttlSecondsAfterFinished?: number } | undefined)?.ttlSecondsAfterFinished ?? undefined;

/** When the Job finished: its Complete or Failed condition's transition time (upstream's jobFinishTime). */
export function jobFinishTime(job: KubeObject): number | undefined {
  const conds = ((job.status as { conditions?: Condition[] } | undefined)?.conditions ?? []);
  const c = conds.find((x) => (x.type === 'Complete' || x.type === 'Failed') && x.status === 'True');
  if (!c) return undefined;
  const t = c.lastTransitionTime ? Date.parse(c.lastTransitionTime) : NaN;
  if (!Number.isFinite(t)) throw new Error(`unable to find the time when the Job ${job.metadata?.namespace}/${job.metadata?.name} finished`);
  return t;
}

/** A finished Job with a TTL, not being deleted. */
export function needsCleanup(job: KubeObject): boolean {
  return ttlOf(job) !== undefined && !job.metadata?.deletionTimestamp && jobFinishTime(job) !== undefined;
}

/** Milliseconds until the Job's TTL expires (<= 0: expired); undefined when it needs no cleanup. */
export function timeLeft(job: KubeObject, now: number): number | undefined {
  if (!needsCleanup(job)) return undefined;
  return jobFinishTime(job)! + ttlOf(job)! * 1000 - now;
}

/**
 * The TTL-after-finished controller, as kube-controller-manager's "ttl-after-finished":
 * deletes Jobs ttlSecondsAfterFinished after they completed or failed, re-reading the Job
 * from the API first (the TTL may have changed) and deleting with foreground propagation
 * and a uid precondition, as upstream.
 */
export class TtlAfterFinishedController implements Controller {
  readonly name = 'ttl-after-finished';
  private readonly queue: Workqueue<string>;
  private readonly jobs: Lister;

  constructor(private readonly ctx: ControllerContext) {
    this.queue = new Workqueue<string>({ clock: ctx.clock });
    const inf = ctx.informers.informerFor(JOBS);
    this.jobs = inf.lister();
    inf.addEventHandler({
      onAdd: (j) => this.enqueueIfNeeded(j),
      onUpdate: (_a, b) => this.enqueueIfNeeded(b),
    });
  }

  async run(signal: AbortSignal): Promise<void> {
    if (!(await this.ctx.informers.waitForCacheSync(signal))) return;
    await runWorkers(this.queue, (key) => this.process(key), signal, { workers: this.ctx.workers, name: 'ttl-after-finished-controller', log });
  }

  private enqueueIfNeeded(job: KubeObject): void {
    try {
      if (needsCleanup(job)) this.queue.add(keyOf(job));
    } catch {
      // A finished condition without a time: nothing to schedule.
    }
  }

  async process(key: string): Promise<{ requeueAfter?: number } | void> {
    const { namespace, name } = splitKeyOf(key);
    const cached = this.jobs.get(namespace, name);
    if (!cached) return;
    const left = timeLeft(cached, this.ctx.clock.now());
    if (left === undefined) return;
    if (left > 0) return { requeueAfter: left };
    let fresh: KubeObject;
    try {
      fresh = await this.ctx.client.get(JOBS, namespace, name);
    } catch (e: unknown) {
      if (isNotFound(e)) return;
      throw e;
    }
    const freshLeft = timeLeft(fresh, this.ctx.clock.now());
    if (freshLeft === undefined) return;
    if (freshLeft > 0) return { requeueAfter: freshLeft };
    log.debug('cleaning up Job', { job: key });
    await this.ctx.client.delete(JOBS, namespace, name, { propagationPolicy: 'Foreground', preconditions: { uid: fresh.metadata!.uid } });
  }
}
