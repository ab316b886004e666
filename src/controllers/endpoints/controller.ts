import { labelSelectorAsSelector } from '../../apimachinery/labels.js';
import { isAlreadyExists, isConflict, isNotFound } from '../../apimachinery/status.js';
import type { KubeObject } from '../../apimachinery/types.js';
import { gvr } from '../../client/api-client.js';
import { isTombstone } from '../../client/indexer.js';
import type { Lister } from '../../client/lister.js';
import { runWorkers, Workqueue } from '../../client/workqueue.js';
import { deepEqual } from '../../util/deep.js';
import { logger } from '../../util/log.js';
import { keyOf, newControllerRef, splitKeyOf, type Controller, type ControllerContext } from '../framework/index.js';
import { eligible, hostnameFor, podIP, portsFor, ready } from './compute.js';

const log = logger('endpoints-controller');
const SERVICES = gvr('v1', 'services');
const PODS = gvr('v1', 'pods');
const ENDPOINTS = gvr('v1', 'endpoints');
const SLICES = gvr('discovery.k8s.io/v1', 'endpointslices');
const MANAGED_BY = 'endpointslice.kubernetes.io/managed-by';
const SLICE_CONTROLLER = 'endpointslice-controller.k8s.io';
const SERVICE_NAME = 'kubernetes.io/service-name';
const MAX_PER_SLICE = 100;

type Obj = Record<string, unknown>;

function selectorOf(svc: KubeObject): Record<string, string> | undefined {
  const sel = (svc.spec as Obj | undefined)?.selector as Record<string, string> | undefined;
  return sel && Object.keys(sel).length ? sel : undefined;
}

/** Runs `reconcile(serviceKey)` whenever a Service or one of the pods it may select changes. */
abstract class ServiceWatcher implements Controller {
  abstract readonly name: string;
  protected readonly queue: Workqueue<string>;
  protected readonly services: Lister;
  protected readonly pods: Lister;

  constructor(protected readonly ctx: ControllerContext) {
    this.queue = new Workqueue<string>({ clock: ctx.clock });
    const svcInf = ctx.informers.informerFor(SERVICES);
    const podInf = ctx.informers.informerFor(PODS);
    this.services = svcInf.lister();
    this.pods = podInf.lister();
    svcInf.addEventHandler({
      onAdd: (s) => this.queue.add(keyOf(s)),
      onUpdate: (_a, s) => this.queue.add(keyOf(s)),
      onDelete: (s) => this.queue.add(isTombstone(s) ? s.key : keyOf(s)),
    });
    const podChanged = (p: KubeObject) => {
      for (const s of this.services.namespace(p.metadata?.namespace ?? '').list()) {
        const sel = selectorOf(s);
        if (sel && Object.entries(sel).every(([k, v]) => p.metadata?.labels?.[k] === v)) this.queue.add(keyOf(s));
      }
    };
    podInf.addEventHandler({
      onAdd: podChanged,
      onUpdate: (a, b) => {
        podChanged(b);
        if (!deepEqual(a.metadata?.labels, b.metadata?.labels)) podChanged(a);
      },
      onDelete: (o) => {
        const p = isTombstone(o) ? o.obj : o;
        if (p) podChanged(p);
      },
    });
  }

  async run(signal: AbortSignal): Promise<void> {
    if (!(await this.ctx.informers.waitForCacheSync(signal))) return;
    await runWorkers(this.queue, (key) => this.reconcile(key), signal, { workers: this.ctx.workers, name: this.name, log });
  }

  protected selected(svc: KubeObject): KubeObject[] {
    const sel = labelSelectorAsSelector({ matchLabels: selectorOf(svc) ?? {} });
    return this.pods
      .namespace(svc.metadata!.namespace!)
      .list()
      .filter((p) => sel.matches(p.metadata?.labels ?? {}) && eligible(p))
      .sort((a, b) => String(a.metadata?.name).localeCompare(String(b.metadata?.name)));
  }

  abstract reconcile(key: string): Promise<void>;
}

/**
 * The endpoints controller, as upstream's: for every Service with a selector, an Endpoints
 * object of the same name listing the selected pods' IPs — ready ones as addresses, the
 * others as notReadyAddresses (all ready with publishNotReadyAddresses) — grouped into
 * subsets by the ports they serve (named target ports resolved per pod); terminating pods
 * are left out. Endpoints of deleted Services are deleted.
 */
export class EndpointsController extends ServiceWatcher {
  readonly name = 'endpoints';

  async reconcile(key: string): Promise<void> {
    const { namespace, name } = splitKeyOf(key);
    const svc = this.services.get(namespace, name);
    if (!svc) {
      // The apiserver keeps default/kubernetes itself.
      if (namespace === 'default' && name === 'kubernetes') return;
      try {
        await this.ctx.client.delete(ENDPOINTS, namespace, name);
      } catch (e: unknown) {
        if (!isNotFound(e)) throw e;
      }
      return;
    }
    if (!selectorOf(svc)) return;
    const groups = new Map<string, { ports: unknown[]; addresses: Obj[]; notReadyAddresses: Obj[] }>();
    for (const pod of this.selected(svc)) {
      if (pod.metadata?.deletionTimestamp) continue;
      const ports = portsFor(pod, svc);
      const gk = JSON.stringify(ports);
      let g = groups.get(gk);
      if (!g) groups.set(gk, (g = { ports, addresses: [], notReadyAddresses: [] }));
      const host = hostnameFor(pod, svc);
      const addr = {
        ip: podIP(pod),
        ...(host ? { hostname: host } : {}),
        ...((pod.spec as Obj | undefined)?.nodeName ? { nodeName: (pod.spec as Obj).nodeName } : {}),
        targetRef: { kind: 'Pod', namespace: pod.metadata!.namespace, name: pod.metadata!.name, uid: pod.metadata!.uid },
      };
      (ready(pod, svc) ? g.addresses : g.notReadyAddresses).push(addr);
    }
    const subsets = [...groups.values()]
      .filter((g) => (g.addresses.length || g.notReadyAddresses.length) && (g.ports.length || !(svc.spec as Obj).ports || ((svc.spec as Obj).clusterIP === 'None')))
      .map((g) => ({
        ...(g.addresses.length ? { addresses: g.addresses } : {}),
        ...(g.notReadyAddresses.length ? { notReadyAddresses: g.notReadyAddresses } : {}),
        ...(g.ports.length ? { ports: g.ports } : {}),
      }));
    const labels: Record<string, string> = { ...(svc.metadata?.labels ?? {}) };
    if ((svc.spec as Obj).clusterIP === 'None') labels['service.kubernetes.io/headless'] = '';
    let cur: KubeObject | undefined;
    try {
      cur = await this.ctx.client.get(ENDPOINTS, namespace, name);
    } catch (e: unknown) {
      if (!isNotFound(e)) throw e;
    }
    const desired: KubeObject = { apiVersion: 'v1', kind: 'Endpoints', metadata: { name, namespace, labels }, ...(subsets.length ? { subsets } : {}) };
    try {
      if (!cur) {
        await this.ctx.client.create(ENDPOINTS, namespace, desired);
        return;
      }
      if (deepEqual(cur.subsets ?? [], subsets) && deepEqual(cur.metadata?.labels ?? {}, labels)) return;
      await this.ctx.client.update(ENDPOINTS, namespace, { ...cur, metadata: { ...cur.metadata, labels }, subsets: subsets.length ? subsets : undefined });
    } catch (e: unknown) {
      // Another write won, or the namespace is going away: the next event brings us back.
      if (!isConflict(e) && !isAlreadyExists(e) && !isNotFound(e) && (e as { code?: number }).code !== 403) throw e;
      if (isConflict(e) || isAlreadyExists(e)) this.queue.addAfter(key, 100);
    }
  }
}

/**
 * The endpointslice controller, as upstream's: EndpointSlices (addressType IPv4, at most 100
 * endpoints each, labelled with the service name and managed-by, owned by the Service) with
 * one endpoint per selected pod and the conditions ready / serving / terminating.
 */
export class EndpointSliceController extends ServiceWatcher {
  readonly name = 'endpointslice';

  async reconcile(key: string): Promise<void> {
    const { namespace, name } = splitKeyOf(key);
    const svc = this.services.get(namespace, name);
    const existing = (await this.ctx.client.list(SLICES, namespace, { labelSelector: `${SERVICE_NAME}=${name},${MANAGED_BY}=${SLICE_CONTROLLER}` })).items;
    if (!svc || !selectorOf(svc)) {
      // Slices of a deleted Service go with it through their owner reference (garbage collector).
      return;
    }
    const byPorts = new Map<string, { ports: unknown[]; endpoints: Obj[] }>();
    for (const pod of this.selected(svc)) {
      const ports = portsFor(pod, svc).map((p) => ({ name: p.name ?? '', port: p.port, protocol: p.protocol, ...(p.appProtocol ? { appProtocol: p.appProtocol } : {}) }));
      const gk = JSON.stringify(ports);
      let g = byPorts.get(gk);
      if (!g) byPorts.set(gk, (g = { ports, endpoints: [] }));
      const terminating = !!pod.metadata?.deletionTimestamp;
      const serving = ready(pod, svc);
      const host = hostnameFor(pod, svc);
      g.endpoints.push({
        addresses: [podIP(pod)],
        conditions: { ready: serving && !terminating, serving, terminating },
        ...(host ? { hostname: host } : {}),
        ...((pod.spec as Obj | undefined)?.nodeName ? { nodeName: (pod.spec as Obj).nodeName } : {}),
        targetRef: { kind: 'Pod', namespace: pod.metadata!.namespace, name: pod.metadata!.name, uid: pod.metadata!.uid },
      });
    }
    const desired: { ports: unknown[]; endpoints: Obj[] }[] = [];
    for (const g of byPorts.values()) for (let i = 0; i < g.endpoints.length; i += MAX_PER_SLICE) desired.push({ ports: g.ports, endpoints: g.endpoints.slice(i, i + MAX_PER_SLICE) });
    // A Service without ready pods still gets one (empty) slice, as upstream.
    if (!desired.length) desired.push({ ports: (svc.spec as Obj).ports ? (servicePortsAsSlicePorts(svc)) : [], endpoints: [] });
    const labels = { ...(svc.metadata?.labels ?? {}), [SERVICE_NAME]: name, [MANAGED_BY]: SLICE_CONTROLLER };
    const owner = newControllerRef(svc, 'v1', 'Service');
    const sorted = [...existing].sort((a, b) => String(a.metadata?.name).localeCompare(String(b.metadata?.name)));
    try {
      for (const [i, d] of desired.entries()) {
        const cur = sorted[i];
        const body = { addressType: 'IPv4', endpoints: d.endpoints, ports: d.ports };
        if (!cur) {
          await this.ctx.client.create(SLICES, namespace, { apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', metadata: { generateName: `${name}-`, namespace, labels, ownerReferences: [owner] }, ...body });
          continue;
        }
        if (deepEqual(cur.endpoints ?? [], d.endpoints) && deepEqual(cur.ports ?? [], d.ports) && deepEqual(cur.metadata?.labels ?? {}, labels)) continue;
        await this.ctx.client.update(SLICES, namespace, { ...cur, metadata: { ...cur.metadata, labels }, ...body });
      }
      for (const extra of sorted.slice(desired.length)) await this.ctx.client.delete(SLICES, namespace, extra.metadata!.name!);
    } catch (e: unknown) {
      if (isConflict(e) || isAlreadyExists(e)) {
        this.queue.addAfter(key, 100);
        return;
      }
      if (!isNotFound(e) && (e as { code?: number }).code !== 403) throw e;
    }
  }
}

function servicePortsAsSlicePorts(svc: KubeObject): unknown[] {
  return ((((svc.spec as Obj).ports as { name?: string; port: number; protocol?: string; targetPort?: unknown }[]) ?? [])
    .filter((p) => typeof (p.targetPort ?? p.port) === 'number')
    .map((p) => ({ name: p.name ?? '', port: Number(p.targetPort ?? p.port), protocol: p.protocol ?? 'TCP' })));
}
