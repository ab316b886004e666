import { isConflict, isNotFound, isStatusError } from '../../apimachinery/status.js';
import type { KubeObject } from '../../apimachinery/types.js';
import { gvr, type ApiClient, type Gvr } from '../../client/api-client.js';
import { rfc3339 } from '../../client/time-format.js';
import type { Clock } from '../../util/clock.js';
import { logger } from '../../util/log.js';
import { GroupDiscoveryFailedError, type DiscoveredResource, type Discovery } from '../framework/discovery.js';
import { updateConditions, type DeletionReport, type NamespaceCondition } from './conditions.js';

const log = logger('namespace-controller');

export const NAMESPACES = gvr('v1', 'namespaces');
/** The finalizer token of the namespace controller in spec.finalizers. */
export const FINALIZER_KUBERNETES = 'kubernetes';
/** Upstream's default wait for objects that are held by finalizers. */
export const FINALIZER_ESTIMATE_SECONDS = 15;

/** Content is still being removed; try again in about `estimate` seconds (upstream's ResourcesRemainingError). */
export class ResourcesRemainingError extends Error {
  constructor(readonly estimate: number) {
    super(`some content remains in the namespace, estimate ${estimate} seconds before it is removed`);
  }
}

interface GvrResult {
  estimate: number;
  remaining: number;
  finalizers: Map<string, number>;
}

const gvrString = (g: Gvr) => `${g.group}/${g.version}, Resource=${g.resource}`;
const gvrOf = (r: DiscoveredResource): Gvr => ({ group: r.group, version: r.version, resource: r.resource });
const specFinalizers = (ns: KubeObject): string[] => ((ns.spec as { finalizers?: string[] } | undefined)?.finalizers ?? []);
const phaseOf = (ns: KubeObject): string | undefined => (ns.status as { phase?: string } | undefined)?.phase;

export interface NamespacedResourcesDeleterOptions {
  client: ApiClient;
  discovery: Discovery;
  clock: Clock;
}

/**
 * Deletes everything in a namespace being deleted, as upstream's namespaced resources
 * deleter: marks the namespace Terminating, deletes every object of every namespaced
 * resource that supports delete (background propagation), records what remains in the
 * namespace's conditions, and once nothing is left removes "kubernetes" from
 * spec.finalizers through the finalize subresource (the API server then deletes it).
 * Stateless apart from its dependencies; safe for concurrent calls on different namespaces.
 */
export class NamespacedResourcesDeleter {
  constructor(private readonly opts: NamespacedResourcesDeleterOptions) {}

  /**
   * One pass over the namespace. Throws ResourcesRemainingError while content waits for
   * graceful deletion or finalizers, and other errors when something failed (retry later).
   */
  async delete(name: string): Promise<void> {
    const { client } = this.opts;
    let ns: KubeObject;
    try {
      ns = await client.get(NAMESPACES, '', name);
    } catch (e: unknown) {
      if (isNotFound(e)) return;
      throw e;
    }
    if (!ns.metadata?.deletionTimestamp) return;
    try {
      ns = await this.retryOnConflict(ns, (n) => this.markTerminating(n));
    } catch (e: unknown) {
      if (isNotFound(e)) return;
      throw e;
    }
    if (!ns.metadata?.deletionTimestamp) return;
    if (specFinalizers(ns).length === 0) return;
    const { estimate, latest } = await this.deleteAllContent(ns);
    if (estimate > 0) throw new ResourcesRemainingError(estimate);
    try {
      await this.retryOnConflict(latest, (n) => this.finalize(n));
    } catch (e: unknown) {
      // Another controller sharing the finalizer may have finished already.
      if (!isNotFound(e)) throw e;
    }
  }

  /** Runs `fn`, re-reading the namespace after each conflict (same uid required), as upstream. */
  private async retryOnConflict(ns: KubeObject, fn: (ns: KubeObject) => Promise<KubeObject>): Promise<KubeObject> {
    let latest = ns;
    for (;;) {
      try {
        return await fn(latest);
      } catch (e: unknown) {
        if (!isConflict(e)) throw e;
      }
      const prev = latest;
      latest = await this.opts.client.get(NAMESPACES, '', prev.metadata!.name!);
      if (latest.metadata?.uid !== prev.metadata?.uid) throw new Error('namespace uid has changed across retries');
    }
  }

  private async markTerminating(ns: KubeObject): Promise<KubeObject> {
    if (!ns.metadata?.deletionTimestamp || phaseOf(ns) === 'Terminating') return ns;
    const next = { ...ns, status: { ...((ns.status as object | undefined) ?? {}), phase: 'Terminating' } };
    return this.opts.client.update(NAMESPACES, '', next, { subresource: 'status' });
  }

  private async finalize(ns: KubeObject): Promise<KubeObject> {
    const rest = [...new Set(specFinalizers(ns).filter((f) => f !== FINALIZER_KUBERNETES))].sort();
    const next = { ...ns, spec: { ...((ns.spec as object | undefined) ?? {}), finalizers: rest } };
    try {
      return await this.opts.client.update(NAMESPACES, '', next, { subresource: 'finalize' });
    } catch (e: unknown) {
      if (isNotFound(e)) return ns;
      throw e;
    }
  }

  /**
   * Deletes the content of every namespaced resource and updates the conditions. Returns
   * the longest estimate (seconds) of content still going away and the namespace as last
   * written; throws when any resource failed (after writing the conditions).
   */
  private async deleteAllContent(ns: KubeObject): Promise<{ estimate: number; latest: KubeObject }> {
    const name = ns.metadata!.name!;
    const deletedAt = Date.parse(ns.metadata!.deletionTimestamp!);
    const report: DeletionReport = { contentErrors: [], remaining: new Map(), finalizers: new Map() };
    const errs: string[] = [];
    let resources: DiscoveredResource[] = [];
    try {
      resources = await this.opts.discovery();
    } catch (e: unknown) {
      // Not fatal: delete what is known, but do not finalize.
      const msg = (e as Error).message;
      if (e instanceof GroupDiscoveryFailedError) {
        resources = e.resources;
        report.discoveryError = `Discovery failed for some groups, ${e.groups.size} failing: ${msg}`;
      } else {
        report.discoveryError = msg;
      }
      errs.push(msg);
    }
    let estimate = 0;
    for (const r of resources) {
      if (!r.namespaced || !r.verbs.includes('delete')) continue;
      let res: GvrResult;
      try {
        res = await this.deleteAllContentFor(r, name, deletedAt);
      } catch (e: unknown) {
        const partial = (e as { result?: GvrResult }).result;
        res = partial ?? { estimate: 0, remaining: 0, finalizers: new Map() };
        const msg = (e as Error).message;
        errs.push(msg);
        report.contentErrors.push(msg);
      }
      estimate = Math.max(estimate, res.estimate);
      if (res.remaining > 0) {
        report.remaining.set(`${r.resource}.${r.group}`, res.remaining);
        for (const [f, n] of res.finalizers) if (n > 0) report.finalizers.set(f, (report.finalizers.get(f) ?? 0) + n);
      }
    }
    const status = { ...((ns.status as Record<string, unknown> | undefined) ?? {}) };
    const conditions = ((status.conditions as NamespaceCondition[] | undefined) ?? []).map((c) => ({ ...c }));
    // Always written when changed: a condition that failed before and now succeeds must say so.
    let latest = ns;
    if (updateConditions(conditions, report, rfc3339(this.opts.clock.now()))) {
      try {
        latest = await this.opts.client.update(NAMESPACES, '', { ...ns, status: { ...status, conditions } }, { subresource: 'status' });
      } catch (e: unknown) {
        log.warn(`couldn't update status condition for namespace "${name}"`, { error: e });
      }
    }
    if (errs.length) throw new Error(errs.length === 1 ? errs[0] : `[${errs.join(', ')}]`);
    return { estimate, latest };
  }

  private async deleteAllContentFor(r: DiscoveredResource, ns: string, deletedAt: number): Promise<GvrResult> {
    const g = gvrOf(r);
    let estimate = r.group === '' && r.resource === 'pods' ? await this.estimateForPods(ns) : 0;
    if (this.opts.clock.now() - deletedAt >= estimate * 1000) estimate = 0;
    const listable = r.verbs.includes('list');
    const fail = (msg: string, result: GvrResult) => Object.assign(new Error(msg), { result });
    // Without deletecollection in the client, objects are deleted one by one, as upstream
    // does for resources that do not support it.
    if (listable) {
      let items: KubeObject[];
      try {
        items = (await this.opts.client.list(g, ns)).items;
      } catch (e: unknown) {
        if (notSupported(e)) return { estimate, remaining: 0, finalizers: new Map() };
        throw fail((e as Error).message, { estimate, remaining: 0, finalizers: new Map() });
      }
      for (const item of items) {
        try {
          await this.opts.client.delete(g, ns, item.metadata!.name!, { propagationPolicy: 'Background' });
        } catch (e: unknown) {
          if (!notSupported(e)) throw fail((e as Error).message, { estimate, remaining: 0, finalizers: new Map() });
        }
      }
    }
    if (!listable) return { estimate, remaining: 0, finalizers: new Map() };
    let left: KubeObject[];
    try {
      left = (await this.opts.client.list(g, ns)).items;
    } catch (e: unknown) {
      if (notSupported(e)) return { estimate, remaining: 0, finalizers: new Map() };
      throw fail((e as Error).message, { estimate, remaining: 0, finalizers: new Map() });
    }
    if (!left.length) return { estimate: 0, remaining: 0, finalizers: new Map() };
    const finalizers = new Map<string, number>();
    for (const item of left) for (const f of item.metadata?.finalizers ?? []) finalizers.set(f, (finalizers.get(f) ?? 0) + 1);
    if (estimate) return { estimate, remaining: left.length, finalizers };
    // Finalizers are normal; give them time.
    if (finalizers.size) return { estimate: FINALIZER_ESTIMATE_SECONDS, remaining: left.length, finalizers };
    throw fail(`unexpected items still remain in namespace: ${ns} for gvr: ${gvrString(g)}`, { estimate, remaining: left.length, finalizers });
  }

  /** The longest termination grace period of the namespace's non-terminal pods (seconds). */
  private async estimateForPods(ns: string): Promise<number> {
    const pods = (await this.opts.client.list(gvr('v1', 'pods'), ns)).items;
    let estimate = 0;
    for (const pod of pods) {
      const phase = (pod.status as { phase?: string } | undefined)?.phase;
      if (phase === 'Succeeded' || phase === 'Failed') continue;
      // Absent means the API default of 30 s.
      const grace = (pod.spec as { terminationGracePeriodSeconds?: number } | undefined)?.terminationGracePeriodSeconds ?? 30;
      estimate = Math.max(estimate, grace);
    }
    return estimate;
  }
}

/** 405 MethodNotSupported, or 404 for a resource that supports no such verb, as upstream treats them. */
function notSupported(e: unknown): boolean {
  return isStatusError(e) && (e.code === 405 || isNotFound(e));
}
