import type { KubeObject } from '../../apimachinery/index.js';
import type { ApiClient, EventType, Lister } from '../../client/index.js';
import type { Clock } from '../../util/clock.js';
import type { Deployment } from './types.js';

/**
 * What the sync steps (sync.ts, rolling.ts, recreate.ts, progress.ts, rollback.ts) need from
 * the controller. One instance serves every worker; the steps of one Deployment's sync run on
 * one worker only (the workqueue never hands a key to two workers).
 */
export interface SyncContext {
  client: ApiClient;
  clock: Clock;
  /** The ReplicaSet cache (read-only objects). */
  rsLister: Lister;
  /** Records an event about the Deployment (component deployment-controller). */
  eventf(d: Deployment, type: EventType, reason: string, messageFmt: string, ...args: unknown[]): void;
  /** Syncs the Deployment again after `ms`. */
  enqueueAfter(d: Deployment, ms: number): void;
  /** Syncs the Deployment again after the rate limiter's delay. */
  enqueueRateLimited(d: Deployment): void;
}

/** Pods of the Deployment grouped by the uid of the ReplicaSet controlling them (cache objects). */
export type PodMap = Map<string, KubeObject[]>;
