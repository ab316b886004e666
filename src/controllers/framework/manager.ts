import { setMaxListeners } from 'node:events';
import type { ApiClient } from '../../client/api-client.js';
import { EventRecorder } from '../../client/event-recorder.js';
import { SharedInformerFactory } from '../../client/informer-factory.js';
import { LeaderElector } from '../../client/leader-election.js';
import { realClock, type Clock } from '../../util/clock.js';
import { logger } from '../../util/log.js';
import type { Discovery } from './discovery.js';
import type { Controller, ControllerContext, ControllerFactory } from './types.js';

const log = logger('controller-manager');

export interface LeaderElectionConfig {
  /** This instance's unique identity (default hostname_random). */
  identity: string;
  /** Lease namespace and name (default kube-system/kube-controller-manager). */
  namespace?: string;
  name?: string;
  leaseDurationSeconds?: number;
  renewDeadlineMs?: number;
  retryPeriodMs?: number;
}

export interface ControllerManagerOptions {
  client: ApiClient;
  /** Every controller this manager knows, by name. */
  controllers: Record<string, ControllerFactory>;
  /** Names to run (default: all of `controllers`). */
  enabled?: readonly string[];
  clock?: Clock;
  /** Without it this instance runs the controllers at once (single control plane). */
  leaderElection?: LeaderElectionConfig;
  workers?: number;
  /** The identity written on events' source.host. */
  host?: string;
  /** What the API serves (default: nothing, for managers whose controllers don't need it). */
  discovery?: Discovery;
  rootCaPem?: string;
}

/**
 * Runs a set of controllers over one shared informer factory, as kube-controller-manager:
 * with leader election only the instance holding the Lease runs them, and an instance that
 * loses the lease stops every controller before another may start (the elector's renew
 * deadline is shorter than the lease duration). On a clean stop the lease is released so a
 * standby takes over at once.
 */
export class ControllerManager {
  private readonly clock: Clock;

  constructor(private readonly opts: ControllerManagerOptions) {
    this.clock = opts.clock ?? realClock;
  }

  /** Resolves once every controller has stopped after `signal` aborted. */
  async run(signal: AbortSignal): Promise<void> {
    const le = this.opts.leaderElection;
    if (!le) return this.runControllers(signal);
    while (!signal.aborted) {
      let leading: Promise<void> | undefined;
      const lost = new AbortController();
      const onAbort = () => lost.abort();
      signal.addEventListener('abort', onAbort, { once: true });
      const elector = new LeaderElector({
        client: this.opts.client,
        namespace: le.namespace ?? 'kube-system',
        name: le.name ?? 'kube-controller-manager',
        identity: le.identity,
        clock: this.clock,
        leaseDurationSeconds: le.leaseDurationSeconds,
        renewDeadlineMs: le.renewDeadlineMs,
        retryPeriodMs: le.retryPeriodMs,
        releaseOnCancel: true,
        callbacks: {
          onStartedLeading: (leadSignal: AbortSignal) => {
            log.info('became leader; starting controllers', { identity: le.identity });
            const both = AbortSignal.any([leadSignal, lost.signal]);
            leading = this.runControllers(both);
          },
          onStoppedLeading: () => {
            lost.abort();
            if (!signal.aborted) log.warn('lost leadership; controllers stopped', { identity: le.identity });
          },
        },
      });
      try {
        await elector.run(signal);
      } finally {
        lost.abort();
        signal.removeEventListener('abort', onAbort);
        await leading;
      }
    }
  }

  private async runControllers(signal: AbortSignal): Promise<void> {
    // Every controller, informer and recorder listens on this one signal.
    setMaxListeners(1024, signal);
    const informers = new SharedInformerFactory({ client: this.opts.client, clock: this.clock });
    const recorders = new Map<string, EventRecorder>();
    const recorderRuns: Promise<void>[] = [];
    const ctx: ControllerContext = {
      client: this.opts.client,
      informers,
      clock: this.clock,
      workers: this.opts.workers ?? 2,
      discovery: this.opts.discovery ?? (async () => []),
      rootCaPem: this.opts.rootCaPem,
      recorder: (component) => {
        let r = recorders.get(component);
        if (!r) {
          r = new EventRecorder({ client: this.opts.client, component, host: this.opts.host, clock: this.clock });
          recorders.set(component, r);
          recorderRuns.push(r.run(signal));
        }
        return r;
      },
    };
    const names = this.opts.enabled ?? Object.keys(this.opts.controllers);
    const controllers: Controller[] = [];
    for (const name of names) {
      const factory = this.opts.controllers[name];
      if (!factory) throw new Error(`unknown controller ${JSON.stringify(name)}`);
      controllers.push(factory(ctx));
    }
    informers.start(signal);
    const runs = controllers.map(async (c) => {
      try {
        await c.run(signal);
      } catch (e: unknown) {
        if (!signal.aborted) log.error('controller stopped with an error', { controller: c.name, error: e });
      }
    });
    await Promise.all(runs);
    await informers.shutdown();
    await Promise.all(recorderRuns);
  }
}
