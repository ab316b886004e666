import { isNotFound } from '../../apimachinery/status.js';
import type { KubeObject } from '../../apimachinery/types.js';
import { gvr } from '../../client/api-client.js';
import { isTombstone } from '../../client/indexer.js';
import type { Lister } from '../../client/lister.js';
import { runWorkers, Workqueue } from '../../client/workqueue.js';
import { deepEqual } from '../../util/deep.js';
import { logger } from '../../util/log.js';
import { isNamespaceTerminating } from '../framework/pod-control.js';
import type { Controller, ControllerContext } from '../framework/types.js';

const log = logger('root-ca-cert-publisher');

const NAMESPACES = gvr('v1', 'namespaces');
const CONFIG_MAPS = gvr('v1', 'configmaps');
export const ROOT_CA_CONFIGMAP = 'kube-root-ca.crt';
export const DESCRIPTION_ANNOTATION = 'kubernetes.io/description';
export const ROOT_CA_DESCRIPTION =
  'Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters.';

const phaseOf = (ns: KubeObject) => (ns.status as { phase?: string } | undefined)?.phase;

/**
 * The root CA publisher, as kube-controller-manager's "root-ca-certificate-publisher": every
 * namespace has a ConfigMap `kube-root-ca.crt` whose data is exactly {ca.crt: the cluster
 * CA PEM}, annotated with its description; one edited or deleted is restored. Without a CA
 * (ControllerContext.rootCaPem unset) it does nothing.
 */
export class RootCaCertPublisher implements Controller {
  readonly name = 'root-ca-certificate-publisher';
  private readonly queue: Workqueue<string>;
  private readonly configMaps: Lister;

  constructor(private readonly ctx: ControllerContext) {
    this.queue = new Workqueue<string>({ clock: ctx.clock });
    const nsInf = ctx.informers.informerFor(NAMESPACES);
    const cmInf = ctx.informers.informerFor(CONFIG_MAPS);
    this.configMaps = cmInf.lister();
    nsInf.addEventHandler({
      onAdd: (o) => this.queue.add(o.metadata!.name!),
      onUpdate: (_a, b) => {
        if (phaseOf(b) === 'Active') this.queue.add(b.metadata!.name!);
      },
    });
    const onConfigMap = (o: KubeObject | undefined) => {
      if (o?.metadata?.name === ROOT_CA_CONFIGMAP && o.metadata.namespace) this.queue.add(o.metadata.namespace);
    };
    cmInf.addEventHandler({ onUpdate: (_a, b) => onConfigMap(b), onDelete: (o) => onConfigMap(isTombstone(o) ? o.obj : o) });
  }

  async run(signal: AbortSignal): Promise<void> {
    if (!this.ctx.rootCaPem) {
      log.warn('no root CA given; not publishing kube-root-ca.crt');
      return;
    }
    const synced = await Promise.all([NAMESPACES, CONFIG_MAPS].map((g) => this.ctx.informers.informerFor(g).waitForSync(signal)));
    if (!synced.every(Boolean)) return;
    await runWorkers(this.queue, (ns) => this.syncNamespace(ns), signal, { workers: this.ctx.workers, name: 'root-ca-cert-publisher', log });
  }

  async syncNamespace(ns: string): Promise<void> {
    const data = { 'ca.crt': this.ctx.rootCaPem! };
    const cm = this.configMaps.get(ns, ROOT_CA_CONFIGMAP);
    if (!cm) {
      try {
        await this.ctx.client.create(CONFIG_MAPS, ns, {
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: { name: ROOT_CA_CONFIGMAP, namespace: ns, annotations: { [DESCRIPTION_ANNOTATION]: ROOT_CA_DESCRIPTION } },
          data,
        });
      } catch (e: unknown) {
        // A namespace that is gone or terminating will not take it; nothing to retry.
        if (isNotFound(e) || isNamespaceTerminating(e)) return;
        throw e;
      }
      return;
    }
    if (deepEqual(cm.data ?? {}, data) && cm.metadata?.annotations?.[DESCRIPTION_ANNOTATION]) return;
    const next = structuredClone(cm);
    next.data = data;
    next.metadata = { ...next.metadata, annotations: { ...(next.metadata?.annotations ?? {}), [DESCRIPTION_ANNOTATION]: ROOT_CA_DESCRIPTION } };
    await this.ctx.client.update(CONFIG_MAPS, ns, next);
  }
}
