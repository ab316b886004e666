import { errors } from '../../apimachinery/status.js';
import { isObject, type KubeObject } from '../../apimachinery/types.js';
import type { Clock } from '../../util/clock.js';
import { sendObject, writeWarnings } from '../http.js';
import { negotiateOutput } from '../negotiation.js';
import { applyPatchBody } from '../registry/patching.js';
import { readObjectBody, readPatchBody } from './bodies.js';
import type { ResourceStore } from '../registry/resource-store.js';
import {
  bindPod,
  evictPod,
  finalizeNamespace,
  keepOnlyPart,
  scaleOf,
  type ScalePaths,
  updateScale,
  type EvictionCheck,
} from '../registry/subresource-ops.js';
import { patchObject, requestContext, resourceNotFound, type ResourceRequest } from './resources.js';
import { transformOne } from './transform.js';

/** The streaming subresources the kubelet serves. */
export type StreamingHandler = (r: ResourceRequest, rs: ResourceStore, namespace: string) => Promise<void>;

export interface SubresourceDeps {
  clock: Clock;
  /** pods/log, exec, attach, portforward and node/service/pod proxy, when a kubelet serves them. */
  streaming?: StreamingHandler;
  /** Decides pods/eviction (PodDisruptionBudgets); absent: evictions are always allowed. */
  evictionCheck?: EvictionCheck;
}

const STREAMING = new Set(['log', 'exec', 'attach', 'portforward', 'proxy']);

const success = (code: number) => ({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code });

/** HTTP handling of subresources; the operations themselves live in the registry. */
export class SubresourceHandlers {
  constructor(private readonly deps: SubresourceDeps) {}

  async handle(r: ResourceRequest, rs: ResourceStore, namespace: string): Promise<void> {
    const sub = r.info.subresource;
    const verb = r.info.verb;
    const name = r.info.name;
    const notSupported = () => errors.methodNotSupported({ group: rs.desc.group, resource: `${rs.desc.resource}/${sub}` }, verb);
    if (STREAMING.has(sub)) {
      if (this.deps.streaming) return this.deps.streaming(r, rs, namespace);
      await rs.get(namespace, name);
      throw errors.badRequest(
        `${rs.desc.resource}/${sub} is not available: no node in this cluster serves container streams yet (k8ts runs without a kubelet)`,
      );
    }
    const output = negotiateOutput(r.req.headers.accept, { table: sub === 'status', partial: sub === 'status' });
    switch (sub) {
      case 'status':
      case 'ephemeralcontainers':
      case 'approval': {
        if (verb === 'get') {
          const s = await rs.get(namespace, name);
          const t = transformOne(rs, s, output, r.query.get('includeObject') ?? 'Metadata', this.deps.clock.now());
          return sendObject(r.res, 200, t.obj, output, t.json);
        }
        const ctx = requestContext(r);
        let result;
        if (verb === 'update') {
          const body = await readObjectBody(r);
          if (!isObject(body)) throw errors.badRequest('the body of the request must be a JSON or YAML object');
          result =
            sub === 'status'
              ? await rs.update(ctx, namespace, name, () => body as KubeObject, { subresource: 'status' })
              : await rs.update(ctx, namespace, name, (cur) => keepOnlyPart(sub, body as KubeObject, cur!));
        } else if (verb === 'patch') {
          if (sub === 'status') {
            result = await patchObject(r, rs, namespace, name, ctx, 'status');
          } else {
            const { kind, patch } = await readPatchBody(r, ctx);
            result = await rs.update(ctx, namespace, name, (cur) => keepOnlyPart(sub, applyPatchBody(kind, cur, patch, rs.schema) as KubeObject, cur!));
          }
        } else {
          throw notSupported();
        }
        writeWarnings(r.res, ctx.warnings);
        return sendObject(r.res, 200, result.object.obj, output, result.object.json);
      }
      case 'scale': {
        if (verb === 'get') return sendObject(r.res, 200, scaleOf((await rs.get(namespace, name)).obj, rs.desc.extra?.scale as ScalePaths | undefined), output);
        const ctx = requestContext(r);
        let scale: KubeObject;
        if (verb === 'update') {
          const body = await readObjectBody(r);
          scale = await updateScale(rs, ctx, namespace, name, () => body);
        } else if (verb === 'patch') {
          const { kind, patch } = await readPatchBody(r, ctx);
          scale = await updateScale(rs, ctx, namespace, name, (cur) => applyPatchBody(kind, cur, patch));
        } else {
          throw notSupported();
        }
        writeWarnings(r.res, ctx.warnings);
        return sendObject(r.res, 200, scale, output);
      }
      case 'binding': {
        if (verb !== 'create') throw notSupported();
        await bindPod(rs, requestContext(r), namespace, name, await readObjectBody(r), this.deps.clock);
        return sendObject(r.res, 201, success(201), output);
      }
      case 'eviction': {
        if (verb !== 'create') throw notSupported();
        await evictPod(rs, requestContext(r), namespace, name, (await readObjectBody(r)) ?? {}, this.deps.evictionCheck);
        return sendObject(r.res, 201, success(201), output);
      }
      case 'finalize': {
        if (verb !== 'update') throw notSupported();
        const object = await finalizeNamespace(rs, requestContext(r), name, await readObjectBody(r));
        return sendObject(r.res, 200, object.obj, output, object.json);
      }
      default:
        throw resourceNotFound();
    }
  }
}
