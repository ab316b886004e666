import { fieldErrors } from '../../apimachinery/field-errors.js';
import { errors } from '../../apimachinery/status.js';
import { isObject, type KubeObject } from '../../apimachinery/types.js';
import type { Clock } from '../../util/clock.js';
import { deepClone } from '../../util/deep.js';
import { readBody, sendObject, writeWarnings } from '../http.js';
import { bodyKind, decodeBody, negotiateOutput } from '../negotiation.js';
import type { RequestContext } from '../registry/context.js';
import type { ResourceStore, StoredObject } from '../registry/resource-store.js';
import { applyPatchBody } from './patch-adapter.js';
import { patchObject, requestContext, resourceNotFound, type ResourceRequest } from './resources.js';
import { transformOne } from './transform.js';

/** The streaming subresources the kubelet serves; until a node can serve them, a clear error. */
export type StreamingHandler = (r: ResourceRequest, rs: ResourceStore, namespace: string) => Promise<void>;

export interface SubresourceDeps {
  clock: Clock;
  /** pods/log, exec, attach, portforward and node/service/pod proxy, when a kubelet serves them. */
  streaming?: StreamingHandler;
  /** Decides pods/eviction (PodDisruptionBudgets); absent: evictions are always allowed. */
  evictionCheck?: (pod: KubeObject, ctx: RequestContext) => Promise<void>;
}

const STREAMING = new Set(['log', 'exec', 'attach', 'portforward', 'proxy']);

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

export class SubresourceHandlers {
  constructor(private readonly deps: SubresourceDeps) {}

  async handle(r: ResourceRequest, rs: ResourceStore, namespace: string): Promise<void> {
    const sub = r.info.subresource;
    const verb = r.info.verb;
    if (STREAMING.has(sub)) {
      if (this.deps.streaming) return this.deps.streaming(r, rs, namespace);
      // Exists, so that kubectl gets an answer rather than a hang.
      await rs.get(namespace, r.info.name);
      throw errors.badRequest(
        `${rs.desc.resource}/${sub} is not available: no node in this cluster serves container streams yet (k8ts runs without a kubelet)`,
      );
    }
    switch (sub) {
      case 'status':
      case 'ephemeralcontainers':
      case 'approval':
        return this.partialWrite(r, rs, namespace, sub, verb);
      case 'scale':
        return this.scale(r, rs, namespace, verb);
      case 'binding':
        return this.binding(r, rs, namespace);
      case 'eviction':
        return this.eviction(r, rs, namespace);
      case 'finalize':
        return this.finalize(r, rs, verb);
      default:
        throw resourceNotFound();
    }
  }

  /** /status, /ephemeralcontainers, /approval: get, update and patch of one part of the object. */
  private async partialWrite(r: ResourceRequest, rs: ResourceStore, namespace: string, sub: string, verb: string): Promise<void> {
    const name = r.info.name;
    const now = this.deps.clock.now();
    if (verb === 'get') {
      const output = negotiateOutput(r.req.headers.accept, { table: true, partial: true });
      const s = await rs.get(namespace, name);
      const t = transformOne(rs, s, output, r.query.get('includeObject') ?? 'Metadata', now);
      return sendObject(r.res, 200, t.obj, output, t.json);
    }
    const output = negotiateOutput(r.req.headers.accept);
    const ctx = requestContext(r);
    // /status writes go through the store's status path; the other parts are merged here.
    const storeSub = sub === 'status' ? 'status' : sub;
    let result: { object: StoredObject; created: boolean };
    const keepOnly = (desired: KubeObject, current: KubeObject): KubeObject => {
      if (sub === 'status') return desired;
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
    };
    if (verb === 'update') {
      const raw = await readBody(r.req);
      const kind = bodyKind(r.req.headers['content-type']) ?? 'json';
      if (kind !== 'json' && kind !== 'yaml') throw errors.unsupportedMediaType(['application/json', 'application/yaml']);
      const body = decodeBody(raw, kind);
      if (!isObject(body)) throw errors.badRequest('the body of the request must be a JSON or YAML object');
      result = await rs.update(ctx, namespace, name, (cur) => keepOnly(body as KubeObject, cur!), {
        subresource: storeSub === 'status' ? 'status' : '',
      });
    } else if (verb === 'patch') {
      if (sub === 'status') {
        result = await patchObject(r, rs, namespace, name, ctx, 'status');
      } else {
        const raw = await readBody(r.req);
        const kind = bodyKind(r.req.headers['content-type']);
        if (!kind || kind === 'json' || kind === 'yaml') throw errors.unsupportedMediaType(['application/merge-patch+json']);
        const patch = JSON.parse(raw.toString('utf8')) as unknown;
        result = await rs.update(ctx, namespace, name, (cur) => keepOnly(applyPatchBody(kind, cur, patch) as KubeObject, cur!));
      }
    } else {
      throw errors.methodNotSupported({ group: rs.desc.group, resource: `${rs.desc.resource}/${sub}` }, verb);
    }
    writeWarnings(r.res, ctx.warnings);
    return sendObject(r.res, 200, result.object.obj, output, result.object.json);
  }

  private scaleOf(rs: ResourceStore, s: StoredObject): KubeObject {
    const o = s.obj;
    const spec = isObject(o.spec) ? o.spec : {};
    const status = isObject(o.status) ? o.status : {};
    const meta = o.metadata!;
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

  private async scale(r: ResourceRequest, rs: ResourceStore, namespace: string, verb: string): Promise<void> {
    const name = r.info.name;
    const output = negotiateOutput(r.req.headers.accept);
    if (verb === 'get') return sendObject(r.res, 200, this.scaleOf(rs, await rs.get(namespace, name)), output);
    if (verb !== 'update' && verb !== 'patch') {
      throw errors.methodNotSupported({ group: rs.desc.group, resource: `${rs.desc.resource}/scale` }, verb);
    }
    const ctx = requestContext(r);
    const raw = await readBody(r.req);
    const kind = bodyKind(r.req.headers['content-type']) ?? 'json';
    const body = verb === 'update' ? decodeBody(raw, kind === 'yaml' ? 'yaml' : 'json') : JSON.parse(raw.toString('utf8'));
    const { object } = await rs.update(ctx, namespace, name, (cur) => {
      const current = cur!;
      const scale = this.scaleOf(rs, { obj: current, json: '', rv: 0 });
      const desired = (verb === 'update' ? body : applyPatchBody(kind, scale, body)) as KubeObject;
      if (!isObject(desired) || desired.kind !== undefined && desired.kind !== 'Scale') {
        throw errors.badRequest(`the body of a scale request must be an autoscaling/v1 Scale`);
      }
      const replicas = isObject(desired.spec) ? desired.spec.replicas : undefined;
      if (typeof replicas !== 'number' || !Number.isInteger(replicas) || replicas < 0) {
        throw errors.invalid({ group: 'autoscaling', kind: 'Scale' }, name, [
          fieldErrors.invalid('spec.replicas', replicas, 'must be greater than or equal to 0'),
        ]);
      }
      const out = current;
      (out.spec as Record<string, unknown>).replicas = replicas;
      out.metadata!.resourceVersion = desired.metadata?.resourceVersion || undefined;
      return out;
    });
    writeWarnings(r.res, ctx.warnings);
    return sendObject(r.res, 200, this.scaleOf(rs, object), output);
  }

  /** pods/binding: assigns an unscheduled pod to a node (what the scheduler's bind does). */
  private async binding(r: ResourceRequest, rs: ResourceStore, namespace: string): Promise<void> {
    if (r.info.verb !== 'create') throw errors.methodNotSupported({ group: '', resource: 'pods/binding' }, r.info.verb);
    const output = negotiateOutput(r.req.headers.accept);
    const ctx = requestContext(r);
    const raw = await readBody(r.req);
    const kind = bodyKind(r.req.headers['content-type']) ?? 'json';
    const body = decodeBody(raw, kind === 'yaml' ? 'yaml' : 'json');
    await bindPod(rs, ctx, namespace, r.info.name, body, this.deps.clock);
    return sendObject(r.res, 201, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 }, output);
  }

  private async eviction(r: ResourceRequest, rs: ResourceStore, namespace: string): Promise<void> {
    if (r.info.verb !== 'create') throw errors.methodNotSupported({ group: '', resource: 'pods/eviction' }, r.info.verb);
    const output = negotiateOutput(r.req.headers.accept);
    const ctx = requestContext(r);
    const raw = await readBody(r.req);
    const kind = bodyKind(r.req.headers['content-type']) ?? 'json';
    const body = raw.length ? decodeBody(raw, kind === 'yaml' ? 'yaml' : 'json') : {};
    if (!isObject(body)) throw errors.badRequest('the body of an eviction must be a policy/v1 Eviction');
    const evictionName = isObject(body.metadata) ? body.metadata.name : undefined;
    if (evictionName !== undefined && evictionName !== r.info.name) {
      throw errors.badRequest(`name in URL does not match name in Eviction object`);
    }
    const pod = await rs.get(namespace, r.info.name);
    if (this.deps.evictionCheck) await this.deps.evictionCheck(pod.obj, ctx);
    const deleteOptions = isObject(body.deleteOptions) ? body.deleteOptions : {};
    await rs.delete(ctx, namespace, r.info.name, deleteOptions);
    return sendObject(r.res, 201, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 }, output);
  }

  /** namespaces/finalize: only spec.finalizers may change; an emptied terminating namespace goes. */
  private async finalize(r: ResourceRequest, rs: ResourceStore, verb: string): Promise<void> {
    if (verb !== 'update') throw errors.methodNotSupported({ group: '', resource: 'namespaces/finalize' }, verb);
    const output = negotiateOutput(r.req.headers.accept);
    const ctx = requestContext(r);
    const raw = await readBody(r.req);
    const body = decodeBody(raw, bodyKind(r.req.headers['content-type']) === 'yaml' ? 'yaml' : 'json');
    if (!isObject(body)) throw errors.badRequest('the body of the request must be a Namespace');
    const spec = isObject(body.spec) ? body.spec : {};
    const { object } = await rs.update(ctx, '', r.info.name, (cur) => {
      const out = cur!;
      const finalizers = Array.isArray(spec.finalizers) ? spec.finalizers : [];
      out.spec = { ...(isObject(out.spec) ? out.spec : {}), finalizers };
      if (finalizers.length === 0) delete (out.spec as Record<string, unknown>).finalizers;
      if (isObject(body.metadata) && body.metadata.resourceVersion) out.metadata!.resourceVersion = String(body.metadata.resourceVersion);
      return out;
    }, { subresource: 'finalize' });
    return sendObject(r.res, 200, object.obj, output, object.json);
  }
}

/** Binds a pod to a node, as the pods/binding subresource does (also used by the bindings resource). */
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
  await rs.update(ctx, namespace, podName, (cur) => {
    const pod = cur!;
    if (pod.metadata?.deletionTimestamp) {
      throw errors.conflict({ group: '', resource: 'pods' }, podName, 'pod is being deleted, cannot be assigned to a host');
    }
    if (uid && pod.metadata?.uid !== uid) {
      throw errors.conflict({ group: '', resource: 'pods' }, podName, `Precondition failed: UID in precondition: ${uid}, UID in object meta: ${pod.metadata?.uid}`);
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
  }, { subresource: 'binding' });
}
