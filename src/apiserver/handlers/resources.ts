import type { IncomingMessage, ServerResponse } from 'node:http';
import { errors, type StatusError } from '../../apimachinery/status.js';
import { isObject, type KubeObject } from '../../apimachinery/types.js';
import type { Clock } from '../../util/clock.js';
import { sendObject, writeWarnings } from '../http.js';
import { fieldErrors } from '../../apimachinery/field-errors.js';
import { negotiateOutput } from '../negotiation.js';
import type { RequestInfo } from '../request-info.js';
import type { DeleteOptions, FieldValidation, RequestContext, UserInfo } from '../registry/context.js';
import type { Registry } from '../registry/registry.js';
import type { ResourceStore } from '../registry/resource-store.js';
import type { VirtualCreate } from '../registry/reviews.js';
import { bindPod } from '../registry/subresource-ops.js';
import { readObjectBody, readPatchBody } from './bodies.js';
import { transformList, transformOne } from './transform.js';
import { serveWatch } from './watch.js';
import type { SubresourceHandlers } from './subresources.js';

export interface ResourceRequest {
  req: IncomingMessage;
  res: ServerResponse;
  info: RequestInfo;
  query: URLSearchParams;
  user: UserInfo;
  signal: AbortSignal;
}

export interface ResourceHandlerDeps {
  registry: Registry;
  /** Creates that compute an answer instead of storing (reviews), keyed `group/resource`. */
  virtualCreates: Record<string, VirtualCreate>;
  clock: Clock;
  subresources: SubresourceHandlers;
  /** Default watch timeout (seconds), before the random spread; upstream's min-request-timeout. */
  minRequestTimeoutSeconds: number;
  bookmarkIntervalMs: number;
}

/** 404 for paths that name no served resource, with upstream's message. */
export function resourceNotFound(): StatusError {
  const e = errors.notFound({ group: '', resource: '' }, '');
  e.status.message = 'the server could not find the requested resource';
  e.status.details = {};
  return e;
}

const DRY_RUN_VALUES = new Set(['All']);

export function requestContext(r: ResourceRequest): RequestContext {
  const q = r.query;
  const dryRun = q.getAll('dryRun');
  for (const d of dryRun) {
    if (!DRY_RUN_VALUES.has(d)) throw errors.badRequest(`dryRun: Unsupported value: "${d}": supported values: "All"`);
  }
  const fv = q.get('fieldValidation');
  let fieldValidation: FieldValidation = 'Warn';
  if (fv !== null && fv !== '') {
    if (fv !== 'Strict' && fv !== 'Warn' && fv !== 'Ignore') {
      throw errors.badRequest(`fieldValidation: Unsupported value: "${fv}": supported values: "Ignore", "Strict", "Warn"`);
    }
    fieldValidation = fv;
  }
  const fieldManager = q.get('fieldManager') ?? undefined;
  if (fieldManager !== undefined && fieldManager.length > 128) {
    throw errors.badRequest('fieldManager: Too long: may not be more than 128 bytes');
  }
  const force = q.get('force');
  return {
    user: r.user,
    dryRun: dryRun.length > 0,
    fieldManager,
    fieldValidation,
    warnings: [],
    userAgent: typeof r.req.headers['user-agent'] === 'string' ? r.req.headers['user-agent'] : undefined,
    ...(force !== null ? { force: force === 'true' || force === '1' } : {}),
  };
}

function intParam(q: URLSearchParams, name: string): number | undefined {
  const v = q.get(name);
  if (v === null || v === '') return undefined;
  if (!/^-?\d+$/.test(v)) throw errors.badRequest(`invalid value for ${name}: "${v}"`);
  return Number(v);
}

function boolParam(q: URLSearchParams, name: string): boolean | undefined {
  const v = q.get(name);
  if (v === null || v === '') return undefined;
  return v === 'true' || v === '1';
}

/** Serves one resource request: routing to the verb, then encoding the answer. */
export async function handleResource(r: ResourceRequest, deps: ResourceHandlerDeps): Promise<void> {
  const { info, query, res } = r;
  const rs = deps.registry.get(info.apiGroup, info.apiVersion, info.resource);
  if (!rs) throw resourceNotFound();
  const d = rs.desc;
  // Namespaced resources at cluster-wide paths support only list/watch/deletecollection(ns='')...
  if (!d.namespaced && info.namespace && !(d.resource === 'namespaces')) throw resourceNotFound();
  const namespace = d.namespaced ? info.namespace : '';
  if (info.subresource) {
    if (!d.subresources.has(info.subresource) || info.parts.length > 3 && !isProxy(info.subresource)) throw resourceNotFound();
    return deps.subresources.handle(r, rs, namespace);
  }
  if (info.parts.length > 2) throw resourceNotFound();
  const verb = info.verb;
  if (d.namespaced && !namespace && (verb === 'create' || (info.name && verb !== 'watch'))) {
    // e.g. POST /api/v1/pods: there is no such route upstream.
    throw errors.methodNotAllowed();
  }
  if (!d.info.verbs.includes(verb) && !(verb === 'watch' && info.name && d.info.verbs.includes('watch'))) {
    throw errors.methodNotSupported({ group: d.group, resource: d.resource }, verb);
  }
  const includeObject = query.get('includeObject') ?? 'Metadata';
  const now = deps.clock.now();
  switch (verb) {
    case 'get': {
      const output = negotiateOutput(r.req.headers.accept, { table: true, partial: true });
      const s = await rs.get(namespace, info.name, { resourceVersion: query.get('resourceVersion') ?? undefined });
      const t = transformOne(rs, s, output, includeObject, now);
      return sendObject(res, 200, t.obj, output, t.json);
    }
    case 'list': {
      const output = negotiateOutput(r.req.headers.accept, { table: true, partial: true });
      const result = await rs.list(namespace, {
        labelSelector: query.get('labelSelector') ?? undefined,
        fieldSelector: query.get('fieldSelector') ?? undefined,
        limit: intParam(query, 'limit'),
        continue: query.get('continue') ?? undefined,
        resourceVersion: query.get('resourceVersion') ?? undefined,
        resourceVersionMatch: (query.get('resourceVersionMatch') ?? undefined) as 'Exact' | 'NotOlderThan' | undefined,
      });
      const listMeta: Record<string, unknown> = { resourceVersion: result.resourceVersion };
      if (result.continue) listMeta.continue = result.continue;
      if (result.remainingItemCount !== undefined) listMeta.remainingItemCount = result.remainingItemCount;
      const t = transformList(rs, result.items, listMeta, output, includeObject, now);
      return sendObject(res, 200, t.obj, output, t.json);
    }
    case 'watch':
      return serveWatch(r, rs, namespace, deps);
    case 'create': {
      const output = negotiateOutput(r.req.headers.accept);
      const ctx = requestContext(r);
      const body = await readObjectBody(r);
      const virtual = deps.virtualCreates[`${d.group}/${d.resource}`];
      if (virtual) {
        if (!isObject(body)) throw errors.badRequest('the body of the request must be a JSON or YAML object');
        const answer = await virtual(ctx, namespace, { ...(body as KubeObject), apiVersion: rs.apiVersion, kind: d.kind });
        return sendObject(res, 201, answer, output);
      }
      if (d.group === '' && d.resource === 'bindings') {
        // The bindings collection: POST a Binding named after the pod (what old schedulers do).
        const name = isObject(body) && isObject(body.metadata) ? String(body.metadata.name ?? '') : '';
        const pods = deps.registry.get('', 'v1', 'pods')!;
        await bindPod(pods, ctx, namespace, name, body, deps.clock);
        return sendObject(res, 201, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 }, output);
      }
      const s = await rs.create(ctx, namespace, body);
      writeWarnings(res, ctx.warnings);
      return sendObject(res, 201, s.obj, output, s.json);
    }
    case 'update': {
      const output = negotiateOutput(r.req.headers.accept);
      const ctx = requestContext(r);
      const body = await readObjectBody(r);
      if (!isObject(body)) throw errors.badRequest('the body of the request must be a JSON or YAML object');
      const { object, created } = await rs.update(ctx, namespace, info.name, () => body as KubeObject);
      writeWarnings(res, ctx.warnings);
      return sendObject(res, created ? 201 : 200, object.obj, output, object.json);
    }
    case 'patch': {
      const output = negotiateOutput(r.req.headers.accept);
      const ctx = requestContext(r);
      const { object, created } = await patchObject(r, rs, namespace, info.name, ctx, '');
      writeWarnings(res, ctx.warnings);
      return sendObject(res, created ? 201 : 200, object.obj, output, object.json);
    }
    case 'delete': {
      const output = negotiateOutput(r.req.headers.accept);
      const ctx = requestContext(r);
      const opts = await deleteOptions(r);
      const { object, deleted } = await rs.delete(ctx, namespace, info.name, opts);
      writeWarnings(res, ctx.warnings);
      if (deleted && !d.strategy.returnDeletedObject) {
        return sendObject(res, 200, {
          kind: 'Status',
          apiVersion: 'v1',
          metadata: {},
          status: 'Success',
          details: { name: info.name, ...(d.group ? { group: d.group } : {}), kind: d.resource, uid: object.obj.metadata?.uid },
        }, output);
      }
      return sendObject(res, 200, object.obj, output, object.json);
    }
    case 'deletecollection': {
      const output = negotiateOutput(r.req.headers.accept);
      const ctx = requestContext(r);
      const opts = await deleteOptions(r);
      const result = await rs.deleteCollection(
        ctx,
        namespace,
        { labelSelector: query.get('labelSelector') ?? undefined, fieldSelector: query.get('fieldSelector') ?? undefined },
        opts,
      );
      const t = transformList(rs, result.items, { resourceVersion: result.resourceVersion }, output, includeObject, now);
      return sendObject(res, 200, t.obj, output, t.json);
    }
    default:
      throw errors.methodNotAllowed();
  }
}

function isProxy(sub: string): boolean {
  return sub === 'proxy';
}

/** Reads a PATCH body and applies it to the current object inside a retried update. */
export async function patchObject(
  r: ResourceRequest,
  rs: ResourceStore,
  namespace: string,
  name: string,
  ctx: RequestContext,
  subresource: string,
): Promise<{ object: import('../registry/resource-store.js').StoredObject; created: boolean }> {
  const { kind, patch } = await readPatchBody(r, ctx);
  return rs.patch(ctx, namespace, name, kind, patch, { subresource });
}

async function deleteOptions(r: ResourceRequest): Promise<DeleteOptions> {
  const q = r.query;
  const body = await readObjectBody(r);
  const opts: DeleteOptions = isObject(body) ? (body as DeleteOptions) : {};
  const grace = intParam(q, 'gracePeriodSeconds');
  if (grace !== undefined) opts.gracePeriodSeconds = grace;
  const pp = q.get('propagationPolicy');
  if (pp) opts.propagationPolicy = pp as DeleteOptions['propagationPolicy'];
  const orphan = boolParam(q, 'orphanDependents');
  if (orphan !== undefined) opts.orphanDependents = orphan;
  if (opts.propagationPolicy && !['Orphan', 'Background', 'Foreground'].includes(opts.propagationPolicy)) {
    throw errors.invalid({ group: 'meta.k8s.io', kind: 'DeleteOptions' }, '', [
      fieldErrors.notSupported('propagationPolicy', opts.propagationPolicy, ['Foreground', 'Background', 'Orphan', 'nil']),
    ]);
  }
  if (opts.orphanDependents !== undefined && opts.propagationPolicy) {
    throw errors.badRequest('orphanDependents and deletionPropagation cannot be both set');
  }
  if (opts.gracePeriodSeconds !== undefined && opts.gracePeriodSeconds < 0) opts.gracePeriodSeconds = 1;
  return opts;
}

