import { isNotFound, isStatusError } from '../../apimachinery/status.js';
import type { KubeObject } from '../../apimachinery/types.js';
import { nameIsDNSSubdomain } from '../../apimachinery/validation.js';
import { gvr, type ApiClient, type PatchType } from '../../client/api-client.js';
import { EventType, type EventRecorder, type ObjectReference } from '../../client/event-recorder.js';
import { deepClone } from '../../util/deep.js';
import type { OwnerReference } from './owner-refs.js';

export const PODS = gvr('v1', 'pods');

/** A pod template as controllers carry it (`spec.template`). */
export interface PodTemplateSpec {
  metadata?: { labels?: Record<string, string>; annotations?: Record<string, string>; finalizers?: string[]; [k: string]: unknown };
  spec?: Record<string, unknown>;
}

/** A reference to a controller object for its events (kind and apiVersion spelled out, as cached objects may lack them). */
export function controllerReference(obj: KubeObject, apiVersion: string, kind: string): ObjectReference {
  const m = obj.metadata ?? {};
  return { kind, apiVersion, namespace: m.namespace, name: m.name, uid: m.uid, resourceVersion: m.resourceVersion };
}

/**
 * The generateName prefix of a controller's pods: `<name>-`, or the bare name when that is
 * not a valid pod name prefix (as upstream's getPodsPrefix).
 */
export function podNamePrefix(controllerName: string): string {
  const prefix = `${controllerName}-`;
  return nameIsDNSSubdomain(prefix, true).length ? controllerName : prefix;
}

/**
 * A new pod from a template, as upstream's GetPodFromTemplate: the template's labels,
 * annotations, finalizers and spec (copied), generateName from the parent's name, and the
 * controller reference as its only owner.
 */
export function podFromTemplate(template: PodTemplateSpec, parentName: string, controllerRef?: OwnerReference): KubeObject {
  const tm = template.metadata ?? {};
  const metadata: Record<string, unknown> = { generateName: podNamePrefix(parentName) };
  metadata.labels = { ...(tm.labels ?? {}) };
  metadata.annotations = { ...(tm.annotations ?? {}) };
  if (tm.finalizers?.length) metadata.finalizers = [...tm.finalizers];
  if (controllerRef) metadata.ownerReferences = [{ ...controllerRef }];
  return { apiVersion: 'v1', kind: 'Pod', metadata, spec: deepClone(template.spec ?? {}) };
}

/** Whether a write failed because the namespace is being torn down (no event is recorded then). */
export function isNamespaceTerminating(e: unknown): boolean {
  return isStatusError(e) && (e.status.details?.causes ?? []).some((c) => c.reason === 'NamespaceTerminating');
}

/**
 * Creates, deletes and patches a controller's pods and records the events upstream's
 * RealPodControl records ("Created pod: x", "Deleted pod: x", "Error creating: ...").
 * Stateless; safe for concurrent use.
 */
export class PodControl {
  constructor(
    private readonly client: ApiClient,
    private readonly recorder: EventRecorder,
  ) {}

  /**
   * Creates a pod from `template` in `namespace` owned by `controllerRef`; `generateName`
   * overrides the prefix. A pod without labels is refused before any request, as upstream.
   * Returns the created pod; throws the API's error after recording FailedCreate.
   */
  async createPod(
    namespace: string,
    template: PodTemplateSpec,
    regarding: ObjectReference,
    controllerRef: OwnerReference,
    generateName?: string,
  ): Promise<KubeObject> {
    const pod = podFromTemplate(template, regarding.name ?? '', controllerRef);
    pod.metadata!.namespace = namespace;
    if (generateName) pod.metadata!.generateName = generateName;
    if (Object.keys(pod.metadata!.labels ?? {}).length === 0) throw new Error('unable to create pods, no labels');
    let created: KubeObject;
    try {
      created = await this.client.create(PODS, namespace, pod);
    } catch (e: unknown) {
      if (!isNamespaceTerminating(e)) this.recorder.eventf(regarding, EventType.Warning, 'FailedCreate', 'Error creating: %v', messageOf(e));
      throw e;
    }
    this.recorder.eventf(regarding, EventType.Normal, 'SuccessfulCreate', 'Created pod: %v', created.metadata?.name);
    return created;
  }

  /** Deletes a pod; NotFound is rethrown without an event (callers usually ignore it). */
  async deletePod(namespace: string, name: string, regarding: ObjectReference): Promise<void> {
    try {
      await this.client.delete(PODS, namespace, name);
    } catch (e: unknown) {
      if (isNotFound(e)) throw e;
      this.recorder.eventf(regarding, EventType.Warning, 'FailedDelete', 'Error deleting: %v', messageOf(e));
      throw e;
    }
    this.recorder.eventf(regarding, EventType.Normal, 'SuccessfulDelete', 'Deleted pod: %v', name);
  }

  async patchPod(namespace: string, name: string, patch: unknown, type: PatchType = 'strategic'): Promise<KubeObject> {
    return this.client.patch(PODS, namespace, name, type, patch);
  }
}

export function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
