import { isNotFound } from '../apimachinery/status.js';
import { isObject, type KubeObject } from '../apimachinery/types.js';
import { realClock, type Clock } from '../util/clock.js';
import { logger } from '../util/log.js';
import { gvr, type ApiClient } from './api-client.js';
import { sleepUnlessAborted } from './backoff.js';
import { microTime } from './time-format.js';

const log = logger('leader-election');

export const LEASES = gvr('coordination.k8s.io/v1', 'leases');

/** What the leader election needs of a Lease's spec (client-go's LeaderElectionRecord). */
export interface LeaderElectionRecord {
  holderIdentity: string;
  leaseDurationSeconds: number;
  acquireTime: string;
  renewTime: string;
  leaseTransitions: number;
}

export interface LeaderCallbacks {
  /** Called on becoming leader; `signal` aborts when leadership is lost or the run is cancelled. */
  onStartedLeading(signal: AbortSignal): void | Promise<void>;
  /** Called once after leading ends (only if this candidate led). */
  onStoppedLeading?(): void;
  /** Called whenever the observed holder changes (including to this candidate, and to ''). */
  onNewLeader?(identity: string): void;
}

export interface LeaderElectionOptions {
  client: ApiClient;
  /** The Lease coordinating the candidates. */
  namespace: string;
  name: string;
  /** This candidate's unique identity (e.g. hostname plus a random suffix). */
  identity: string;
  callbacks: LeaderCallbacks;
  clock?: Clock;
  /** How long others wait, after last seeing the lease change, before taking it over (default 15). */
  leaseDurationSeconds?: number;
  /** How long the leader keeps retrying a failed renewal before stepping down (default 10 s). */
  renewDeadlineMs?: number;
  /** Interval between attempts (default 2 s). */
  retryPeriodMs?: number;
  /** On cancel, the leader clears the lease so another candidate can take over at once. */
  releaseOnCancel?: boolean;
  random?: () => number;
}

/** Jitter of the acquire loop, as client-go's JitterFactor. */
const JITTER = 1.2;

/**
 * Leader election on a coordination.k8s.io/v1 Lease, as client-go's leaderelection package.
 *
 * A candidate acquires the lease when it is absent, released (no holder) or expired, and
 * the leader renews it every `retryPeriodMs`. Expiry is judged by the candidate's own clock:
 * a lease is expired when its content has not changed for `leaseDurationSeconds` since this
 * candidate last saw it change (the renewTime written by another host's clock is never
 * compared to ours). Every write carries the resourceVersion read before it, so of two
 * candidates racing for the same lease only one write succeeds. The leader steps down when
 * it could not renew within `renewDeadlineMs`; since that is shorter than the lease duration
 * (checked on construction), the old leader has stopped before anyone else may take over.
 *
 * Lease fields written as upstream: holderIdentity, leaseDurationSeconds, acquireTime (kept
 * while the same holder renews), renewTime, leaseTransitions (incremented on every change
 * of holder); times in MicroTime format from the injected clock.
 *
 * `run(signal)` campaigns until it leads, leads until leadership is lost or `signal` aborts,
 * then returns (call it again to campaign again). It does not wait for the work started by
 * onStartedLeading, which must honour its signal.
 */
export class LeaderElector {
  private readonly client: ApiClient;
  private readonly clock: Clock;
  private readonly leaseDurationSeconds: number;
  private readonly renewDeadlineMs: number;
  private readonly retryPeriodMs: number;
  private readonly random: () => number;
  private observed: LeaderElectionRecord | undefined;
  private observedRaw = '';
  /** Our clock's time when `observed` last changed. */
  private observedTime = 0;
  /** The lease as last read or written (its resourceVersion guards our next write). */
  private lease: KubeObject | undefined;
  private reportedLeader: string | undefined;

  constructor(private readonly opts: LeaderElectionOptions) {
    this.client = opts.client;
    this.clock = opts.clock ?? realClock;
    this.leaseDurationSeconds = opts.leaseDurationSeconds ?? 15;
    this.renewDeadlineMs = opts.renewDeadlineMs ?? 10_000;
    this.retryPeriodMs = opts.retryPeriodMs ?? 2_000;
    this.random = opts.random ?? Math.random;
    if (!opts.identity) throw new Error('leader election: identity must not be empty');
    if (!Number.isInteger(this.leaseDurationSeconds) || this.leaseDurationSeconds < 1) {
      throw new Error('leader election: leaseDurationSeconds must be a positive integer');
    }
    // As client-go's validation: leaseDuration > renewDeadline > jitter * retryPeriod.
    if (this.leaseDurationSeconds * 1000 <= this.renewDeadlineMs) {
      throw new Error('leader election: leaseDuration must be greater than renewDeadline');
    }
    if (this.renewDeadlineMs <= JITTER * this.retryPeriodMs) {
      throw new Error(`leader election: renewDeadline must be greater than retryPeriod*${JITTER}`);
    }
  }

  /** True while this candidate holds the lease as last observed. */
  isLeader(): boolean {
    return this.observed?.holderIdentity === this.opts.identity;
  }

  /** The holder as last observed ('' when none). */
  getLeader(): string {
    return this.observed?.holderIdentity ?? '';
  }

  async run(signal: AbortSignal): Promise<void> {
    if (!(await this.acquire(signal))) return;
    const leading = new AbortController();
    const onAbort = () => leading.abort();
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      try {
        const work = this.opts.callbacks.onStartedLeading(leading.signal);
        if (work && typeof work.then === 'function') {
          work.then(undefined, (e: unknown) => log.error('onStartedLeading failed', { lease: this.leaseName, error: e }));
        }
      } catch (e: unknown) {
        log.error('onStartedLeading failed', { lease: this.leaseName, error: e });
      }
      await this.renew(leading.signal);
    } finally {
      signal.removeEventListener('abort', onAbort);
      leading.abort();
      // As client-go: release is attempted whenever leading ends (it checks we still hold it).
      if (this.opts.releaseOnCancel) await this.release();
      try {
        this.opts.callbacks.onStoppedLeading?.();
      } catch (e: unknown) {
        log.error('onStoppedLeading failed', { lease: this.leaseName, error: e });
      }
    }
  }

  private get leaseName(): string {
    return `${this.opts.namespace}/${this.opts.name}`;
  }

  /** Tries until the lease is ours (true) or `signal` aborts (false). */
  private async acquire(signal: AbortSignal): Promise<boolean> {
    log.info('attempting to acquire leader lease', { lease: this.leaseName, identity: this.opts.identity });
    while (!signal.aborted) {
      const ok = await this.tryAcquireOrRenew();
      this.maybeReportTransition();
      if (ok && !signal.aborted) {
        log.info('successfully acquired lease', { lease: this.leaseName, identity: this.opts.identity });
        return true;
      }
      if (ok) return false;
      const wait = this.retryPeriodMs + this.random() * JITTER * this.retryPeriodMs;
      if (!(await sleepUnlessAborted(this.clock, wait, signal))) return false;
    }
    return false;
  }

  /**
   * Renews every retry period; returns when a renewal failed for renewDeadline, or on abort.
   * (client-go renews once more right after acquiring; the lease was just written, so the
   * first renewal here waits one retry period.)
   */
  private async renew(signal: AbortSignal): Promise<void> {
    if (!(await sleepUnlessAborted(this.clock, this.retryPeriodMs, signal))) return;
    while (!signal.aborted) {
      const deadline = this.clock.now() + this.renewDeadlineMs;
      let renewed = false;
      while (!signal.aborted) {
        const left = deadline - this.clock.now();
        if (left <= 0) break;
        if (await this.withDeadline(this.tryAcquireOrRenew(), left)) {
          renewed = true;
          break;
        }
        const wait = Math.min(this.retryPeriodMs, deadline - this.clock.now());
        if (wait <= 0 || !(await sleepUnlessAborted(this.clock, wait, signal))) break;
      }
      this.maybeReportTransition();
      if (signal.aborted) return;
      if (!renewed) {
        log.info('failed to renew lease; leadership lost', { lease: this.leaseName, identity: this.opts.identity });
        return;
      }
      if (!(await sleepUnlessAborted(this.clock, this.retryPeriodMs, signal))) return;
    }
  }

  /** `p`'s result, or false when it takes longer than `ms` on the injected clock. */
  private withDeadline(p: Promise<boolean>, ms: number): Promise<boolean> {
    return new Promise((resolve) => {
      let done = false;
      const cancel = this.clock.setTimer(() => {
        if (!done) {
          done = true;
          resolve(false);
        }
      }, ms);
      p.then(
        (v) => {
          cancel();
          if (!done) {
            done = true;
            resolve(v);
          }
        },
        () => {
          cancel();
          if (!done) {
            done = true;
            resolve(false);
          }
        },
      );
    });
  }

  private isLeaseValid(now: number): boolean {
    return this.observed !== undefined && this.observedTime + this.observed.leaseDurationSeconds * 1000 > now;
  }

  private setObserved(rec: LeaderElectionRecord, at: number): void {
    this.observed = rec;
    this.observedRaw = JSON.stringify(rec);
    this.observedTime = at;
  }

  /** One attempt, as client-go's tryAcquireOrRenew; true when the lease is ours afterwards. */
  private async tryAcquireOrRenew(): Promise<boolean> {
    const { namespace, name, identity } = this.opts;
    const now = this.clock.now();
    const stamp = microTime(now);
    const desired: LeaderElectionRecord = {
      holderIdentity: identity,
      leaseDurationSeconds: this.leaseDurationSeconds,
      acquireTime: stamp,
      renewTime: stamp,
      leaseTransitions: 0,
    };

    // Fast path: the leader writes over the lease it last saw, skipping the read.
    if (this.isLeader() && this.isLeaseValid(now) && this.lease) {
      desired.acquireTime = this.observed!.acquireTime;
      desired.leaseTransitions = this.observed!.leaseTransitions;
      try {
        this.lease = await this.client.update(LEASES, namespace, withRecord(this.lease, desired));
        this.setObserved(desired, this.clock.now());
        return true;
      } catch (e: unknown) {
        log.info('optimistic lease update failed; reading it again', { lease: this.leaseName, error: e });
      }
    }

    let current: KubeObject;
    try {
      current = await this.client.get(LEASES, namespace, name);
    } catch (e: unknown) {
      if (!isNotFound(e)) {
        log.error('error retrieving lease', { lease: this.leaseName, error: e });
        return false;
      }
      try {
        this.lease = await this.client.create(LEASES, namespace, withRecord({ apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name, namespace } }, desired));
      } catch (e2: unknown) {
        log.info('error creating lease', { lease: this.leaseName, error: e2 });
        return false;
      }
      this.setObserved(desired, this.clock.now());
      return true;
    }

    this.lease = current;
    const old = recordOf(current);
    if (JSON.stringify(old) !== this.observedRaw) this.setObserved(old, this.clock.now());
    if (old.holderIdentity !== '' && this.isLeaseValid(now) && !this.isLeader()) {
      log.debug('lease is held by another candidate and has not expired', { lease: this.leaseName, holder: old.holderIdentity });
      return false;
    }
    if (this.isLeader()) {
      desired.acquireTime = old.acquireTime;
      desired.leaseTransitions = old.leaseTransitions;
    } else {
      desired.leaseTransitions = old.leaseTransitions + 1;
    }
    try {
      this.lease = await this.client.update(LEASES, namespace, withRecord(current, desired));
    } catch (e: unknown) {
      log.info('failed to update lease', { lease: this.leaseName, error: e });
      return false;
    }
    this.setObserved(desired, this.clock.now());
    return true;
  }

  /** Gives the lease up (no holder, 1 s duration) if we hold it, as client-go's release. */
  private async release(): Promise<void> {
    try {
      const current = await this.client.get(LEASES, this.opts.namespace, this.opts.name);
      this.lease = current;
      const old = recordOf(current);
      if (JSON.stringify(old) !== this.observedRaw) this.setObserved(old, this.clock.now());
      if (!this.isLeader()) return;
      const stamp = microTime(this.clock.now());
      const rec: LeaderElectionRecord = { holderIdentity: '', leaseDurationSeconds: 1, acquireTime: stamp, renewTime: stamp, leaseTransitions: old.leaseTransitions };
      this.lease = await this.client.update(LEASES, this.opts.namespace, withRecord(current, rec));
      this.setObserved(rec, this.clock.now());
      this.maybeReportTransition();
      log.info('released lease', { lease: this.leaseName, identity: this.opts.identity });
    } catch (e: unknown) {
      log.error('failed to release lease', { lease: this.leaseName, error: e });
    }
  }

  private maybeReportTransition(): void {
    if (!this.observed || this.observed.holderIdentity === this.reportedLeader) return;
    this.reportedLeader = this.observed.holderIdentity;
    try {
      this.opts.callbacks.onNewLeader?.(this.reportedLeader);
    } catch (e: unknown) {
      log.error('onNewLeader failed', { lease: this.leaseName, error: e });
    }
  }
}

/** The record a Lease carries (missing fields read as zero values). */
export function recordOf(lease: KubeObject): LeaderElectionRecord {
  const spec = isObject(lease.spec) ? lease.spec : {};
  return {
    holderIdentity: typeof spec.holderIdentity === 'string' ? spec.holderIdentity : '',
    leaseDurationSeconds: typeof spec.leaseDurationSeconds === 'number' ? spec.leaseDurationSeconds : 0,
    acquireTime: typeof spec.acquireTime === 'string' ? spec.acquireTime : '',
    renewTime: typeof spec.renewTime === 'string' ? spec.renewTime : '',
    leaseTransitions: typeof spec.leaseTransitions === 'number' ? spec.leaseTransitions : 0,
  };
}

/** `lease` with its spec's election fields set to `rec` (other spec fields kept). */
function withRecord(lease: KubeObject, rec: LeaderElectionRecord): KubeObject {
  return { ...lease, spec: { ...(isObject(lease.spec) ? lease.spec : {}), ...rec } };
}
