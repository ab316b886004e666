import type { KubeObject } from '../../apimachinery/types.js';
import { gvr } from '../../client/api-client.js';
import { EventType, type EventRecorder } from '../../client/event-recorder.js';
import { isTombstone } from '../../client/indexer.js';
import type { Lister } from '../../client/lister.js';
import { runWorkers, Workqueue } from '../../client/workqueue.js';
import { logger } from '../../util/log.js';
import {
  ANNOTATION_LAST_CHANGE_TRIGGER_TIME,
  podServiceKeys,
  rfc3339Nano,
  selectorOf,
  selects,
  serviceSpec,
  servicesToUpdateOnPodChange,
  TriggerTimeTracker,
} from '../endpointutil/index.js';
import { isNamespaceTerminating } from '../framework/pod-control.js';
import { keyOf, splitKeyOf } from '../framework/owner-refs.js';
import type { Controller, ControllerContext } from '../framework/types.js';
import { CONTROLLER_NAME, LABEL_MANAGED_BY, LABEL_SERVICE_NAME, MAX_ENDPOINTS_PER_SLICE, reconcile, type EndpointSlice } from './reconciler.js';
import { EndpointSliceTracker } from './tracker.js';

const log = logger('endpointslice-controller');

export const SERVICES = gvr('v1', 'services');
export const PODS = gvr('v1', 'pods');
export const NODES = gvr('v1', 'nodes');
export const ENDPOINT_SLICES = gvr('discovery.k8s.io/v1', 'endpointslices');

const managedByUs = (s: KubeObject) => s.metadata?.labels?.[LABEL_MANAGED_BY] === CONTROLLER_NAME;
const serviceKeyOfSlice = (s: KubeObject) => {
  const name = s.metadata?.labels?.[LABEL_SERVICE_NAME];
  return name ? `${s.metadata?.namespace}/${name}` : undefined;
};

export interface EndpointSliceControllerOptions {
  /** Default MAX_ENDPOINTS_PER_SLICE (upstream's --max-endpoints-per-slice). */
  maxEndpointsPerSlice?: number;
}

/**
 * The EndpointSlice controller, as kube-controller-manager's "endpointslice": for every
 * Service with a selector (not ExternalName), discovery.k8s.io/v1 EndpointSlices named
 * `<service>-xxxxx`, owned by the Service (controller reference), labelled
 * kubernetes.io/service-name and endpointslice.kubernetes.io/managed-by, one or more per
 * address type and port set with at most 100 endpoints each, holding every selected pod with
 * an IP (terminating ones included) and its ready/serving/terminating conditions. Slices of
 * a deleted Service go with it through the garbage collector.
 */
export class EndpointSliceController implements Controller {
  readonly name = 'endpointslice';
  private readonly queue: Workqueue<string>;
  private readonly services: Lister;
  private readonly pods: Lister;
  private readonly nodes: Lister;
  private readonly slices: Lister<EndpointSlice>;
  private readonly recorder: EventRecorder;
  private readonly triggers = new TriggerTimeTracker();
  private readonly tracker = new EndpointSliceTracker();
  private readonly maxPerSlice: number;

  constructor(
    private readonly ctx: ControllerContext,
    opts: EndpointSliceControllerOptions = {},
  ) {
    this.maxPerSlice = opts.maxEndpointsPerSlice ?? MAX_ENDPOINTS_PER_SLICE;
    this.queue = new Workqueue<string>({ clock: ctx.clock });
    this.recorder = ctx.recorder('endpoint-slice-controller');
    const svcInf = ctx.informers.informerFor(SERVICES);
    const podInf = ctx.informers.informerFor(PODS);
    const nodeInf = ctx.informers.informerFor(NODES);
    const sliceInf = ctx.informers.informerFor(ENDPOINT_SLICES);
    this.services = svcInf.lister();
    this.pods = podInf.lister();
    this.nodes = nodeInf.lister();
    this.slices = sliceInf.lister<EndpointSlice>();
    svcInf.addEventHandler({
      onAdd: (o) => this.queue.add(keyOf(o)),
      onUpdate: (_a, b) => this.queue.add(keyOf(b)),
      onDelete: (o) => {
        const svc = isTombstone(o) ? o.obj : o;
        if (!svc) return;
        this.tracker.deleteService(svc.metadata!.namespace!, svc.metadata!.name!);
        this.queue.add(keyOf(svc));
      },
    });
    podInf.addEventHandler({
      onAdd: (pod) => this.addAll(podServiceKeys(this.services, pod)),
      onUpdate: (old, pod) => this.addAll(servicesToUpdateOnPodChange(this.services, old, pod)),
      onDelete: (o) => {
        const pod = isTombstone(o) ? o.obj : o;
        if (pod) this.addAll(podServiceKeys(this.services, pod));
      },
    });
    sliceInf.addEventHandler({
      onAdd: (s) => {
        if (managedByUs(s) && this.tracker.shouldSync(s)) this.enqueueSlice(s);
      },
      onUpdate: (old, s) => {
        // Labels moved the slice to or from us or another Service: sync both sides.
        if (managedByUs(old) !== managedByUs(s) || serviceKeyOfSlice(old) !== serviceKeyOfSlice(s)) {
          if (managedByUs(old)) this.enqueueSlice(old);
          if (managedByUs(s)) this.enqueueSlice(s);
          return;
        }
        if (managedByUs(s) && this.tracker.shouldSync(s)) this.enqueueSlice(s);
      },
      onDelete: (o) => {
        const s = isTombstone(o) ? o.obj : o;
        if (s && managedByUs(s) && this.tracker.handleDeletion(s)) this.enqueueSlice(s);
      },
    });
  }

  private addAll(keys: Iterable<string>): void {
    for (const k of keys) this.queue.add(k);
  }

  private enqueueSlice(s: KubeObject): void {
    const key = serviceKeyOfSlice(s);
    if (key) this.queue.add(key);
  }

  async run(signal: AbortSignal): Promise<void> {
    const synced = await Promise.all([SERVICES, PODS, NODES, ENDPOINT_SLICES].map((g) => this.ctx.informers.informerFor(g).waitForSync(signal)));
    if (!synced.every(Boolean)) return;
    await runWorkers(this.queue, (key) => this.syncService(key), signal, { workers: this.ctx.workers, name: 'endpointslice-controller', log });
  }

  async syncService(key: string): Promise<void> {
    const { namespace, name } = splitKeyOf(key);
    const svc = this.services.get(namespace, name);
    if (!svc) {
      // Its slices go with it (ownerReferences); only the bookkeeping is left.
      this.triggers.deleteService(namespace, name);
      this.tracker.deleteService(namespace, name);
      return;
    }
    if (serviceSpec(svc).type === 'ExternalName') return;
    const selector = selectorOf(svc);
    if (!selector) return;
    const pods = this.pods
      .namespace(namespace)
      .list()
      .filter((p) => selects(selector, p.metadata?.labels))
      .sort((a, b) => (a.metadata!.name! < b.metadata!.name! ? -1 : 1));
    const slices = this.slices
      .namespace(namespace)
      .list()
      .filter((s) => s.metadata?.labels?.[LABEL_SERVICE_NAME] === name && managedByUs(s) && !s.metadata?.deletionTimestamp)
      .sort((a, b) => (a.metadata!.name! < b.metadata!.name! ? -1 : 1));
    if (this.tracker.stale(key, slices)) throw new Error('EndpointSlice informer cache is out of date');
    const triggerTime = this.triggers.compute(svc, pods);
    try {
      await this.apply(svc, pods, slices, triggerTime);
    } catch (e: unknown) {
      this.recorder.eventf(svc, EventType.Warning, 'FailedToUpdateEndpointSlices', 'Error updating Endpoint Slices for Service %s/%s: %v', namespace, name, (e as Error).message);
      throw e;
    }
  }

  private async apply(svc: KubeObject, pods: KubeObject[], slices: EndpointSlice[], triggerTime: number): Promise<void> {
    const ns = svc.metadata!.namespace!;
    const plan = reconcile({ service: svc, pods, slices, nodes: (n) => this.nodes.get('', n), maxEndpointsPerSlice: this.maxPerSlice });
    const stamp = (s: EndpointSlice) => {
      const annotations = { ...(s.metadata?.annotations ?? {}) };
      if (triggerTime) annotations[ANNOTATION_LAST_CHANGE_TRIGGER_TIME] = rfc3339Nano(triggerTime);
      else delete annotations[ANNOTATION_LAST_CHANGE_TRIGGER_TIME];
      s.metadata = { ...s.metadata, annotations: Object.keys(annotations).length ? annotations : undefined };
      return s;
    };
    // Creating while the Service is being deleted would race the garbage collector.
    if (!svc.metadata?.deletionTimestamp) {
      for (const s of plan.create) {
        try {
          this.tracker.update(await this.ctx.client.create(ENDPOINT_SLICES, ns, stamp(s)));
        } catch (e: unknown) {
          if (isNamespaceTerminating(e)) return;
          throw new Error(`failed to create EndpointSlice for Service ${ns}/${svc.metadata!.name}: ${(e as Error).message}`);
        }
      }
    }
    for (const s of plan.update) {
      try {
        this.tracker.update(await this.ctx.client.update(ENDPOINT_SLICES, ns, stamp(s)));
      } catch (e: unknown) {
        throw new Error(`failed to update ${s.metadata?.name} EndpointSlice for Service ${ns}/${svc.metadata!.name}: ${(e as Error).message}`);
      }
    }
    for (const s of plan.delete) {
      try {
        await this.ctx.client.delete(ENDPOINT_SLICES, ns, s.metadata!.name!);
        this.tracker.expectDeletion(s);
      } catch (e: unknown) {
        throw new Error(`failed to delete ${s.metadata?.name} EndpointSlice for Service ${ns}/${svc.metadata!.name}: ${(e as Error).message}`);
      }
    }
    if (plan.errors.length) throw new Error(plan.errors.length === 1 ? plan.errors[0] : `[${plan.errors.join(', ')}]`);
  }
}
