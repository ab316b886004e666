import type { KubeObject } from '../../apimachinery/types.js';
import type { Lister } from '../../client/lister.js';
import { runWorkers, Workqueue, type ReconcileResult } from '../../client/workqueue.js';
import { logger } from '../../util/log.js';
import type { Controller, ControllerContext } from '../framework/types.js';
import { NAMESPACES, NamespacedResourcesDeleter, ResourcesRemainingError } from './deleter.js';

const log = logger('namespace-controller');

/**
 * How long a namespace event waits before it is processed, as upstream: lets every API
 * server's admission see the deletion (no new content) and late creations reach storage.
 */
export const NAMESPACE_DELETION_GRACE_MS = 5_000;
/** Upstream's --namespace-sync-period default. */
export const NAMESPACE_RESYNC_MS = 5 * 60_000;

export interface NamespaceControllerOptions {
  /** Default NAMESPACE_DELETION_GRACE_MS. */
  deletionGraceMs?: number;
}

/**
 * The namespace controller, as kube-controller-manager's "namespace": a namespace with a
 * deletionTimestamp has its content deleted by NamespacedResourcesDeleter, pass after pass
 * (again after half the estimate while content is going away), until the "kubernetes"
 * finalizer can be removed.
 */
export class NamespaceController implements Controller {
  readonly name = 'namespace';
  private readonly queue: Workqueue<string>;
  private readonly namespaces: Lister;
  private readonly deleter: NamespacedResourcesDeleter;
  private readonly graceMs: number;

  constructor(
    private readonly ctx: ControllerContext,
    opts: NamespaceControllerOptions = {},
  ) {
    this.queue = new Workqueue<string>({ clock: ctx.clock });
    this.graceMs = opts.deletionGraceMs ?? NAMESPACE_DELETION_GRACE_MS;
    this.deleter = new NamespacedResourcesDeleter({ client: ctx.client, discovery: ctx.discovery, clock: ctx.clock });
    const inf = ctx.informers.informerFor(NAMESPACES);
    this.namespaces = inf.lister();
    inf.addEventHandler({ onAdd: (o) => this.enqueue(o), onUpdate: (_a, b) => this.enqueue(b) }, { resyncPeriodMs: NAMESPACE_RESYNC_MS });
  }

  private enqueue(ns: KubeObject): void {
    if (!ns.metadata?.deletionTimestamp) return;
    this.queue.addAfter(ns.metadata.name!, this.graceMs);
  }

  async run(signal: AbortSignal): Promise<void> {
    if (!(await this.ctx.informers.informerFor(NAMESPACES).waitForSync(signal))) return;
    await runWorkers(this.queue, (name) => this.reconcile(name), signal, { workers: this.ctx.workers, name: 'namespace-controller', log });
  }

  async reconcile(name: string): Promise<ReconcileResult | void> {
    if (!this.namespaces.get('', name)) return;
    try {
      await this.deleter.delete(name);
    } catch (e: unknown) {
      if (!(e instanceof ResourcesRemainingError)) throw e;
      log.debug('content remaining', { namespace: name, estimateSeconds: e.estimate });
      const ms = Math.floor(e.estimate / 2) * 1000;
      if (ms > 0) return { requeueAfter: ms };
      this.queue.add(name);
    }
  }
}
