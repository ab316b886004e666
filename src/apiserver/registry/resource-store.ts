import { randomUUID } from 'node:crypto';
import type { FieldError } from '../../apimachinery/field-errors.js';
import { errors, isStatusError, StatusError } from '../../apimachinery/status.js';
import { apiVersionOf, isObject, type KubeList, type KubeObject, type ObjectMeta } from '../../apimachinery/types.js';
import {
  isCompacted,
  isConflict as isStorageConflict,
  isKeyExists,
  isKeyNotFound,
  isFutureRevision,
  type KeyValue,
  type Store,
} from '../../storage/index.js';
import { encodeContinue, nextKey } from '../../storage/keys.js';
import { fieldErrors } from '../../apimachinery/field-errors.js';
import type { Clock } from '../../util/clock.js';
import { deepClone, deepEqual } from '../../util/deep.js';
import type { AdmissionAttributes, AdmissionChain, AdmissionOperation } from '../admission/interface.js';
import type { ApiWatchEvent, DeleteOptions, ListOptions, RequestContext, WatchOptions } from './context.js';
import { compileFilter, type ObjectFilter } from './filter.js';
import { namespacePrefix, objectKey, type ResourceDescriptor } from './resource.js';
import type { CachedObject, CacheWatch } from './watch-cache.js';
import { validateCommon, validateCommonUpdate } from './validate-common.js';
import { applyPatchBody, schemaForKind, type PatchKind } from './patching.js';
import { decodeTyped } from './typed-decode.js';
import { applyConfig, trackUpdate } from '../fieldmanager/index.js';
import { managerOf } from './context.js';

/** A stored object as the registry returns it: decoded, with its JSON and revision. */
export interface StoredObject {
  readonly obj: KubeObject;
  readonly json: string;
  readonly rv: number;
}

export interface ListResult {
  readonly items: StoredObject[];
  readonly resourceVersion: string;
  readonly continue?: string;
  readonly remainingItemCount?: number;
}

export interface ResourceStoreDeps {
  store: Store;
  admission: AdmissionChain;
  clock: Clock;
}

const GENERATE_NAME_CHARS = 'bcdfghjklmnpqrstvwxz2456789';
const MAX_NAME = 253;
const MAX_RETRIES = 16;

function randomSuffix(n = 5): string {
  let s = '';
  for (let i = 0; i < n; i++) s += GENERATE_NAME_CHARS[Math.floor(Math.random() * GENERATE_NAME_CHARS.length)];
  return s;
}

export function rfc3339(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

/** Encodes an object for storage: without its resourceVersion, which is the store's revision. */
export function encodeForStorage(obj: KubeObject): Uint8Array {
  const meta = obj.metadata;
  if (meta && 'resourceVersion' in meta) {
    const { resourceVersion: _, ...rest } = meta;
    return Buffer.from(JSON.stringify({ ...obj, metadata: rest }));
  }
  return Buffer.from(JSON.stringify(obj));
}

/** Decodes a stored value, setting metadata.resourceVersion to `rv`. */
export function decodeStored(key: string, value: Uint8Array, rv: number): CachedObject {
  const obj = JSON.parse(Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('utf8')) as KubeObject;
  obj.metadata = { ...(obj.metadata ?? {}), resourceVersion: String(rv) };
  return { key, obj, json: JSON.stringify(obj), rv };
}

function parseRv(raw: string | undefined, what = 'resourceVersion'): number | undefined {
  if (raw === undefined || raw === '') return undefined;
  if (!/^\d+$/.test(raw)) throw errors.badRequest(`invalid ${what}: "${raw}" is not a valid resource version`);
  return Number(raw);
}

/**
 * The generic REST storage of one served resource, as upstream's genericregistry.Store:
 * get, list, watch, create, update (incl. /status), patch (applied by the caller as an
 * update function), delete with graceful deletion, finalizers and preconditions, and
 * deletecollection. Writes go to the Store with compare-and-swap on the object's revision;
 * reads of "any" or "not older than" versions and all watches come from the watch cache.
 */
export class ResourceStore {
  constructor(
    readonly desc: ResourceDescriptor,
    private readonly deps: ResourceStoreDeps,
  ) {}

  private get gr() {
    return { group: this.desc.group, resource: this.desc.resource };
  }

  private get gk() {
    return { group: this.desc.group, kind: this.desc.kind };
  }

  private schemaCache: { s?: import('../../api/schema/types.js').Schema } | undefined;

  /** The schema of this version's kind (undefined when none is known). */
  get schema() {
    this.schemaCache ??= { s: this.desc.schema ?? schemaForKind(this.desc.group, this.desc.version, this.desc.kind) };
    return this.schemaCache.s;
  }

  get apiVersion(): string {
    return apiVersionOf(this.desc.group, this.desc.version);
  }

  key(namespace: string, name: string): string {
    return objectKey(this.desc.storage, this.desc.namespaced, namespace, name);
  }

  /** The stored shape of a served object, ready to encode. */
  private toStorage(obj: KubeObject): KubeObject {
    return this.desc.toStorage ? this.desc.toStorage(obj) : obj;
  }

  /** A cached/stored object as this version serves it. */
  private served(c: CachedObject | StoredObject): StoredObject {
    if (!this.desc.fromStorage) return c;
    const obj = this.desc.fromStorage(c.obj);
    return { obj, json: JSON.stringify(obj), rv: c.rv };
  }

  private decode(kv: KeyValue, rv = kv.modRevision): StoredObject {
    return this.served(decodeStored(kv.key, kv.value, rv));
  }

  fieldsOf = (obj: KubeObject): Record<string, string> => {
    const base: Record<string, string> = { 'metadata.name': obj.metadata?.name ?? '' };
    if (this.desc.namespaced) base['metadata.namespace'] = obj.metadata?.namespace ?? '';
    return this.desc.strategy.selectableFields ? { ...base, ...this.desc.strategy.selectableFields(obj) } : base;
  };

  private supportedField = (name: string): boolean => {
    if (name === 'metadata.name' || (this.desc.namespaced && name === 'metadata.namespace')) return true;
    if (!this.desc.strategy.selectableFields) return false;
    return name in this.desc.strategy.selectableFields({ metadata: {} });
  };

  compileFilter(labelSelector?: string, fieldSelector?: string): ObjectFilter {
    return compileFilter(labelSelector, fieldSelector, this.fieldsOf, this.supportedField);
  }

  // ---- reads ----

  async get(namespace: string, name: string, opts: { resourceVersion?: string } = {}): Promise<StoredObject> {
    const key = this.key(namespace, name);
    const rv = parseRv(opts.resourceVersion);
    if (rv !== undefined) {
      // "Any version not older than rv": the cache, once it has caught up (0: any).
      const cache = this.desc.storage.cache;
      if (rv > 0) await cache.waitFor(rv);
      else await cache.whenReady();
      const c = cache.get(key);
      if (!c) throw errors.notFound(this.gr, name);
      return this.served(c);
    }
    const res = await this.deps.store.get(key);
    if (!res.kv) throw errors.notFound(this.gr, name);
    return this.decode(res.kv);
  }

  async list(namespace: string, opts: ListOptions = {}): Promise<ListResult> {
    const filter = this.compileFilter(opts.labelSelector, opts.fieldSelector);
    const rv = parseRv(opts.resourceVersion);
    const limit = opts.limit && opts.limit > 0 ? opts.limit : 0;
    const exact = opts.resourceVersionMatch === 'Exact';
    if (opts.resourceVersionMatch && opts.resourceVersionMatch !== 'Exact' && opts.resourceVersionMatch !== 'NotOlderThan') {
      throw errors.badRequest(`resourceVersionMatch: Unsupported value: "${opts.resourceVersionMatch}"`);
    }
    if (opts.resourceVersionMatch && rv === undefined) {
      throw invalidListOptions('resourceVersionMatch is forbidden unless resourceVersion is provided');
    }
    if (exact && rv === 0) throw invalidListOptions('resourceVersionMatch "exact" is forbidden for resourceVersion "0"');
    if (opts.continue && rv !== undefined && rv !== 0) {
      throw invalidListOptions('specifying resource version is not allowed when using continue');
    }
    // As kube-apiserver 1.32: paged and exact reads go to storage; everything else is
    // served from the watch cache (after it catches up, for a consistent read).
    if (opts.continue || exact || (limit > 0 && rv !== 0)) return this.listFromStore(namespace, filter, limit, opts.continue, rv);
    const cache = this.desc.storage.cache;
    if (rv === undefined) await cache.sync();
    else if (rv > 0) await cache.waitFor(rv);
    else await cache.whenReady();
    const atRv = cache.rv;
    const all = cache.list(namespacePrefix(this.desc.storage, this.desc.namespaced ? namespace : ''));
    const items: StoredObject[] = [];
    for (const c of all) {
      const s = this.served(c);
      if (filter.empty || filter.matches(s.obj)) items.push(s);
    }
    return { items, resourceVersion: String(atRv) };
  }

  private async listFromStore(
    namespace: string,
    filter: ObjectFilter,
    limit: number,
    cont: string | undefined,
    rv: number | undefined,
  ): Promise<ListResult> {
    const prefix = namespacePrefix(this.desc.storage, this.desc.namespaced ? namespace : '');
    let storeToken: string | undefined;
    let revision = rv && rv > 0 ? rv : undefined;
    if (cont) {
      const tok = decodeApiContinue(cont, prefix);
      storeToken = encodeContinue({ rev: tok.rv, start: tok.start, prefix });
      revision = undefined;
    }
    const items: StoredObject[] = [];
    let atRev = 0;
    let lastKey: string | undefined;
    let more = false;
    let remaining: number | undefined;
    try {
      for (;;) {
        const want = limit > 0 ? Math.max(limit - items.length, 1) : 0;
        // Over-fetch a little when filtering, as upstream does, to fill the page in fewer reads.
        const fetch = limit > 0 && !filter.empty ? Math.min(Math.max(want * 2, 50), 10_000) : want;
        const res = await this.deps.store.list(prefix, { limit: fetch, continue: storeToken, revision });
        atRev = res.revision;
        let i = 0;
        for (; i < res.kvs.length; i++) {
          const kv = res.kvs[i]!;
          const s = this.decode(kv);
          lastKey = kv.key;
          if (filter.empty || filter.matches(s.obj)) {
            items.push(s);
            if (limit > 0 && items.length >= limit) {
              i++;
              break;
            }
          }
        }
        const leftInPage = i < res.kvs.length;
        if (limit > 0 && items.length >= limit) {
          more = leftInPage || res.more;
          if (more && filter.empty) remaining = res.count - i;
          break;
        }
        if (!res.more) break;
        storeToken = res.continue;
        revision = undefined;
      }
    } catch (e: unknown) {
      if (isCompacted(e)) {
        if (cont) {
          throw errors.resourceExpired(
            'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.',
          );
        }
        throw errors.resourceExpired(`too old resource version: ${rv} (${await this.deps.store.compactedRevision()})`);
      }
      if (isFutureRevision(e)) {
        throw errors.timeout(`Too large resource version: ${rv}, current: ${await this.deps.store.currentRevision()}`, 1);
      }
      throw e;
    }
    return {
      items,
      resourceVersion: String(atRev),
      continue: more && lastKey ? encodeApiContinue(atRev, nextKey(lastKey), prefix) : undefined,
      remainingItemCount: more ? remaining : undefined,
    };
  }

  /**
   * Watches objects (of one namespace, or all, or one name via a field selector) from a
   * resourceVersion, as the cacher does: no version or "0" starts with synthetic ADDED events
   * for the current state; a version replays what happened after it (410 when too old).
   */
  async watch(namespace: string, opts: WatchOptions): Promise<ApiWatch> {
    const filter = this.compileFilter(opts.labelSelector, opts.fieldSelector);
    const rv = parseRv(opts.resourceVersion);
    const cache = this.desc.storage.cache;
    const prefix = namespacePrefix(this.desc.storage, this.desc.namespaced ? namespace : '');
    const sendInitial = opts.sendInitialEvents ?? (rv === undefined || rv === 0);
    if (opts.sendInitialEvents !== undefined && opts.resourceVersionMatch !== 'NotOlderThan') {
      throw invalidListOptions('sendInitialEvents is forbidden for watch unless resourceVersionMatch is set to NotOlderThan');
    }
    let initial: StoredObject[] = [];
    let from: number;
    if (sendInitial) {
      if (rv === undefined) await cache.sync();
      else if (rv > 0) await cache.waitFor(rv);
      else await cache.whenReady();
      from = cache.rv;
      initial = cache.list(prefix).map((c) => this.served(c)).filter((s) => filter.empty || filter.matches(s.obj));
    } else {
      from = rv ?? cache.rv;
    }
    const cw = await cache.watch(from);
    return new ApiWatch(this, cw, prefix, filter, initial, from, opts.sendInitialEvents === true);
  }

  // ---- writes ----

  private admissionAttrs(
    op: AdmissionOperation,
    ctx: RequestContext,
    namespace: string,
    name: string,
    obj: KubeObject | undefined,
    old: KubeObject | undefined,
    subresource = '',
  ): AdmissionAttributes {
    return {
      operation: op,
      kind: { group: this.desc.group, version: this.desc.version, kind: this.desc.kind },
      resource: { group: this.desc.group, version: this.desc.version, resource: this.desc.resource },
      subresource,
      namespace,
      name,
      object: obj,
      oldObject: old,
      user: ctx.user,
      dryRun: ctx.dryRun,
    };
  }

  /** Checks apiVersion/kind of a request body against this endpoint and fills them in. */
  private checkTypeMeta(obj: unknown): KubeObject {
    if (!isObject(obj)) throw errors.badRequest('the body of the request must be a JSON or YAML object');
    const o = obj as KubeObject;
    if (o.apiVersion !== undefined && o.apiVersion !== this.apiVersion) {
      throw errors.badRequest(
        `the API version in the data (${String(o.apiVersion)}) does not match the expected API version (${this.apiVersion})`,
      );
    }
    if (o.kind !== undefined && o.kind !== this.desc.kind) {
      throw errors.badRequest(`the kind in the data (${String(o.kind)}) does not match the expected kind (${this.desc.kind})`);
    }
    o.apiVersion = this.apiVersion;
    o.kind = this.desc.kind;
    if (o.metadata !== undefined && !isObject(o.metadata)) throw errors.badRequest('metadata must be an object');
    o.metadata ??= {};
    return o;
  }

  private checkNamespace(obj: KubeObject, namespace: string): void {
    const meta = obj.metadata!;
    if (this.desc.namespaced) {
      if (!namespace) throw errors.badRequest('the namespace of the object is required');
      if (meta.namespace && meta.namespace !== namespace) {
        throw errors.badRequest('the namespace of the provided object does not match the namespace sent on the request');
      }
      meta.namespace = namespace;
    } else if (meta.namespace) {
      // Cluster-scoped objects have no namespace; upstream drops it.
      delete meta.namespace;
    }
  }

  private validationError(name: string, errs: FieldError[]): StatusError {
    return errors.invalid(this.gk, name, errs);
  }

  /** Typed decoding against the schema (unknown fields, type errors, canonical forms). */
  private decodeTyped(obj: KubeObject, ctx: RequestContext): KubeObject {
    const schema = this.schema;
    if (!schema || ctx.fieldValidation === undefined) return obj;
    return decodeTyped(obj, schema, { kind: this.desc.kind, version: this.desc.version, fieldValidation: ctx.fieldValidation, warnings: ctx.warnings });
  }

  async create(ctx: RequestContext, namespace: string, body: unknown): Promise<StoredObject> {
    const obj = this.decodeTyped(this.checkTypeMeta(body), ctx);
    this.checkNamespace(obj, namespace);
    const meta = obj.metadata!;
    const strategy = this.desc.strategy;
    if (!meta.name && meta.generateName) {
      meta.name = meta.generateName.slice(0, MAX_NAME - 5) + randomSuffix();
    }
    this.prepareMetaForCreate(meta);
    // As upstream: status cannot be set on create when /status exists (strategies may initialize it).
    if (this.desc.subresources.has('status')) delete obj.status;
    strategy.prepareForCreate?.(obj);
    strategy.default?.(obj);
    this.trackManagedFields(ctx, obj, undefined, '');
    const name = meta.name ?? '';
    await this.deps.admission.admit(this.admissionAttrs('CREATE', ctx, namespace, name, obj, undefined));
    const errs = [...validateCommon(obj, this.desc), ...(strategy.validate?.(obj) ?? [])];
    if (errs.length) throw this.validationError(name, errs);
    await this.deps.admission.validate(this.admissionAttrs('CREATE', ctx, namespace, name, obj, undefined));
    if (strategy.warnings) ctx.warnings.push(...strategy.warnings(obj));
    if (ctx.dryRun) {
      if ((await this.deps.store.get(this.key(namespace, name))).kv) throw errors.alreadyExists(this.gr, name);
      return { obj, json: JSON.stringify(obj), rv: 0 };
    }
    if (this.desc.hooks.beforeCreate) {
      // Report a duplicate as AlreadyExists rather than as a failed allocation.
      if ((await this.deps.store.get(this.key(namespace, name))).kv) throw errors.alreadyExists(this.gr, name);
      await this.desc.hooks.beforeCreate(obj, ctx);
    }
    try {
      const kv = await this.deps.store.create(this.key(namespace, name), encodeForStorage(this.toStorage(obj)));
      return this.decode(kv);
    } catch (e: unknown) {
      await this.desc.hooks.createFailed?.(obj).catch(() => {});
      if (isKeyExists(e)) throw errors.alreadyExists(this.gr, name);
      throw e;
    }
  }

  private prepareMetaForCreate(meta: ObjectMeta): void {
    meta.uid = randomUUID();
    meta.creationTimestamp = rfc3339(this.deps.clock.now());
    delete meta.resourceVersion;
    delete meta.deletionTimestamp;
    delete meta.deletionGracePeriodSeconds;
    delete meta.selfLink;
    if (this.desc.strategy.generation) meta.generation = 1;
    else delete meta.generation;
  }

  /**
   * Updates with an update function, retrying on storage conflicts, as GuaranteedUpdate.
   * `tryUpdate` gets the current object (a private copy) and returns the desired one; a
   * resourceVersion it leaves on the result is a precondition (409 if stale).
   */
  async update(
    ctx: RequestContext,
    namespace: string,
    name: string,
    tryUpdate: (current: KubeObject | undefined) => KubeObject | Promise<KubeObject>,
    opts: { subresource?: string; forceAllowCreate?: boolean } = {},
  ): Promise<{ object: StoredObject; created: boolean }> {
    const key = this.key(namespace, name);
    const sub = opts.subresource ?? '';
    const strategy = this.desc.strategy;
    for (let attempt = 0; ; attempt++) {
      const cur = await this.deps.store.get(key);
      const current = cur.kv ? this.decode(cur.kv) : undefined;
      if (!current) {
        const allowCreate = (strategy.allowCreateOnUpdate || opts.forceAllowCreate) && sub === '';
        if (!allowCreate) throw errors.notFound(this.gr, name);
        const desired = await tryUpdate(undefined);
        const created = await this.create(ctx, namespace, this.withName(desired, name));
        return { object: created, created: true };
      }
      const old = current.obj;
      const desiredRaw = await tryUpdate(deepClone(old));
      const obj = this.decodeTyped(this.checkTypeMeta(desiredRaw), ctx);
      this.checkNamespace(obj, namespace);
      const meta = obj.metadata!;
      if (meta.name && meta.name !== name) {
        throw errors.badRequest(`the name of the object (${meta.name}) does not match the name on the URL (${name})`);
      }
      meta.name = name;
      if (meta.resourceVersion && meta.resourceVersion !== old.metadata!.resourceVersion) {
        throw errors.modified(this.gr, name);
      }
      if (meta.uid && meta.uid !== old.metadata!.uid) {
        throw errors.conflict(
          this.gr,
          name,
          `Precondition failed: UID in precondition: ${meta.uid}, UID in object meta: ${old.metadata!.uid}`,
        );
      }
      this.prepareForUpdate(obj, old, sub);
      if (sub === '' || sub === 'scale') {
        strategy.prepareForUpdate?.(obj, old);
        strategy.default?.(obj);
      } else if (sub === 'status') {
        strategy.prepareForStatusUpdate?.(obj, old);
      }
      if (strategy.generation && (sub === '' || sub === 'scale') && specChanged(obj, old)) {
        meta.generation = (old.metadata!.generation ?? 0) + 1;
      }
      this.trackManagedFields(ctx, obj, old, sub);
      await this.deps.admission.admit(this.admissionAttrs('UPDATE', ctx, namespace, name, obj, old, sub));
      // Subresources other than /status (binding, finalize, scale...) are checked by their handlers.
      const typeErrs =
        sub === 'status'
          ? (strategy.validateStatusUpdate?.(obj, old) ?? [])
          : sub === '' || sub === 'scale'
            ? (strategy.validateUpdate?.(obj, old) ?? [])
            : [];
      const errs = [...validateCommonUpdate(obj, old, this.desc), ...typeErrs];
      if (errs.length) throw this.validationError(name, errs);
      await this.deps.admission.validate(this.admissionAttrs('UPDATE', ctx, namespace, name, obj, old, sub));
      if (strategy.warnings && sub === '') ctx.warnings.push(...strategy.warnings(obj, old));

      // A deleting object whose last finalizer this write removes is deleted now.
      const wasHeld = !!old.metadata!.finalizers?.length || (strategy.deletionPending?.(old) ?? false);
      const stillHeld = !!meta.finalizers?.length || (strategy.deletionPending?.(obj) ?? false);
      const finalizeNow = !!old.metadata!.deletionTimestamp && wasHeld && !stillHeld && !ctx.dryRun;
      if (!finalizeNow && sameObject(obj, old)) return { object: current, created: false };
      if (ctx.dryRun) return { object: { obj, json: JSON.stringify(obj), rv: current.rv }, created: false };
      if (finalizeNow && this.gracefulRemaining(old) <= 0) {
        try {
          const kv = await this.deps.store.delete(key, current.rv);
          await this.desc.hooks.afterDelete?.(old).catch(() => {});
          return { object: this.decode({ ...kv, value: encodeForStorage(this.toStorage(obj)) }, kv.modRevision), created: false };
        } catch (e: unknown) {
          if (isStorageConflict(e) && attempt < MAX_RETRIES && !desiredHadRv(desiredRaw)) continue;
          if (isStorageConflict(e)) throw errors.modified(this.gr, name);
          if (isKeyNotFound(e)) throw errors.notFound(this.gr, name);
          throw e;
        }
      }
      await this.desc.hooks.beforeUpdate?.(obj, old, ctx);
      try {
        const kv = await this.deps.store.update(key, encodeForStorage(this.toStorage(obj)), current.rv);
        await this.desc.hooks.afterUpdate?.(obj, old).catch(() => {});
        return { object: this.decode(kv), created: false };
      } catch (e: unknown) {
        await this.desc.hooks.updateFailed?.(obj, old).catch(() => {});
        if (isStorageConflict(e) && attempt < MAX_RETRIES && !desiredHadRv(desiredRaw)) continue;
        if (isStorageConflict(e)) throw errors.modified(this.gr, name);
        if (isKeyNotFound(e)) throw errors.notFound(this.gr, name);
        throw e;
      }
    }
  }

  /**
   * Applies a decoded patch body to the current object, in a retried update: without a
   * resourceVersion in the patch, a concurrent write makes it re-apply to the new state.
   */
  patch(
    ctx: RequestContext,
    namespace: string,
    name: string,
    kind: PatchKind,
    patch: unknown,
    opts: { subresource?: string } = {},
  ): Promise<{ object: StoredObject; created: boolean }> {
    if (kind === 'apply-patch') return this.apply(ctx, namespace, name, patch, opts);
    // As upstream: custom resources have no patch strategies, so no strategic merge patch.
    if (kind === 'strategic-merge-patch' && this.desc.schema !== undefined) {
      throw errors.unsupportedMediaType(['application/json-patch+json', 'application/merge-patch+json', 'application/apply-patch+yaml']);
    }
    if (ctx.force !== undefined) {
      throw errors.invalid({ group: 'meta.k8s.io', kind: 'PatchOptions' }, '', [fieldErrors.forbidden('force', 'may not be specified for non-apply patch')]);
    }
    return this.update(
      ctx,
      namespace,
      name,
      (current) => {
        if (!current) throw errors.notFound(this.gr, name);
        const patched = applyPatchBody(kind, current, patch, this.schema);
        if (!isObject(patched)) throw errors.badRequest('the patch produced something other than an object');
        return patched as KubeObject;
      },
      opts,
    );
  }

  /**
   * Server-side apply: merges the applied configuration into the live object (creating it if
   * absent), with field ownership, conflicts and removal of fields the manager stopped
   * applying (src/apiserver/fieldmanager). A resourceVersion in the configuration is a
   * precondition.
   */
  private async apply(
    ctx: RequestContext,
    namespace: string,
    name: string,
    body: unknown,
    opts: { subresource?: string },
  ): Promise<{ object: StoredObject; created: boolean }> {
    if (!ctx.fieldManager) {
      throw errors.invalid({ group: 'meta.k8s.io', kind: 'PatchOptions' }, '', [fieldErrors.required('fieldManager', 'is required for apply patch')]);
    }
    if (!isObject(body)) throw errors.badRequest('the body of the request must be a JSON or YAML object');
    const cfg = body as KubeObject;
    if (cfg.apiVersion === undefined || cfg.apiVersion === '') throw errors.badRequest('apiVersion must be set');
    if (cfg.kind === undefined || cfg.kind === '') throw errors.badRequest('kind must be set');
    const config = this.decodeTyped(this.checkTypeMeta(deepClone(cfg)), ctx);
    const meta = config.metadata!;
    if (meta.name && meta.name !== name) {
      throw errors.badRequest(`the name of the object (${meta.name}) does not match the name on the URL (${name})`);
    }
    meta.name = name;
    const precondition = meta.resourceVersion;
    const sub = opts.subresource ?? '';
    const applyCtx: RequestContext = { ...ctx };
    const result = await this.update(
      applyCtx,
      namespace,
      name,
      (current) => {
        if (current && precondition && precondition !== current.metadata?.resourceVersion) throw errors.modified(this.gr, name);
        if (!current && precondition) throw errors.notFound(this.gr, name);
        const r = applyConfig(current, config, {
          manager: ctx.fieldManager!,
          apiVersion: this.apiVersion,
          subresource: sub,
          now: rfc3339(this.deps.clock.now()),
          schema: this.schema,
          hasStatusSubresource: this.desc.subresources.has('status'),
          force: ctx.force === true,
        });
        applyCtx.appliedManagedFields = r.managedFields;
        // The precondition was checked above; without one, a concurrent write re-applies.
        delete r.obj.metadata!.resourceVersion;
        return r.obj;
      },
      { ...opts, forceAllowCreate: true },
    );
    ctx.warnings.push(...applyCtx.warnings.filter((w) => !ctx.warnings.includes(w)));
    return result;
  }

  /** Records in metadata.managedFields who changed what (src/apiserver/fieldmanager), before admission as upstream. */
  private trackManagedFields(ctx: RequestContext, obj: KubeObject, old: KubeObject | undefined, sub: string): void {
    const meta = obj.metadata!;
    if (ctx.appliedManagedFields) {
      meta.managedFields = ctx.appliedManagedFields;
      return;
    }
    const supplied = meta.managedFields;
    // An explicitly empty list resets tracking, as upstream.
    if (Array.isArray(supplied) && supplied.length === 0 && old?.metadata?.managedFields?.length) {
      delete meta.managedFields;
      return;
    }
    if (!old && Array.isArray(supplied) && supplied.length) return;
    try {
      const managed = trackUpdate(old, obj, supplied ?? old?.metadata?.managedFields, {
        manager: managerOf(ctx),
        apiVersion: this.apiVersion,
        subresource: sub,
        now: rfc3339(this.deps.clock.now()),
        schema: this.schema,
        hasStatusSubresource: this.desc.subresources.has('status'),
      });
      if (managed.length) meta.managedFields = managed;
      else delete meta.managedFields;
    } catch (e: unknown) {
      throw errors.invalid(this.gk, meta.name ?? '', [
        fieldErrors.invalid('metadata.managedFields', '', (e as Error).message),
      ]);
    }
  }

  private withName(obj: KubeObject, name: string): KubeObject {
    if (!isObject(obj)) throw errors.badRequest('the body of the request must be a JSON or YAML object');
    const meta = (obj.metadata ??= {});
    if (meta.name && meta.name !== name) {
      throw errors.badRequest(`the name of the object (${meta.name}) does not match the name on the URL (${name})`);
    }
    meta.name = name;
    delete meta.resourceVersion;
    return obj;
  }

  /** Keeps what a write to the main resource or a subresource may not change. */
  private prepareForUpdate(obj: KubeObject, old: KubeObject, sub: string): void {
    const meta = obj.metadata!;
    const om = old.metadata!;
    // System-owned metadata is never taken from the client.
    meta.uid = om.uid;
    meta.creationTimestamp = om.creationTimestamp;
    meta.resourceVersion = om.resourceVersion;
    if (om.deletionTimestamp) meta.deletionTimestamp = om.deletionTimestamp;
    else delete meta.deletionTimestamp;
    if (om.deletionGracePeriodSeconds !== undefined) meta.deletionGracePeriodSeconds = om.deletionGracePeriodSeconds;
    else delete meta.deletionGracePeriodSeconds;
    if (om.generation !== undefined) meta.generation = om.generation;
    else delete meta.generation;
    delete meta.selfLink;
    if (sub === '' && this.desc.subresources.has('status')) {
      // As upstream: the main resource ignores status changes when /status exists.
      if (old.status !== undefined) obj.status = deepClone(old.status);
      else delete obj.status;
    } else if (sub === 'status') {
      // A /status write changes status only (and not labels, annotations, finalizers, owners).
      const status = obj.status;
      for (const k of Object.keys(obj)) if (k !== 'status' && k !== 'metadata' && k !== 'apiVersion' && k !== 'kind') delete obj[k];
      for (const [k, v] of Object.entries(old)) if (k !== 'status' && k !== 'metadata') obj[k] = deepClone(v);
      obj.metadata = { ...deepClone(om), managedFields: meta.managedFields ?? om.managedFields };
      if (status === undefined) delete obj.status;
      else obj.status = status;
    }
  }

  private gracefulRemaining(old: KubeObject): number {
    const ts = old.metadata?.deletionTimestamp;
    if (!ts) return 0;
    return Date.parse(ts) - this.deps.clock.now();
  }

  /**
   * Deletes an object: at once, or — with a grace period or pending finalizers — by marking
   * it with deletionTimestamp (it stays until its finalizers are emptied and, for pods, the
   * kubelet confirms with a zero grace period).
   */
  async delete(
    ctx: RequestContext,
    namespace: string,
    name: string,
    opts: DeleteOptions = {},
  ): Promise<{ object: StoredObject; deleted: boolean }> {
    const key = this.key(namespace, name);
    const strategy = this.desc.strategy;
    for (let attempt = 0; ; attempt++) {
      const cur = await this.deps.store.get(key);
      if (!cur.kv) throw errors.notFound(this.gr, name);
      const current = this.decode(cur.kv);
      const old = current.obj;
      const om = old.metadata!;
      const pre = opts.preconditions;
      if (pre?.uid && pre.uid !== om.uid) {
        throw errors.conflict(this.gr, name, `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${om.uid}`);
      }
      if (pre?.resourceVersion && pre.resourceVersion !== om.resourceVersion) {
        throw errors.conflict(
          this.gr,
          name,
          `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${om.resourceVersion}`,
        );
      }
      await this.deps.admission.validate(this.admissionAttrs('DELETE', ctx, namespace, name, undefined, old));
      if (this.desc.hooks.beforeDelete) await this.desc.hooks.beforeDelete(old, opts, ctx);

      const next = deepClone(old);
      const nm = next.metadata!;
      // Finalizers that the propagation policy asks for (the garbage collector acts on them).
      const policy = propagationOf(opts, strategy.defaultPropagation);
      const finalizers = new Set(nm.finalizers ?? []);
      if (policy === 'Orphan') {
        finalizers.add('orphan');
        finalizers.delete('foregroundDeletion');
      } else if (policy === 'Foreground') {
        finalizers.add('foregroundDeletion');
        finalizers.delete('orphan');
      } else if (opts.propagationPolicy === 'Background') {
        finalizers.delete('orphan');
        finalizers.delete('foregroundDeletion');
      }
      const grace = strategy.gracePeriod?.(old, opts) ?? 0;
      const pendingFinalizers = finalizers.size > 0 || (strategy.deletionPending?.(old) ?? false);
      if (pendingFinalizers) strategy.markDeleting?.(next);
      if (!pendingFinalizers && grace <= 0) {
        if (ctx.dryRun) return { object: current, deleted: true };
        try {
          const kv = await this.deps.store.delete(key, current.rv);
          await this.desc.hooks.afterDelete?.(old).catch(() => {});
          return { object: this.decode(kv), deleted: true };
        } catch (e: unknown) {
          if ((isStorageConflict(e) || isKeyNotFound(e)) && attempt < MAX_RETRIES) {
            if (isKeyNotFound(e)) throw errors.notFound(this.gr, name);
            continue;
          }
          throw e;
        }
      }
      // Graceful or finalizer-pending: mark for deletion.
      nm.finalizers = finalizers.size ? [...finalizers] : undefined;
      if (!nm.finalizers) delete nm.finalizers;
      const nowMs = this.deps.clock.now();
      if (!om.deletionTimestamp) {
        nm.deletionTimestamp = rfc3339(nowMs + Math.max(0, grace) * 1000);
        nm.deletionGracePeriodSeconds = Math.max(0, grace);
      } else if (grace > 0 && om.deletionGracePeriodSeconds !== undefined && grace < om.deletionGracePeriodSeconds) {
        // A shorter grace period than the one in progress brings the deadline forward.
        nm.deletionTimestamp = rfc3339(nowMs + grace * 1000);
        nm.deletionGracePeriodSeconds = grace;
      } else if (grace <= 0 && om.deletionGracePeriodSeconds !== undefined && om.deletionGracePeriodSeconds > 0 && !pendingFinalizers) {
        // Forced: remove at once.
        if (ctx.dryRun) return { object: current, deleted: true };
        try {
          const kv = await this.deps.store.delete(key, current.rv);
          await this.desc.hooks.afterDelete?.(old).catch(() => {});
          return { object: this.decode(kv), deleted: true };
        } catch (e: unknown) {
          if (isStorageConflict(e) && attempt < MAX_RETRIES) continue;
          if (isKeyNotFound(e)) throw errors.notFound(this.gr, name);
          throw e;
        }
      } else if (grace <= 0 && om.deletionGracePeriodSeconds !== 0) {
        nm.deletionGracePeriodSeconds = 0;
      }
      if (sameObject(next, old)) return { object: current, deleted: false };
      if (ctx.dryRun) return { object: { obj: next, json: JSON.stringify(next), rv: current.rv }, deleted: false };
      try {
        const kv = await this.deps.store.update(key, encodeForStorage(this.toStorage(next)), current.rv);
        return { object: this.decode(kv), deleted: false };
      } catch (e: unknown) {
        if (isStorageConflict(e) && attempt < MAX_RETRIES) continue;
        if (isKeyNotFound(e)) throw errors.notFound(this.gr, name);
        throw e;
      }
    }
  }

  async deleteCollection(
    ctx: RequestContext,
    namespace: string,
    listOpts: ListOptions,
    opts: DeleteOptions,
  ): Promise<ListResult> {
    const { items, resourceVersion } = await this.list(namespace, { ...listOpts, limit: undefined, continue: undefined });
    const out: StoredObject[] = [];
    // Bounded parallelism, as upstream's DeleteCollection workers.
    const queue = [...items];
    await Promise.all(
      Array.from({ length: Math.min(16, queue.length) }, async () => {
        for (let it = queue.shift(); it; it = queue.shift()) {
          try {
            const r = await this.delete(ctx, it.obj.metadata?.namespace ?? '', it.obj.metadata!.name!, opts);
            out.push(r.object);
          } catch (e: unknown) {
            if (isStatusError(e) && e.code === 404) continue;
            throw e;
          }
        }
      }),
    );
    return { items: out, resourceVersion };
  }

  /** @internal For ApiWatch: this version's view of a cached object. */
  view(c: CachedObject): StoredObject {
    return this.served(c);
  }

  /** An empty list object of this resource. */
  listObject(items: KubeObject[], meta: KubeList['metadata']): KubeList {
    return { apiVersion: this.apiVersion, kind: this.desc.listKind, metadata: meta, items };
  }
}

/** 422 for contradictory list/watch parameters, as upstream's ListOptions validation. */
function invalidListOptions(detail: string): StatusError {
  const field = detail.split(' ')[0]!;
  return errors.invalid({ group: 'meta.k8s.io', kind: 'ListOptions' }, '', [fieldErrors.forbidden(field, detail)]);
}

function desiredHadRv(obj: unknown): boolean {
  return isObject(obj) && isObject(obj.metadata) && typeof obj.metadata.resourceVersion === 'string' && obj.metadata.resourceVersion !== '';
}

function propagationOf(opts: DeleteOptions, def: DeleteOptions['propagationPolicy']): DeleteOptions['propagationPolicy'] {
  if (opts.propagationPolicy) return opts.propagationPolicy;
  if (opts.orphanDependents === true) return 'Orphan';
  if (opts.orphanDependents === false) return 'Background';
  return def ?? 'Background';
}

/** Whether anything but metadata and status differs (the generation-bumping changes). */
function specChanged(a: KubeObject, b: KubeObject): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const k of keys) {
    if (k === 'metadata' || k === 'status' || k === 'apiVersion' || k === 'kind') continue;
    if (!deepEqual(a[k], b[k])) return true;
  }
  return false;
}

/** Equal for storage purposes: everything but resourceVersion and managedFields timestamps. */
function sameObject(a: KubeObject, b: KubeObject): boolean {
  // As upstream's IgnoreManagedFieldsTimestampsTransformer: a write that changes nothing but
  // managedFields timestamps is no write.
  const strip = (o: KubeObject) => ({
    ...o,
    metadata: { ...o.metadata, resourceVersion: undefined, managedFields: o.metadata?.managedFields?.map((e) => ({ ...e, time: undefined })) },
  });
  return deepEqual(strip(a), strip(b));
}

// ---- continue tokens of the API (opaque to clients) ----

function encodeApiContinue(rv: number, start: string, prefix: string): string {
  return Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v1', rv, start: start.slice(prefix.length) })).toString('base64');
}

function decodeApiContinue(raw: string, prefix: string): { rv: number; start: string } {
  try {
    const t = JSON.parse(Buffer.from(raw, 'base64').toString('utf8')) as { v?: unknown; rv?: unknown; start?: unknown };
    if (t.v === 'meta.k8s.io/v1' && typeof t.rv === 'number' && t.rv > 0 && typeof t.start === 'string') {
      return { rv: t.rv, start: prefix + t.start };
    }
  } catch {
    // fall through
  }
  throw errors.badRequest('continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)');
}

/**
 * A watch as the API serves it: the initial state (if asked for), then the cache's events
 * for this namespace, filtered by the selectors, with filter transitions turned into ADDED
 * and DELETED as upstream's cacheWatcher does.
 */
export class ApiWatch implements AsyncIterable<ApiWatchEvent> {
  private closed = false;

  constructor(
    private readonly rs: ResourceStore,
    private readonly cw: CacheWatch,
    private readonly prefix: string,
    private readonly filter: ObjectFilter,
    private readonly initial: StoredObject[],
    readonly startRv: number,
    private readonly initialEventsEnd: boolean,
  ) {}

  close(): void {
    this.closed = true;
    this.cw.close();
  }

  /** The revision the watch has reached, for bookmarks. */
  lastRv = 0;

  async *events(): AsyncGenerator<ApiWatchEvent> {
    this.lastRv = this.startRv;
    try {
      for (const s of this.initial) {
        if (this.closed) return;
        yield { type: 'ADDED', object: s.obj, json: s.json };
      }
      if (this.initialEventsEnd) yield this.bookmark(true);
      for await (const e of this.cw) {
        if (this.closed) return;
        this.lastRv = e.rv;
        if (!e.object.key.startsWith(this.prefix)) continue;
        const cur = this.rs.view(e.object);
        if (this.filter.empty) {
          if (e.type === 'DELETED') {
            yield { type: 'DELETED', object: cur.obj, json: cur.json };
          } else {
            yield { type: e.type, object: cur.obj, json: cur.json };
          }
          continue;
        }
        const curMatch = e.type !== 'DELETED' && this.filter.matches(cur.obj);
        const prev = e.prev ? this.rs.view(e.prev) : undefined;
        const prevMatch = prev !== undefined && this.filter.matches(prev.obj);
        if (e.type === 'DELETED') {
          if (this.filter.matches(cur.obj)) yield { type: 'DELETED', object: cur.obj, json: cur.json };
        } else if (curMatch && prevMatch) {
          yield { type: 'MODIFIED', object: cur.obj, json: cur.json };
        } else if (curMatch) {
          yield { type: 'ADDED', object: cur.obj, json: cur.json };
        } else if (prevMatch) {
          // Moved out of the selection: a DELETED of the previous state at this revision.
          const obj = { ...prev.obj, metadata: { ...prev.obj.metadata, resourceVersion: String(e.rv) } };
          yield { type: 'DELETED', object: obj };
        }
      }
    } finally {
      this.cw.close();
    }
  }

  bookmark(initialEventsEnd = false): ApiWatchEvent {
    const metadata: ObjectMeta = { resourceVersion: String(this.lastRv || this.startRv) };
    if (initialEventsEnd) metadata.annotations = { 'k8s.io/initial-events-end': 'true' };
    return { type: 'BOOKMARK', object: { apiVersion: this.rs.apiVersion, kind: this.rs.desc.kind, metadata } };
  }

  [Symbol.asyncIterator](): AsyncIterator<ApiWatchEvent> {
    return this.events();
  }
}
