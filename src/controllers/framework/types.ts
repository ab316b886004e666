import type { ApiClient } from '../../client/api-client.js';
import type { EventRecorder } from '../../client/event-recorder.js';
import type { SharedInformerFactory } from '../../client/informer-factory.js';
import type { Clock } from '../../util/clock.js';
import type { Discovery } from './discovery.js';

/**
 * What every controller gets from the controller-manager. Controllers read through the shared
 * informers (one watch per resource for all controllers) and write through `client`; they
 * never touch storage.
 */
export interface ControllerContext {
  client: ApiClient;
  informers: SharedInformerFactory;
  clock: Clock;
  /** The event recorder of a component (e.g. "deployment-controller"), one per name, already running. */
  recorder(component: string): EventRecorder;
  /** Workers per controller unless a controller has its own reason (upstream's --concurrent-*-syncs). */
  workers: number;
  /** The resources the API serves (preferred versions), for controllers that act on all of them. */
  discovery: Discovery;
  /** The cluster CA certificate (PEM) published as the kube-root-ca.crt ConfigMap. */
  rootCaPem?: string;
}

/**
 * A control loop. Constructors start nothing: `run(signal)` registers informer handlers,
 * waits for the caches it needs, runs its workers and resolves once they have stopped after
 * `signal` aborted. As ARCHITECTURE.md section 4: reconcile(key) works from current state
 * (the informer caches and the API), never from the event that triggered it; throwing
 * requeues the key with rate-limited backoff.
 */
export interface Controller {
  readonly name: string;
  run(signal: AbortSignal): Promise<void>;
}

export type ControllerFactory = (ctx: ControllerContext) => Controller;
