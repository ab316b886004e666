import { isForbidden, isNotFound } from '../../apimachinery/status.js';
import type { KubeObject } from '../../apimachinery/types.js';
import { gvr } from '../../client/api-client.js';
import { EventType, type EventRecorder } from '../../client/event-recorder.js';
import { isTombstone } from '../../client/indexer.js';
import type { Lister } from '../../client/lister.js';
import { runWorkers, Workqueue } from '../../client/workqueue.js';
import { deepEqual } from '../../util/deep.js';
import { logger } from '../../util/log.js';
import {
  ANNOTATION_LAST_CHANGE_TRIGGER_TIME,
  findPort,
  isIPv6,
  isServiceIPSet,
  LABEL_HEADLESS,
  podIPs,
  podServiceKeys,
  podSpec,
  rfc3339Nano,
  selectorOf,
  selects,
  serviceSpec,
  servicesToUpdateOnPodChange,
  shouldPodBeInEndpoints,
  shouldSetHostname,
  TriggerTimeTracker,
} from '../endpointutil/index.js';
import { isNamespaceTerminating } from '../framework/pod-control.js';
import { isPodReady } from '../framework/pods.js';
import { keyOf, splitKeyOf } from '../framework/owner-refs.js';
import type { Controller, ControllerContext } from '../framework/types.js';
import {
  ANNOTATION_OVER_CAPACITY,
  capacityAnnotationSetCorrectly,
  repackSubsets,
  subsetsEqualIgnoringResourceVersion,
  truncateSubsets,
  type EndpointAddress,
  type EndpointSubset,
} from './subsets.js';

const log = logger('endpoints-controller');

export const SERVICES = gvr('v1', 'services');
export const PODS = gvr('v1', 'pods');
export const ENDPOINTS = gvr('v1', 'endpoints');
/** Endpoints carrying this annotation are leader-election locks, never left-overs. */
const LEADER_ANNOTATION = 'control-plane.alpha.kubernetes.io/leader';

/** The address of `pod` for the Service's (first) IP family, as upstream's podToEndpointAddressForService. */
export function podAddressForService(svc: KubeObject, pod: KubeObject): EndpointAddress | undefined {
  const spec = serviceSpec(svc);
  let v6: boolean;
  if (spec.ipFamilies?.length) v6 = spec.ipFamilies[0] === 'IPv6';
  else if (isServiceIPSet(svc)) v6 = isIPv6(spec.clusterIP!);
  else v6 = isIPv6(podIPs(pod)[0] ?? '');
  const ip = podIPs(pod).find((x) => isIPv6(x) === v6);
  if (!ip) return undefined;
  const addr: EndpointAddress = { ip };
  const node = podSpec(pod).nodeName;
  if (node) addr.nodeName = node;
  addr.targetRef = { kind: 'Pod', namespace: pod.metadata?.namespace, name: pod.metadata?.name, uid: pod.metadata?.uid };
  return addr;
}

/**
 * The subsets a Service's Endpoints should have for these pods (already selected), as
 * upstream's syncService: pods that should be in endpoints, one address per pod (ready
 * unless its Ready condition is false and publishNotReadyAddresses is off), its hostname
 * when its subdomain names the Service, each Service port resolved against the pod's
 * containers (pods lacking a named port are left out of that port); a headless Service
 * without ports lists addresses alone. Returns the repacked subsets and the counts.
 */
export function desiredSubsets(svc: KubeObject, pods: KubeObject[]): { subsets: EndpointSubset[]; ready: number; notReady: number } {
  const spec = serviceSpec(svc);
  const tolerate = spec.publishNotReadyAddresses === true;
  const subsets: EndpointSubset[] = [];
  let ready = 0;
  let notReady = 0;
  const add = (pod: KubeObject, addr: EndpointAddress, port: EndpointSubset['ports']) => {
    if (tolerate || isPodReady(pod)) {
      subsets.push({ addresses: [addr], ports: port });
      ready++;
    } else {
      subsets.push({ notReadyAddresses: [addr], ports: port });
      notReady++;
    }
  };
  for (const pod of pods) {
    if (!shouldPodBeInEndpoints(pod, tolerate)) continue;
    const base = podAddressForService(svc, pod);
    if (!base) {
      log.debug('failed to find an endpoint for the service', { service: keyOf(svc), pod: keyOf(pod) });
      continue;
    }
    const addr = { ...base };
    if (shouldSetHostname(pod, svc)) addr.hostname = podSpec(pod).hostname;
    const ports = spec.ports ?? [];
    if (!ports.length) {
      // Only a headless Service may have no ports.
      if (spec.clusterIP === 'None') add(pod, addr, undefined);
      continue;
    }
    for (const sp of ports) {
      const port = findPort(pod, sp);
      if (port === undefined) {
        log.debug('failed to find port for service', { service: keyOf(svc), pod: keyOf(pod), port: sp.name });
        continue;
      }
      const ep: NonNullable<EndpointSubset['ports']>[number] = { name: sp.name || undefined, port, protocol: sp.protocol ?? 'TCP' };
      if (sp.appProtocol) ep.appProtocol = sp.appProtocol;
      add(pod, addr, [ep]);
    }
  }
  return { subsets: repackSubsets(subsets), ready, notReady };
}

/**
 * The endpoints controller, as kube-controller-manager's "endpoints": for every Service with
 * a selector (not ExternalName), an Endpoints object of the same name whose subsets list the
 * selected pods (desiredSubsets), with the Service's labels (plus the headless label),
 * the last-change-trigger-time annotation and the over-capacity annotation beyond 1000
 * addresses. Endpoints of deleted Services are deleted; those of selector-less Services
 * (such as `kubernetes`) are left alone.
 */
export class EndpointsController implements Controller {
  readonly name = 'endpoints';
  private readonly queue: Workqueue<string>;
  private readonly services: Lister;
  private readonly pods: Lister;
  private readonly endpoints: Lister;
  private readonly recorder: EventRecorder;
  private readonly triggers = new TriggerTimeTracker();

  constructor(private readonly ctx: ControllerContext) {
    this.queue = new Workqueue<string>({ clock: ctx.clock });
    this.recorder = ctx.recorder('endpoint-controller');
    const svcInf = ctx.informers.informerFor(SERVICES);
    const podInf = ctx.informers.informerFor(PODS);
    const epInf = ctx.informers.informerFor(ENDPOINTS);
    this.services = svcInf.lister();
    this.pods = podInf.lister();
    this.endpoints = epInf.lister();
    const enqueue = (o: KubeObject | undefined) => o && this.queue.add(keyOf(o));
    svcInf.addEventHandler({ onAdd: enqueue, onUpdate: (_a, b) => enqueue(b), onDelete: (o) => enqueue(isTombstone(o) ? o.obj : o) });
    podInf.addEventHandler({
      onAdd: (pod) => this.addAll(podServiceKeys(this.services, pod)),
      onUpdate: (old, pod) => this.addAll(servicesToUpdateOnPodChange(this.services, old, pod)),
      onDelete: (o) => {
        const pod = isTombstone(o) ? o.obj : o;
        if (pod) this.addAll(podServiceKeys(this.services, pod));
      },
    });
    epInf.addEventHandler({ onDelete: (o) => enqueue(isTombstone(o) ? o.obj : o) });
  }

  private addAll(keys: Iterable<string>): void {
    for (const k of keys) this.queue.add(k);
  }

  async run(signal: AbortSignal): Promise<void> {
    const synced = await Promise.all([SERVICES, PODS, ENDPOINTS].map((g) => this.ctx.informers.informerFor(g).waitForSync(signal)));
    if (!synced.every(Boolean)) return;
    // As upstream: Endpoints left over from Services deleted while no controller ran.
    for (const ep of this.endpoints.list()) {
      if (ep.metadata?.annotations?.[LEADER_ANNOTATION] === undefined) this.queue.add(keyOf(ep));
    }
    await runWorkers(this.queue, (key) => this.syncService(key), signal, { workers: this.ctx.workers, name: 'endpoints-controller', log });
  }

  async syncService(key: string): Promise<void> {
    const { namespace, name } = splitKeyOf(key);
    const svc = this.services.get(namespace, name);
    if (!svc) {
      // The Service is gone: so is its Endpoints object.
      try {
        await this.ctx.client.delete(ENDPOINTS, namespace, name);
      } catch (e: unknown) {
        if (!isNotFound(e)) throw e;
      }
      this.triggers.deleteService(namespace, name);
      return;
    }
    const spec = serviceSpec(svc);
    if (spec.type === 'ExternalName') return;
    const selector = selectorOf(svc);
    if (!selector) return;

    const pods = this.pods
      .namespace(namespace)
      .list()
      .filter((p) => selects(selector, p.metadata?.labels))
      .sort((a, b) => (a.metadata!.name! < b.metadata!.name! ? -1 : 1));
    const triggerTime = this.triggers.compute(svc, pods);
    const { subsets, ready, notReady } = desiredSubsets(svc, pods);

    const current = this.endpoints.get(namespace, name);
    const creating = !current?.metadata?.resourceVersion;
    const base: KubeObject = current ? structuredClone(current) : { apiVersion: 'v1', kind: 'Endpoints', metadata: { name, namespace, labels: svc.metadata?.labels } };
    const svcLabels = svc.metadata?.labels ?? {};
    const compareLabels = { ...(base.metadata?.labels ?? {}) };
    delete compareLabels[LABEL_HEADLESS];
    if (
      !creating &&
      subsetsEqualIgnoringResourceVersion(base.subsets as EndpointSubset[] | undefined, subsets) &&
      deepEqual(compareLabels, svcLabels) &&
      capacityAnnotationSetCorrectly(base.metadata?.annotations, (base.subsets as EndpointSubset[] | undefined) ?? [])
    ) {
      return;
    }
    const annotations = { ...(base.metadata?.annotations ?? {}) };
    if (triggerTime) annotations[ANNOTATION_LAST_CHANGE_TRIGGER_TIME] = rfc3339Nano(triggerTime);
    else delete annotations[ANNOTATION_LAST_CHANGE_TRIGGER_TIME];
    if (truncateSubsets(subsets)) annotations[ANNOTATION_OVER_CAPACITY] = 'truncated';
    else delete annotations[ANNOTATION_OVER_CAPACITY];
    const labels: Record<string, string> = { ...svcLabels };
    if (!isServiceIPSet(svc)) labels[LABEL_HEADLESS] = '';
    const next: KubeObject = {
      ...base,
      apiVersion: 'v1',
      kind: 'Endpoints',
      // Empty maps are omitted, as the API's Go encoding does.
      metadata: {
        ...base.metadata,
        name,
        namespace,
        labels: Object.keys(labels).length ? labels : undefined,
        annotations: Object.keys(annotations).length ? annotations : undefined,
      },
      subsets: subsets.length ? subsets : undefined,
    };
    if (!next.subsets) delete next.subsets;
    log.debug('update endpoints', { service: key, readyEndpoints: ready, notreadyEndpoints: notReady });
    try {
      if (creating) await this.ctx.client.create(ENDPOINTS, namespace, next);
      else await this.ctx.client.update(ENDPOINTS, namespace, next);
    } catch (e: unknown) {
      // A terminating namespace refuses new objects: nothing to retry.
      if (creating && isForbidden(e) && isNamespaceTerminating(e)) return;
      const msg = (e as Error).message;
      if (creating) this.recorder.eventf(next, EventType.Warning, 'FailedToCreateEndpoint', 'Failed to create endpoint for service %v/%v: %v', namespace, name, msg);
      else this.recorder.eventf(next, EventType.Warning, 'FailedToUpdateEndpoint', 'Failed to update endpoint %v/%v: %v', namespace, name, msg);
      throw e;
    }
  }
}
