import { isAlreadyExists } from '../../apimachinery/status.js';
import type { KubeObject } from '../../apimachinery/types.js';
import { gvr } from '../../client/api-client.js';
import { isTombstone } from '../../client/indexer.js';
import type { Lister } from '../../client/lister.js';
import { runWorkers, Workqueue } from '../../client/workqueue.js';
import { logger } from '../../util/log.js';
import { isNamespaceTerminating } from '../framework/pod-control.js';
import type { Controller, ControllerContext } from '../framework/types.js';

const log = logger('serviceaccount-controller');

export const NAMESPACES = gvr('v1', 'namespaces');
export const SERVICE_ACCOUNTS = gvr('v1', 'serviceaccounts');
/** The ServiceAccounts every namespace gets (upstream's default: just "default"). */
export const DEFAULT_SERVICE_ACCOUNTS = ['default'] as const;

const phaseOf = (ns: KubeObject | undefined) => (ns?.status as { phase?: string } | undefined)?.phase;

/**
 * The serviceaccount controller, as kube-controller-manager's "serviceaccount": every
 * Active namespace has a `default` ServiceAccount; one deleted is created again. Creation
 * in a namespace that is being terminated is not an error.
 */
export class ServiceAccountController implements Controller {
  readonly name = 'serviceaccount';
  private readonly queue: Workqueue<string>;
  private readonly namespaces: Lister;
  private readonly accounts: Lister;

  constructor(private readonly ctx: ControllerContext) {
    this.queue = new Workqueue<string>({ clock: ctx.clock });
    const nsInf = ctx.informers.informerFor(NAMESPACES);
    const saInf = ctx.informers.informerFor(SERVICE_ACCOUNTS);
    this.namespaces = nsInf.lister();
    this.accounts = saInf.lister();
    nsInf.addEventHandler({ onAdd: (o) => this.queue.add(o.metadata!.name!), onUpdate: (_a, b) => this.queue.add(b.metadata!.name!) });
    saInf.addEventHandler({
      onDelete: (o) => {
        const sa = isTombstone(o) ? o.obj : o;
        if (sa?.metadata?.namespace) this.queue.add(sa.metadata.namespace);
      },
    });
  }

  async run(signal: AbortSignal): Promise<void> {
    const synced = await Promise.all([NAMESPACES, SERVICE_ACCOUNTS].map((g) => this.ctx.informers.informerFor(g).waitForSync(signal)));
    if (!synced.every(Boolean)) return;
    await runWorkers(this.queue, (ns) => this.syncNamespace(ns), signal, { workers: this.ctx.workers, name: 'serviceaccount-controller', log });
  }

  async syncNamespace(name: string): Promise<void> {
    const ns = this.namespaces.get('', name);
    if (!ns || phaseOf(ns) !== 'Active') return;
    const failures: unknown[] = [];
    for (const sa of DEFAULT_SERVICE_ACCOUNTS) {
      if (this.accounts.get(name, sa)) continue;
      try {
        await this.ctx.client.create(SERVICE_ACCOUNTS, name, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: sa, namespace: name } });
      } catch (e: unknown) {
        if (!isAlreadyExists(e) && !isNamespaceTerminating(e)) failures.push(e);
      }
    }
    if (failures.length) throw failures[0];
  }
}
