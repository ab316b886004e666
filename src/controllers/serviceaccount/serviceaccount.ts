import { isAlreadyExists, isConflict, isNotFound } from '../../apimachinery/status.js';
import type { KubeObject } from '../../apimachinery/types.js';
import { gvr } from '../../client/api-client.js';
import { isTombstone } from '../../client/indexer.js';
import { runWorkers, Workqueue } from '../../client/workqueue.js';
import type { Controller, ControllerContext } from '../framework/index.js';

const NAMESPACES = gvr('v1', 'namespaces');
const SERVICEACCOUNTS = gvr('v1', 'serviceaccounts');
const CONFIGMAPS = gvr('v1', 'configmaps');
export const ROOT_CA_CONFIGMAP = 'kube-root-ca.crt';
const ROOT_CA_DESCRIPTION =
  'Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters.';

const active = (ns: KubeObject | undefined) => !!ns && !ns.metadata?.deletionTimestamp && (ns.status as { phase?: string } | undefined)?.phase !== 'Terminating';

/** Runs `ensure(namespace)` for every active namespace, and again when `watched` objects change. */
abstract class PerNamespace implements Controller {
  abstract readonly name: string;
  protected readonly queue: Workqueue<string>;

  constructor(protected readonly ctx: ControllerContext) {
    this.queue = new Workqueue<string>({ clock: ctx.clock });
  }

  protected abstract watchedName: string;
  protected abstract watched: ReturnType<typeof gvr>;
  protected abstract ensure(namespace: string): Promise<void>;

  async run(signal: AbortSignal): Promise<void> {
    const nsInf = this.ctx.informers.informerFor(NAMESPACES);
    const objInf = this.ctx.informers.informerFor(this.watched);
    nsInf.addEventHandler({ onAdd: (o) => this.queue.add(o.metadata!.name!), onUpdate: (_a, b) => this.queue.add(b.metadata!.name!) });
    const onObj = (o: KubeObject) => {
      if (o.metadata?.name === this.watchedName && o.metadata.namespace) this.queue.add(o.metadata.namespace);
    };
    objInf.addEventHandler({ onUpdate: (_a, b) => onObj(b), onDelete: (o) => onObj(isTombstone(o) ? o.obj! : o) });
    if (!(await nsInf.waitForSync(signal)) || !(await objInf.waitForSync(signal))) return;
    await runWorkers(
      this.queue,
      async (ns) => {
        if (!active(nsInf.lister().get('', ns))) return;
        await this.ensure(ns);
      },
      signal,
      { workers: this.ctx.workers, name: this.name },
    );
  }
}

/** The serviceaccount controller: a `default` ServiceAccount in every active namespace, re-created if deleted. */
export class ServiceAccountController extends PerNamespace {
  readonly name = 'serviceaccount';
  protected watchedName = 'default';
  protected watched = SERVICEACCOUNTS;

  protected async ensure(ns: string): Promise<void> {
    try {
      await this.ctx.client.get(SERVICEACCOUNTS, ns, 'default');
      return;
    } catch (e: unknown) {
      if (!isNotFound(e)) throw e;
    }
    try {
      await this.ctx.client.create(SERVICEACCOUNTS, ns, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default' } });
    } catch (e: unknown) {
      // A namespace being deleted refuses new content: nothing to do then.
      if (!isAlreadyExists(e) && !isNotFound(e) && (e as { code?: number }).code !== 403) throw e;
    }
  }
}

/**
 * The root-ca-certificate-publisher: a `kube-root-ca.crt` ConfigMap with the cluster CA
 * (key ca.crt) in every active namespace, restored if changed or deleted.
 */
export class RootCaPublisher extends PerNamespace {
  readonly name = 'root-ca-certificate-publisher';
  protected watchedName = ROOT_CA_CONFIGMAP;
  protected watched = CONFIGMAPS;

  protected async ensure(ns: string): Promise<void> {
    const pem = this.ctx.rootCaPem;
    if (!pem) return;
    let cur: KubeObject | undefined;
    try {
      cur = await this.ctx.client.get(CONFIGMAPS, ns, ROOT_CA_CONFIGMAP);
    } catch (e: unknown) {
      if (!isNotFound(e)) throw e;
    }
    const data = { 'ca.crt': pem };
    const annotations = { 'kubernetes.io/description': ROOT_CA_DESCRIPTION };
    try {
      if (!cur) {
        await this.ctx.client.create(CONFIGMAPS, ns, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: ROOT_CA_CONFIGMAP, annotations }, data });
        return;
      }
      const curData = (cur.data ?? {}) as Record<string, string>;
      if (Object.keys(curData).length === 1 && curData['ca.crt'] === pem && cur.metadata?.annotations?.['kubernetes.io/description'] === ROOT_CA_DESCRIPTION) return;
      await this.ctx.client.update(CONFIGMAPS, ns, { ...cur, metadata: { ...cur.metadata, annotations: { ...(cur.metadata?.annotations ?? {}), ...annotations } }, data });
    } catch (e: unknown) {
      if (!isAlreadyExists(e) && !isConflict(e) && !isNotFound(e) && (e as { code?: number }).code !== 403) throw e;
    }
  }
}
