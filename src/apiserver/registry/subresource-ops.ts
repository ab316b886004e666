import { fieldErrors } from '../../apimachinery/field-errors.js';
import { errors } from '../../apimachinery/status.js';
import { isObject, type KubeObject } from '../../apimachinery/types.js';
import type { Clock } from '../../util/clock.js';
import { deepClone } from '../../util/deep.js';
import type { DeleteOptions, RequestContext } from './context.js';
import type { ResourceStore, StoredObject } from './resource-store.js';

/**
 * The subresource operations that are not plain reads/writes of the object, shared by the
 * HTTP handlers and the in-process client: scale, binding, eviction, namespace finalize,
 * and the partial writes (ephemeralcontainers, approval).
 */

/** Selector of a scalable object in its string form, as the Scale subresource reports it. */
export function selectorString(sel: unknown): string {
  if (!isObject(sel)) return '';
  const parts: string[] = [];
  const ml = isObject(sel.matchLabels) ? (sel.matchLabels as Record<string, string>) : undefined;
  // matchLabels-only selectors (and plain maps, as ReplicationController's) print as k=v.
  const plain = ml ?? (sel.matchExpressions === undefined ? (sel as Record<string, string>) : undefined);
  for (const k of Object.keys(plain ?? {}).sort()) parts.push(`${k}=${String(plain![k])}`);
  if (Array.isArray(sel.matchExpressions)) {
    for (const e of sel.matchExpressions as { key: string; operator: string; values?: string[] }[]) {
      const vals = [...(e.values ?? [])].sort().join(',');
      if (e.operator === 'In') parts.push(`${e.key} in (${vals})`);
      else if (e.operator === 'NotIn') parts.push(`${e.key} notin (${vals})`);
      else if (e.operator === 'Exists') parts.push(e.key);
      else if (e.operator === 'DoesNotExist') parts.push(`!${e.key}`);
    }
  }
  return parts.sort().join(',');
}

/** A CRD's scale subresource: where replicas and the selector live (`.spec.replicas`). */
export interface ScalePaths {
  specReplicasPath: string;
  statusReplicasPath: string;
  labelSelectorPath?: string;
}

function atPath(o: unknown, path: string): unknown {
  let cur = o;
  for (const seg of path.replace(/^\./, '').split('.')) {
    if (!isObject(cur)) return undefined;
    cur = cur[seg];
  }
  return cur;
}

function setPath(o: Record<string, unknown>, path: string, v: unknown): void {
  const segs = path.replace(/^\./, '').split('.');
  let cur = o;
  for (const seg of segs.slice(0, -1)) cur = (isObject(cur[seg]) ? cur[seg] : (cur[seg] = {})) as Record<string, unknown>;
  cur[segs[segs.length - 1]!] = v;
}

/** The autoscaling/v1 Scale view of a scalable object (custom resources: by their CRD's paths). */
export function scaleOf(o: KubeObject, paths?: ScalePaths): KubeObject {
  const spec = isObject(o.spec) ? o.spec : {};
  const status = isObject(o.status) ? o.status : {};
  const meta = o.metadata!;
  if (paths) {
    const specReplicas = atPath(o, paths.specReplicasPath);
    const statusReplicas = atPath(o, paths.statusReplicasPath);
    const selector = paths.labelSelectorPath ? atPath(o, paths.labelSelectorPath) : undefined;
    return {
      kind: 'Scale',
      apiVersion: 'autoscaling/v1',
      metadata: { name: meta.name, namespace: meta.namespace, uid: meta.uid, resourceVersion: meta.resourceVersion, creationTimestamp: meta.creationTimestamp },
      spec: { replicas: typeof specReplicas === 'number' ? specReplicas : 0 },
      status: { replicas: typeof statusReplicas === 'number' ? statusReplicas : 0, ...(typeof selector === 'string' && selector ? { selector } : {}) },
    };
  }
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: {
      name: meta.name,
      namespace: meta.namespace,
      uid: meta.uid,
      resourceVersion: meta.resourceVersion,
      creationTimestamp: meta.creationTimestamp,
    },
    spec: { replicas: typeof spec.replicas === 'number' ? spec.replicas : 1 },
    status: {
      replicas: typeof status.replicas === 'number' ? status.replicas : 0,
      selector: selectorString(spec.selector),
    },
  };
}

/** Writes a Scale: `change` maps the current Scale to the desired one. */
export async function updateScale(
  rs: ResourceStore,
  ctx: RequestContext,
  namespace: string,
  name: string,
  change: (scale: KubeObject) => unknown,
): Promise<KubeObject> {
  const paths = rs.desc.extra?.scale as ScalePaths | undefined;
  const { object } = await rs.update(ctx, namespace, name, (cur) => {
    const current = cur!;
    const desired = change(scaleOf(current, paths));
    if (!isObject(desired) || (desired.kind !== undefined && desired.kind !== 'Scale')) {
      throw errors.badRequest('the body of a scale request must be an autoscaling/v1 Scale');
    }
    const replicas = isObject(desired.spec) ? desired.spec.replicas : undefined;
    if (typeof replicas !== 'number' || !Number.isInteger(replicas) || replicas < 0) {
      throw errors.invalid({ group: 'autoscaling', kind: 'Scale' }, name, [
        fieldErrors.invalid('spec.replicas', replicas, 'must be greater than or equal to 0'),
      ]);
    }
    if (paths) setPath(current as Record<string, unknown>, paths.specReplicasPath, replicas);
    else (current.spec as Record<string, unknown>).replicas = replicas;
    const rv = isObject(desired.metadata) ? desired.metadata.resourceVersion : undefined;
    current.metadata!.resourceVersion = typeof rv === 'string' && rv ? rv : undefined;
    return current;
  }, { subresource: 'scale' });
  return scaleOf(object.obj, paths);
}

/** Binds a pod to a node, as the pods/binding subresource does. */
export async function bindPod(
  rs: ResourceStore,
  ctx: RequestContext,
  namespace: string,
  podName: string,
  body: unknown,
  clock: Clock,
): Promise<void> {
  if (!isObject(body) || !isObject(body.target)) {
    throw errors.invalid({ group: '', kind: 'Binding' }, podName, [fieldErrors.required('target')]);
  }
  const target = body.target as { kind?: string; name?: string };
  if (target.kind && target.kind !== 'Node') {
    throw errors.invalid({ group: '', kind: 'Binding' }, podName, [fieldErrors.notSupported('target.kind', target.kind, ['Node'])]);
  }
  const nodeName = target.name ?? '';
  const meta = isObject(body.metadata) ? body.metadata : {};
  const bindingAnnotations = isObject(meta.annotations) ? (meta.annotations as Record<string, string>) : undefined;
  const uid = typeof meta.uid === 'string' ? meta.uid : undefined;
  await rs.update(
    ctx,
    namespace,
    podName,
    (cur) => {
      const pod = cur!;
      if (pod.metadata?.deletionTimestamp) {
        throw errors.conflict({ group: '', resource: 'pods' }, podName, 'pod is being deleted, cannot be assigned to a host');
      }
      if (uid && pod.metadata?.uid !== uid) {
        throw errors.conflict(
          { group: '', resource: 'pods' },
          podName,
          `Precondition failed: UID in precondition: ${uid}, UID in object meta: ${pod.metadata?.uid}`,
        );
      }
      const spec = pod.spec as Record<string, unknown>;
      if (spec.nodeName) {
        throw errors.conflict({ group: '', resource: 'pods' }, podName, `pod ${podName} is already assigned to node "${String(spec.nodeName)}"`);
      }
      spec.nodeName = nodeName;
      if (bindingAnnotations) pod.metadata!.annotations = { ...pod.metadata!.annotations, ...bindingAnnotations };
      const status = (pod.status ??= {}) as Record<string, unknown>;
      const conditions = (Array.isArray(status.conditions) ? status.conditions : []) as Record<string, unknown>[];
      const now = new Date(Math.floor(clock.now() / 1000) * 1000).toISOString().replace('.000Z', 'Z');
      const existing = conditions.find((c) => c.type === 'PodScheduled');
      if (existing) {
        if (existing.status !== 'True') {
          existing.status = 'True';
          existing.lastTransitionTime = now;
          delete existing.reason;
          delete existing.message;
        }
      } else {
        conditions.push({ type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: now });
      }
      status.conditions = conditions;
      return pod;
    },
    { subresource: 'binding' },
  );
}

/** Decides whether an eviction may proceed (PodDisruptionBudgets); throws 429 when not. */
export type EvictionCheck = (pod: KubeObject, ctx: RequestContext) => Promise<void>;

/** Evicts a pod: the disruption check, then a delete with the eviction's options. */
export async function evictPod(
  rs: ResourceStore,
  ctx: RequestContext,
  namespace: string,
  name: string,
  body: unknown,
  check?: EvictionCheck,
): Promise<void> {
  if (!isObject(body)) throw errors.badRequest('the body of an eviction must be a policy/v1 Eviction');
  const evictionName = isObject(body.metadata) ? body.metadata.name : undefined;
  if (evictionName !== undefined && evictionName !== name) throw errors.badRequest('name in URL does not match name in Eviction object');
  const pod = await rs.get(namespace, name);
  if (check) await check(pod.obj, ctx);
  const deleteOptions = (isObject(body.deleteOptions) ? body.deleteOptions : {}) as DeleteOptions;
  await rs.delete(ctx, namespace, name, deleteOptions);
}

/** namespaces/finalize: only spec.finalizers may change; an emptied terminating namespace goes. */
export async function finalizeNamespace(rs: ResourceStore, ctx: RequestContext, name: string, body: unknown): Promise<StoredObject> {
  if (!isObject(body)) throw errors.badRequest('the body of the request must be a Namespace');
  const spec = isObject(body.spec) ? body.spec : {};
  const { object } = await rs.update(
    ctx,
    '',
    name,
    (cur) => {
      const out = cur!;
      const finalizers = Array.isArray(spec.finalizers) ? spec.finalizers : [];
      out.spec = { ...(isObject(out.spec) ? out.spec : {}), finalizers };
      if (finalizers.length === 0) delete (out.spec as Record<string, unknown>).finalizers;
      if (isObject(body.metadata) && body.metadata.resourceVersion) out.metadata!.resourceVersion = String(body.metadata.resourceVersion);
      return out;
    },
    { subresource: 'finalize' },
  );
  return object;
}

/** For /ephemeralcontainers and /approval: keep everything of `current` but that part of `desired`. */
export function keepOnlyPart(sub: string, desired: KubeObject, current: KubeObject): KubeObject {
  const out = deepClone(current);
  out.metadata = { ...out.metadata, resourceVersion: desired.metadata?.resourceVersion };
  if (sub === 'ephemeralcontainers') {
    const spec = isObject(desired.spec) ? desired.spec : {};
    (out.spec as Record<string, unknown>).ephemeralContainers = spec.ephemeralContainers;
  } else if (sub === 'approval') {
    const status = isObject(desired.status) ? desired.status : {};
    out.status = { ...(isObject(out.status) ? out.status : {}), conditions: status.conditions };
  }
  return out;
}
