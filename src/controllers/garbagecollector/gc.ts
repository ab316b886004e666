import { isConflict, isNotFound } from '../../apimachinery/status.js';
import type { KubeObject } from '../../apimachinery/types.js';
import { gvr, type Gvr } from '../../client/api-client.js';
import { isTombstone } from '../../client/indexer.js';
import { runWorkers, Workqueue } from '../../client/workqueue.js';
import { logger } from '../../util/log.js';
import type { Controller, ControllerContext, DiscoveredResource, OwnerReference } from '../framework/index.js';

const log = logger('garbage-collector');
const FOREGROUND = 'foregroundDeletion';
const ORPHAN = 'orphan';
/** How often new resources (e.g. from CRDs) are looked for. */
const REDISCOVER_MS = 10_000;

interface Node {
  res: DiscoveredResource;
  obj: KubeObject;
}

const gvrOf = (r: DiscoveredResource): Gvr => gvr(r.group ? `${r.group}/${r.version}` : r.version, r.resource);
const refsOf = (o: KubeObject): OwnerReference[] => (o.metadata?.ownerReferences ?? []) as OwnerReference[];
const groupOf = (apiVersion: string) => (apiVersion.includes('/') ? apiVersion.split('/')[0]! : '');

/**
 * The garbage collector, as kube-controller-manager's: it follows every resource that can be
 * listed, watched and deleted, keeps the ownerReferences graph (uid -> object, owner uid ->
 * dependents) and
 * - deletes dependents whose owners are all gone (checked with a live read by uid before
 *   acting, so a stale cache never deletes anything), and drops references to gone owners
 *   from dependents that still have others;
 * - for an owner deleted in the foreground (finalizer foregroundDeletion), deletes its
 *   dependents (in the foreground too) and removes the finalizer once no dependent with
 *   blockOwnerDeletion remains;
 * - for an owner deleted with orphaning (finalizer orphan), removes the owner's reference
 *   from every dependent, then the finalizer.
 * Events themselves are not followed (as upstream).
 */
export class GarbageCollector implements Controller {
  readonly name = 'garbage-collector';
  private readonly queue: Workqueue<string>;
  private readonly nodes = new Map<string, Node>();
  private readonly dependents = new Map<string, Set<string>>();
  private readonly followed = new Set<string>();
  private byGroupKind = new Map<string, DiscoveredResource>();

  constructor(private readonly ctx: ControllerContext) {
    this.queue = new Workqueue<string>({ clock: ctx.clock });
  }

  async run(signal: AbortSignal): Promise<void> {
    await this.discover(signal);
    const rediscover = (async () => {
      while (!signal.aborted) {
        try {
          await this.ctx.clock.sleep(REDISCOVER_MS, signal);
          await this.discover(signal);
        } catch {
          // aborted, or discovery failed: try again next round
        }
      }
    })();
    await runWorkers(this.queue, (item) => this.reconcile(item), signal, { workers: this.ctx.workers, name: this.name });
    await rediscover;
  }

  private async discover(signal: AbortSignal): Promise<void> {
    const all = await this.ctx.discovery();
    const map = new Map<string, DiscoveredResource>();
    for (const r of all) map.set(`${r.group}|${r.kind}`, r);
    this.byGroupKind = map;
    const fresh: DiscoveredResource[] = [];
    for (const r of all) {
      if (r.resource === 'events' && (r.group === '' || r.group === 'events.k8s.io')) continue;
      if (!['list', 'watch', 'delete'].every((v) => r.verbs.includes(v))) continue;
      const key = `${r.group}/${r.resource}`;
      if (this.followed.has(key)) continue;
      this.followed.add(key);
      fresh.push(r);
      const inf = this.ctx.informers.informerFor(gvrOf(r));
      inf.addEventHandler({
        onAdd: (o) => this.observe(r, o),
        onUpdate: (_old, o) => this.observe(r, o),
        onDelete: (o) => this.forget(isTombstone(o) ? o.obj : o),
      });
    }
    for (const r of fresh) await this.ctx.informers.informerFor(gvrOf(r)).waitForSync(signal);
  }

  private observe(res: DiscoveredResource, obj: KubeObject): void {
    const uid = obj.metadata?.uid;
    if (!uid) return;
    const prev = this.nodes.get(uid);
    if (prev) for (const ref of refsOf(prev.obj)) this.dependents.get(ref.uid)?.delete(uid);
    this.nodes.set(uid, { res, obj });
    for (const ref of refsOf(obj)) {
      let set = this.dependents.get(ref.uid);
      if (!set) this.dependents.set(ref.uid, (set = new Set()));
      set.add(uid);
    }
    if (refsOf(obj).length) this.queue.add(`dep:${uid}`);
    const fin = obj.metadata?.finalizers ?? [];
    if (obj.metadata?.deletionTimestamp && (fin.includes(FOREGROUND) || fin.includes(ORPHAN))) this.queue.add(`own:${uid}`);
  }

  private forget(obj: KubeObject | undefined): void {
    const uid = obj?.metadata?.uid;
    if (!uid) return;
    const node = this.nodes.get(uid);
    this.nodes.delete(uid);
    for (const ref of refsOf(node?.obj ?? obj)) {
      this.dependents.get(ref.uid)?.delete(uid);
      // An owner waiting for its dependents may be done now.
      this.queue.add(`own:${ref.uid}`);
    }
    for (const dep of this.dependents.get(uid) ?? []) this.queue.add(`dep:${dep}`);
  }

  async reconcile(item: string): Promise<{ requeueAfter: number } | void> {
    const uid = item.slice(4);
    if (item.startsWith('dep:')) return this.attemptToDelete(uid);
    return this.processDeletingOwner(uid);
  }

  /** Whether an owner exists: by cache, else by a live read compared by uid. */
  private async ownerState(ref: OwnerReference, namespace: string): Promise<'absent' | 'solid' | 'waiting' | 'unknown'> {
    const cached = this.nodes.get(ref.uid);
    const judge = (o: KubeObject) => (o.metadata?.deletionTimestamp && o.metadata.finalizers?.includes(FOREGROUND) ? 'waiting' : 'solid');
    if (cached) return judge(cached.obj);
    const res = this.byGroupKind.get(`${groupOf(ref.apiVersion)}|${ref.kind}`);
    if (!res) return 'unknown';
    try {
      const live = await this.ctx.client.get(gvrOf(res), res.namespaced ? namespace : '', ref.name);
      return live.metadata?.uid === ref.uid ? judge(live) : 'absent';
    } catch (e: unknown) {
      if (isNotFound(e)) return 'absent';
      throw e;
    }
  }

  private async attemptToDelete(uid: string): Promise<void> {
    const node = this.nodes.get(uid);
    if (!node) return;
    const { res, obj } = node;
    const refs = refsOf(obj);
    if (!refs.length) return;
    const ns = obj.metadata?.namespace ?? '';
    const states = await Promise.all(refs.map(async (r) => ({ ref: r, state: await this.ownerState(r, ns) })));
    if (states.some((s) => s.state === 'unknown')) return;
    const solid = states.filter((s) => s.state === 'solid');
    const dangling = states.filter((s) => s.state === 'absent');
    const waiting = states.filter((s) => s.state === 'waiting');
    const api = gvrOf(res);
    const name = obj.metadata!.name!;
    if (solid.length) {
      // As upstream: a dependent with a live owner stays; references to owners that are gone
      // or being deleted in the foreground are removed from it.
      if (!dangling.length && !waiting.length) return;
      const drop = new Set([...dangling, ...waiting].map((s) => s.ref.uid));
      await this.patchRefs(api, ns, obj, refs.filter((r) => !drop.has(r.uid)));
      return;
    }
    if (obj.metadata?.deletionTimestamp) return;
    const fin = obj.metadata?.finalizers ?? [];
    const policy = waiting.length ? 'Foreground' : fin.includes(ORPHAN) ? 'Orphan' : fin.includes(FOREGROUND) ? 'Foreground' : 'Background';
    log.debug('deleting dependent', { resource: res.resource, namespace: ns, name, policy });
    try {
      await this.ctx.client.delete(api, ns, name, { propagationPolicy: policy, preconditions: { uid } });
    } catch (e: unknown) {
      if (!isNotFound(e) && !isConflict(e)) throw e;
    }
  }

  private async patchRefs(api: Gvr, ns: string, obj: KubeObject, keep: OwnerReference[]): Promise<void> {
    try {
      await this.ctx.client.patch(api, ns, obj.metadata!.name!, 'merge', {
        metadata: { ownerReferences: keep.length ? keep : null, uid: obj.metadata!.uid },
      });
    } catch (e: unknown) {
      if (!isNotFound(e)) throw e;
    }
  }

  private async processDeletingOwner(uid: string): Promise<{ requeueAfter: number } | void> {
    const node = this.nodes.get(uid);
    if (!node || !node.obj.metadata?.deletionTimestamp) return;
    const fin = node.obj.metadata.finalizers ?? [];
    const deps = [...(this.dependents.get(uid) ?? [])].map((d) => this.nodes.get(d)).filter((n): n is Node => !!n);
    if (fin.includes(ORPHAN)) {
      for (const d of deps) {
        await this.patchRefs(gvrOf(d.res), d.obj.metadata?.namespace ?? '', d.obj, refsOf(d.obj).filter((r) => r.uid !== uid));
      }
      await this.removeFinalizer(node, ORPHAN);
      return;
    }
    if (fin.includes(FOREGROUND)) {
      for (const d of deps) if (!d.obj.metadata?.deletionTimestamp) this.queue.add(`dep:${d.obj.metadata!.uid}`);
      const blocking = deps.filter((d) => refsOf(d.obj).some((r) => r.uid === uid && r.blockOwnerDeletion === true));
      if (blocking.length) return { requeueAfter: 1000 };
      await this.removeFinalizer(node, FOREGROUND);
    }
  }

  private async removeFinalizer(node: Node, finalizer: string): Promise<void> {
    const api = gvrOf(node.res);
    const ns = node.obj.metadata?.namespace ?? '';
    const name = node.obj.metadata!.name!;
    for (let attempt = 0; attempt < 5; attempt++) {
      let live: KubeObject;
      try {
        live = await this.ctx.client.get(api, ns, name);
      } catch (e: unknown) {
        if (isNotFound(e)) return;
        throw e;
      }
      if (live.metadata?.uid !== node.obj.metadata?.uid) return;
      const fins = live.metadata?.finalizers ?? [];
      if (!fins.includes(finalizer)) return;
      live.metadata!.finalizers = fins.filter((f) => f !== finalizer);
      try {
        await this.ctx.client.update(api, ns, live);
        return;
      } catch (e: unknown) {
        if (isNotFound(e)) return;
        if (!isConflict(e)) throw e;
      }
    }
    throw new Error(`could not remove finalizer ${finalizer} from ${node.res.resource}/${name}`);
  }
}
