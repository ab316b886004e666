import { errors } from '../apimachinery/status.js';
import type { KubeList, KubeObject } from '../apimachinery/types.js';
import type {
  ApiClient,
  ClientDeleteOptions,
  ClientListOptions,
  ClientWatch,
  ClientWatchEvent,
  ClientWatchOptions,
  Gvr,
  PatchOptions,
  PatchType,
  WriteOptions,
} from '../client/api-client.js';
import type { Clock } from '../util/clock.js';
import { deepClone } from '../util/deep.js';
import type { RequestContext, UserInfo } from './registry/context.js';
import type { PatchKind } from './registry/patching.js';
import type { Registry } from './registry/registry.js';
import type { ResourceStore } from './registry/resource-store.js';
import { bindPod, evictPod, scaleOf, updateScale, type EvictionCheck, type ScalePaths } from './registry/subresource-ops.js';

const PATCH_KINDS: Record<PatchType, PatchKind> = {
  json: 'json-patch',
  merge: 'merge-patch',
  strategic: 'strategic-merge-patch',
  apply: 'apply-patch',
};

const copy = (json: string): KubeObject => JSON.parse(json) as KubeObject;

/** The User-Agent (hence default field manager) upstream's component of this identity sends. */
function inProcessAgent(user: string): string {
  if (user === 'system:kube-controller-manager' || user.startsWith('system:serviceaccount:kube-system:')) return 'kube-controller-manager';
  if (user === 'system:kube-scheduler') return 'kube-scheduler';
  if (user.startsWith('system:node:')) return 'kubelet';
  return user;
}

/**
 * The API for components running inside `k8ts server` (controllers, scheduler, simulated
 * nodes): the same registry, admission and semantics as over HTTPS, without the network,
 * TLS and JSON encoding on the way in. Authentication and authorization are skipped: the
 * caller is trusted and named by `user` (it appears in admission attributes).
 */
export class InProcessClient implements ApiClient {
  constructor(
    private readonly registry: Registry,
    private readonly user: UserInfo,
    private readonly clock: Clock,
    private readonly evictionCheck?: EvictionCheck,
  ) {}

  private rs(g: Gvr): ResourceStore {
    const rs = this.registry.get(g.group, g.version, g.resource);
    if (!rs) {
      const e = errors.notFound({ group: g.group, resource: g.resource }, '');
      e.status.message = 'the server could not find the requested resource';
      throw e;
    }
    return rs;
  }

  private ctx(opts?: WriteOptions): RequestContext {
    return {
      user: this.user,
      dryRun: !!opts?.dryRun,
      fieldManager: opts?.fieldManager,
      fieldValidation: 'Ignore',
      warnings: [],
      userAgent: inProcessAgent(this.user.name),
    };
  }

  async get(g: Gvr, ns: string, name: string, opts: { subresource?: string } = {}): Promise<KubeObject> {
    const rs = this.rs(g);
    const s = await rs.get(rs.desc.namespaced ? ns : '', name);
    if (opts.subresource === 'scale') return scaleOf(s.obj, rs.desc.extra?.scale as ScalePaths | undefined);
    return copy(s.json);
  }

  async list(g: Gvr, ns: string, opts: ClientListOptions = {}): Promise<KubeList> {
    const rs = this.rs(g);
    const r = await rs.list(rs.desc.namespaced ? ns : '', opts);
    const metadata: KubeList['metadata'] = { resourceVersion: r.resourceVersion };
    if (r.continue) metadata.continue = r.continue;
    if (r.remainingItemCount !== undefined) metadata.remainingItemCount = r.remainingItemCount;
    return rs.listObject(
      r.items.map((s) => copy(s.json)),
      metadata,
    );
  }

  async watch(g: Gvr, ns: string, opts: ClientWatchOptions = {}): Promise<ClientWatch> {
    const rs = this.rs(g);
    const w = await rs.watch(rs.desc.namespaced ? ns : '', {
      labelSelector: opts.labelSelector,
      fieldSelector: opts.fieldSelector,
      resourceVersion: opts.resourceVersion,
      allowWatchBookmarks: opts.allowWatchBookmarks,
    });
    const timer = opts.timeoutSeconds ? setTimeout(() => w.close(), opts.timeoutSeconds * 1000) : undefined;
    timer?.unref?.();
    return {
      close: () => {
        clearTimeout(timer);
        w.close();
      },
      [Symbol.asyncIterator]: () => {
        const it = w[Symbol.asyncIterator]();
        return {
          next: async (): Promise<IteratorResult<ClientWatchEvent>> => {
            const r = await it.next();
            if (r.done) {
              clearTimeout(timer);
              return { value: undefined, done: true };
            }
            const e = r.value;
            return { value: { type: e.type, object: e.json ? copy(e.json) : deepClone(e.object) }, done: false };
          },
          return: async () => {
            clearTimeout(timer);
            w.close();
            return { value: undefined, done: true };
          },
        };
      },
    };
  }

  async create(g: Gvr, ns: string, obj: KubeObject, opts: WriteOptions = {}): Promise<KubeObject> {
    const rs = this.rs(g);
    const namespace = rs.desc.namespaced ? ns : '';
    if (opts.subresource === 'binding') {
      await bindPod(rs, this.ctx(opts), namespace, String(obj.metadata?.name ?? ''), deepClone(obj), this.clock);
      return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 };
    }
    if (opts.subresource === 'eviction') {
      await evictPod(rs, this.ctx(opts), namespace, String(obj.metadata?.name ?? ''), deepClone(obj), this.evictionCheck);
      return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 };
    }
    const s = await rs.create(this.ctx(opts), namespace, deepClone(obj));
    return copy(s.json);
  }

  async update(g: Gvr, ns: string, obj: KubeObject, opts: WriteOptions = {}): Promise<KubeObject> {
    const rs = this.rs(g);
    const namespace = rs.desc.namespaced ? ns : '';
    const name = String(obj.metadata?.name ?? '');
    if (opts.subresource === 'scale') return updateScale(rs, this.ctx(opts), namespace, name, () => deepClone(obj));
    const desired = deepClone(obj);
    const { object } = await rs.update(this.ctx(opts), namespace, name, () => desired, { subresource: opts.subresource });
    return copy(object.json);
  }

  async patch(g: Gvr, ns: string, name: string, type: PatchType, patch: unknown, opts: PatchOptions = {}): Promise<KubeObject> {
    const rs = this.rs(g);
    const body = typeof patch === 'string' ? (JSON.parse(patch) as unknown) : deepClone(patch);
    const { object } = await rs.patch(this.ctx(opts), rs.desc.namespaced ? ns : '', name, PATCH_KINDS[type], body, {
      subresource: opts.subresource,
    });
    return copy(object.json);
  }

  async delete(g: Gvr, ns: string, name: string, opts: ClientDeleteOptions = {}): Promise<KubeObject | undefined> {
    const rs = this.rs(g);
    const { object } = await rs.delete(this.ctx({ dryRun: opts.dryRun }), rs.desc.namespaced ? ns : '', name, {
      gracePeriodSeconds: opts.gracePeriodSeconds,
      propagationPolicy: opts.propagationPolicy,
      preconditions: opts.preconditions,
    });
    return copy(object.json);
  }
}
