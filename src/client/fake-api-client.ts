import { randomUUID } from 'node:crypto';
import { errors } from '../apimachinery/status.js';
import { apiVersionOf, isObject, type KubeList, type KubeObject } from '../apimachinery/types.js';
import { BoundedQueue } from '../util/bounded-queue.js';
import { realClock, type Clock } from '../util/clock.js';
import { deepClone } from '../util/deep.js';
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
} from './api-client.js';

/** One call made to the fake, as recorded in `calls`. */
export interface FakeAction {
  verb: 'get' | 'list' | 'watch' | 'create' | 'update' | 'patch' | 'delete';
  gvr: Gvr;
  namespace: string;
  name?: string;
  opts?: unknown;
  body?: unknown;
}

export interface FakeApiClientOptions {
  clock?: Clock;
  /** Events kept for watches resuming from a resourceVersion (default 1000); older ones get 410. */
  historyLimit?: number;
  /** Per-watch buffer; an overflowing watch ends with a 410 error, as the server's (default 10,000). */
  watchBuffer?: number;
  /** Kind of each resource (default: the resource name, singular-cased, e.g. configmaps -> Configmap). */
  kinds?: Record<string, string>;
}

interface HistoryEvent {
  rv: number;
  gk: string;
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  obj: KubeObject;
}

interface FakeWatcher {
  gk: string;
  namespace: string;
  opts: ClientWatchOptions;
  queue: BoundedQueue<ClientWatchEvent>;
}

const gvrKey = (g: Gvr) => `${g.group}/${g.resource}`;

/**
 * An in-memory ApiClient for unit tests of the client machinery and of controllers: one
 * global resourceVersion counter, CRUD with optimistic concurrency (a stale resourceVersion
 * on update is a 409 Conflict), lists with simple label/field selectors and limit/continue,
 * and watches that replay the last `historyLimit` events (older positions get 410 Expired).
 * Namespaces are not validated and there is no defaulting or admission.
 *
 * Fault injection: `onCall` runs before every call and may throw (the call fails) or await;
 * `expireContinueTokens`, `compactHistory`, `sendWatchError`, `endWatches` and
 * `sendBookmarks` drive the reflector through its failure paths. `calls` records every call.
 */
export class FakeApiClient implements ApiClient {
  readonly calls: FakeAction[] = [];
  /** Runs before every call; throw to fail it. */
  onCall: ((a: FakeAction) => void | Promise<void>) | undefined;
  private rv = 0;
  private readonly data = new Map<string, Map<string, KubeObject>>();
  private history: HistoryEvent[] = [];
  private readonly watchers = new Set<FakeWatcher>();
  private readonly clock: Clock;
  private readonly historyLimit: number;
  private readonly watchBuffer: number;
  private readonly kinds: Record<string, string>;
  private continueEpoch = 0;
  /** Watches must start at or after this resourceVersion. */
  private compactedUpTo = 0;

  constructor(opts: FakeApiClientOptions = {}) {
    this.clock = opts.clock ?? realClock;
    this.historyLimit = opts.historyLimit ?? 1000;
    this.watchBuffer = opts.watchBuffer ?? 10_000;
    this.kinds = opts.kinds ?? {};
  }

  /** The current global resourceVersion. */
  get resourceVersion(): string {
    return String(this.rv);
  }

  /** Objects of a resource (copies), sorted by key. */
  objects(g: Gvr, namespace = ''): KubeObject[] {
    return this.select(g, namespace, {}).map((o) => deepClone(o));
  }

  /** Open watches of a resource. */
  watchCount(g: Gvr): number {
    let n = 0;
    for (const w of this.watchers) if (w.gk === gvrKey(g)) n++;
    return n;
  }

  /** Makes every continue token issued so far answer 410 Expired. */
  expireContinueTokens(): void {
    this.continueEpoch++;
  }

  /** Forgets every held event: watches from any past resourceVersion get 410 Expired. */
  compactHistory(): void {
    this.history = [];
    this.compactedUpTo = this.rv;
  }

  /** Sends an ERROR event with this Status to every open watch of `g`, then ends them. */
  sendWatchError(g: Gvr, status: { code: number; reason: string; message: string }): void {
    for (const w of [...this.watchers]) {
      if (w.gk !== gvrKey(g)) continue;
      w.queue.push({ type: 'ERROR', object: { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', ...status } });
      w.queue.close();
      this.watchers.delete(w);
    }
  }

  /** Ends every open watch of `g` normally (as a server-side timeout does). */
  endWatches(g: Gvr): void {
    for (const w of [...this.watchers]) {
      if (w.gk !== gvrKey(g)) continue;
      w.queue.close();
      this.watchers.delete(w);
    }
  }

  /** Sends a BOOKMARK at the current resourceVersion to watches of `g` that allow them. */
  sendBookmarks(g: Gvr): void {
    for (const w of this.watchers) {
      if (w.gk !== gvrKey(g) || !w.opts.allowWatchBookmarks) continue;
      w.queue.push({ type: 'BOOKMARK', object: { apiVersion: apiVersionOf(g.group, g.version), kind: this.kindOf(g), metadata: { resourceVersion: String(this.rv) } } });
    }
  }

  // ---- ApiClient ----

  async get(g: Gvr, namespace: string, name: string, opts?: { subresource?: string }): Promise<KubeObject> {
    await this.record({ verb: 'get', gvr: g, namespace, name, opts });
    const obj = this.bucket(g).get(key(namespace, name));
    if (!obj) throw errors.notFound({ group: g.group, resource: g.resource }, name);
    return deepClone(obj);
  }

  async list(g: Gvr, namespace: string, opts: ClientListOptions = {}): Promise<KubeList> {
    await this.record({ verb: 'list', gvr: g, namespace, opts });
    let items = this.select(g, namespace, opts);
    let listRv = this.rv;
    if (opts.continue) {
      const tok = JSON.parse(Buffer.from(opts.continue, 'base64url').toString()) as { rv: number; start: string; epoch: number };
      if (tok.epoch !== this.continueEpoch) {
        throw errors.resourceExpired(
          'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.',
        );
      }
      listRv = tok.rv;
      items = items.filter((o) => keyOf(o) > tok.start);
    }
    const metadata: KubeList['metadata'] = { resourceVersion: String(listRv) };
    if (opts.limit && opts.limit > 0 && items.length > opts.limit) {
      items = items.slice(0, opts.limit);
      metadata.continue = Buffer.from(JSON.stringify({ rv: listRv, start: keyOf(items[items.length - 1]!), epoch: this.continueEpoch })).toString('base64url');
    }
    return {
      apiVersion: apiVersionOf(g.group, g.version),
      kind: `${this.kindOf(g)}List`,
      metadata,
      items: items.map((o) => deepClone(o)),
    };
  }

  async watch(g: Gvr, namespace: string, opts: ClientWatchOptions = {}): Promise<ClientWatch> {
    await this.record({ verb: 'watch', gvr: g, namespace, opts });
    const rv = opts.resourceVersion ? Number(opts.resourceVersion) : 0;
    const w: FakeWatcher = {
      gk: gvrKey(g),
      namespace,
      opts,
      queue: new BoundedQueue<ClientWatchEvent>(this.watchBuffer, () => errors.resourceExpired('the watcher fell too far behind')),
    };
    if (rv === 0) {
      for (const o of this.select(g, namespace, opts)) w.queue.push({ type: 'ADDED', object: deepClone(o) });
    } else {
      const oldest = this.history.length ? this.history[0]!.rv - 1 : this.rv;
      if (rv < Math.max(oldest, this.compactedUpTo)) {
        throw errors.resourceExpired(`too old resource version: ${rv} (${Math.max(oldest, this.compactedUpTo)})`);
      }
      for (const e of this.history) if (e.rv > rv && this.matches(w, e.obj)) w.queue.push({ type: e.type, object: deepClone(e.obj) });
    }
    this.watchers.add(w);
    return {
      close: () => {
        w.queue.close();
        this.watchers.delete(w);
      },
      [Symbol.asyncIterator]: () => w.queue[Symbol.asyncIterator](),
    };
  }

  async create(g: Gvr, namespace: string, obj: KubeObject, opts?: WriteOptions): Promise<KubeObject> {
    await this.record({ verb: 'create', gvr: g, namespace, opts, body: obj });
    const o = deepClone(obj);
    const meta = (o.metadata ??= {});
    if (!meta.name && meta.generateName) meta.name = meta.generateName + Math.random().toString(36).slice(2, 7);
    if (!meta.name) throw errors.badRequest('name or generateName is required');
    if (namespace) meta.namespace = namespace;
    const k = key(namespace, meta.name);
    if (this.bucket(g).has(k)) throw errors.alreadyExists({ group: g.group, resource: g.resource }, meta.name);
    if (opts?.dryRun) return o;
    o.apiVersion = apiVersionOf(g.group, g.version);
    o.kind = this.kindOf(g);
    meta.uid = randomUUID();
    meta.creationTimestamp = new Date(this.clock.now()).toISOString().replace(/\.\d{3}Z$/, 'Z');
    return this.store(g, k, o, 'ADDED');
  }

  async update(g: Gvr, namespace: string, obj: KubeObject, opts?: WriteOptions): Promise<KubeObject> {
    await this.record({ verb: 'update', gvr: g, namespace, name: obj.metadata?.name, opts, body: obj });
    const name = obj.metadata?.name ?? '';
    const k = key(namespace, name);
    const cur = this.bucket(g).get(k);
    const gr = { group: g.group, resource: g.resource };
    if (!cur) throw errors.notFound(gr, name);
    const sent = obj.metadata?.resourceVersion;
    if (sent && sent !== cur.metadata?.resourceVersion) throw errors.modified(gr, name);
    const o = deepClone(obj);
    o.apiVersion = cur.apiVersion;
    o.kind = cur.kind;
    o.metadata = { ...o.metadata, uid: cur.metadata?.uid, creationTimestamp: cur.metadata?.creationTimestamp, namespace: cur.metadata?.namespace };
    if (opts?.dryRun) return o;
    return this.store(g, k, o, 'MODIFIED');
  }

  async patch(g: Gvr, namespace: string, name: string, type: PatchType, patch: unknown, opts?: PatchOptions): Promise<KubeObject> {
    await this.record({ verb: 'patch', gvr: g, namespace, name, opts: { ...opts, type }, body: patch });
    if (type !== 'merge' && type !== 'strategic') throw errors.badRequest(`FakeApiClient: ${type} patches are not supported`);
    const k = key(namespace, name);
    const cur = this.bucket(g).get(k);
    if (!cur) throw errors.notFound({ group: g.group, resource: g.resource }, name);
    const body = typeof patch === 'string' ? (JSON.parse(patch) as unknown) : patch;
    const o = mergePatch(deepClone(cur), body) as KubeObject;
    o.metadata = { ...o.metadata, name, uid: cur.metadata?.uid, namespace: cur.metadata?.namespace };
    const sent = isObject(body) && isObject(body.metadata) ? body.metadata.resourceVersion : undefined;
    if (sent !== undefined && sent !== cur.metadata?.resourceVersion) throw errors.modified({ group: g.group, resource: g.resource }, name);
    if (opts?.dryRun) return o;
    return this.store(g, k, o, 'MODIFIED');
  }

  async delete(g: Gvr, namespace: string, name: string, opts?: ClientDeleteOptions): Promise<KubeObject | undefined> {
    await this.record({ verb: 'delete', gvr: g, namespace, name, opts });
    const k = key(namespace, name);
    const cur = this.bucket(g).get(k);
    const gr = { group: g.group, resource: g.resource };
    if (!cur) throw errors.notFound(gr, name);
    const pre = opts?.preconditions;
    if (pre?.resourceVersion && pre.resourceVersion !== cur.metadata?.resourceVersion) throw errors.modified(gr, name);
    if (pre?.uid && pre.uid !== cur.metadata?.uid) throw errors.conflict(gr, name, 'the UID in the precondition does not match');
    if (opts?.dryRun) return deepClone(cur);
    this.bucket(g).delete(k);
    const gone = deepClone(cur);
    gone.metadata = { ...gone.metadata, resourceVersion: String(++this.rv) };
    this.publish(gvrKey(g), 'DELETED', gone);
    return deepClone(gone);
  }

  // ---- internals ----

  private async record(a: FakeAction): Promise<void> {
    this.calls.push(a);
    await this.onCall?.(a);
  }

  private kindOf(g: Gvr): string {
    const k = this.kinds[g.resource];
    if (k) return k;
    const singular = g.resource.endsWith('ses') ? g.resource.slice(0, -2) : g.resource.replace(/s$/, '');
    return singular.charAt(0).toUpperCase() + singular.slice(1);
  }

  private bucket(g: Gvr): Map<string, KubeObject> {
    let b = this.data.get(gvrKey(g));
    if (!b) this.data.set(gvrKey(g), (b = new Map()));
    return b;
  }

  private store(g: Gvr, k: string, o: KubeObject, type: 'ADDED' | 'MODIFIED'): KubeObject {
    o.metadata!.resourceVersion = String(++this.rv);
    this.bucket(g).set(k, o);
    this.publish(gvrKey(g), type, o);
    return deepClone(o);
  }

  private publish(gk: string, type: HistoryEvent['type'], obj: KubeObject): void {
    const e: HistoryEvent = { rv: this.rv, gk, type, obj: deepClone(obj) };
    this.history.push(e);
    if (this.history.length > this.historyLimit) this.history.splice(0, this.history.length - this.historyLimit);
    for (const w of [...this.watchers]) {
      if (w.gk !== gk || !this.matches(w, obj)) continue;
      if (!w.queue.push({ type, object: deepClone(obj) })) this.watchers.delete(w);
    }
  }

  private matches(w: FakeWatcher, obj: KubeObject): boolean {
    if (w.namespace && obj.metadata?.namespace !== w.namespace) return false;
    return selectorMatches(obj, w.opts);
  }

  private select(g: Gvr, namespace: string, opts: { labelSelector?: string; fieldSelector?: string }): KubeObject[] {
    const out: KubeObject[] = [];
    for (const o of this.bucket(g).values()) {
      if (namespace && o.metadata?.namespace !== namespace) continue;
      if (selectorMatches(o, opts)) out.push(o);
    }
    return out.sort((a, b) => (keyOf(a) < keyOf(b) ? -1 : keyOf(a) > keyOf(b) ? 1 : 0));
  }
}

const key = (namespace: string, name: string) => (namespace ? `${namespace}/${name}` : name);
const keyOf = (o: KubeObject) => key(o.metadata?.namespace ?? '', o.metadata?.name ?? '');

/** Equality-based label (`a=b`, `a!=b`, `a`, `!a`) and field (`metadata.name=x`) selectors. */
function selectorMatches(obj: KubeObject, opts: { labelSelector?: string; fieldSelector?: string }): boolean {
  const labels = obj.metadata?.labels ?? {};
  for (const req of (opts.labelSelector ?? '').split(',').map((s) => s.trim()).filter(Boolean)) {
    let m: RegExpExecArray | null;
    if ((m = /^([^!=\s]+)\s*!=\s*(.*)$/.exec(req))) {
      if (labels[m[1]!] === m[2]) return false;
    } else if ((m = /^([^!=\s]+)\s*==?\s*(.*)$/.exec(req))) {
      if (labels[m[1]!] !== m[2]) return false;
    } else if ((m = /^!\s*(\S+)$/.exec(req))) {
      if (m[1]! in labels) return false;
    } else if (!(req in labels)) return false;
  }
  for (const req of (opts.fieldSelector ?? '').split(',').map((s) => s.trim()).filter(Boolean)) {
    const m = /^([^!=\s]+)\s*(!=|==|=)\s*(.*)$/.exec(req);
    if (!m) continue;
    let v: unknown = obj;
    for (const part of m[1]!.split('.')) v = isObject(v) ? v[part] : undefined;
    const s = v === undefined || v === null ? '' : String(v);
    if ((m[2] === '!=') === (s === m[3])) return false;
  }
  return true;
}

/** RFC 7386 JSON merge patch (also used, as an approximation, for strategic merge patches). */
function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return deepClone(patch);
  const out: Record<string, unknown> = isObject(target) ? target : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}
