import assert from 'node:assert/strict';
import { isConflict } from '../../src/apimachinery/status.js';
import type { KubeObject } from '../../src/apimachinery/types.js';
import { gvr, type ApiClient } from '../../src/client/index.js';

export const PODS = gvr('v1', 'pods');
export const PVCS = gvr('v1', 'persistentvolumeclaims');
export const NODES = gvr('v1', 'nodes');
export const EVENTS = gvr('v1', 'events');
export const STS = gvr('apps/v1', 'statefulsets');
export const DS = gvr('apps/v1', 'daemonsets');
export const CRS = gvr('apps/v1', 'controllerrevisions');
export const JOBS = gvr('batch/v1', 'jobs');
export const CRONJOBS = gvr('batch/v1', 'cronjobs');
export const NAMESPACES = gvr('v1', 'namespaces');

/** Polls `cond` until it returns a truthy value (returned) or the deadline passes. */
export async function until<T>(cond: () => T | Promise<T>, what: string, ms = 20_000): Promise<NonNullable<T>> {
  const deadline = Date.now() + ms;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await cond();
      if (v) return v as NonNullable<T>;
    } catch (e: unknown) {
      last = e;
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  assert.fail(`timed out waiting for ${what}${last ? ` (last error: ${(last as Error).message})` : ''}`);
}

export const names = (objs: KubeObject[]): string[] => objs.map((o) => o.metadata!.name!).sort();

export async function listPods(api: ApiClient, ns: string, selector?: string): Promise<KubeObject[]> {
  return (await api.list(PODS, ns, selector ? { labelSelector: selector } : {})).items;
}

/** Reads the object, applies `fn` to it and writes it back (to `subresource` if given), retrying conflicts. */
export async function mutate(api: ApiClient, g: typeof PODS, ns: string, name: string, fn: (o: KubeObject) => void, subresource?: string): Promise<KubeObject> {
  for (let i = 0; ; i++) {
    const o = await api.get(g, ns, name);
    fn(o);
    try {
      return await api.update(g, ns, o, subresource ? { subresource } : {});
    } catch (e: unknown) {
      if (!isConflict(e) || i > 10) throw e;
    }
  }
}

/** Plays the kubelet: sets the pod's phase, Ready condition and container statuses. */
export async function setPodStatus(
  api: ApiClient,
  ns: string,
  name: string,
  phase: string,
  opts: { ready?: boolean; exitCode?: number; readySince?: string; restartCount?: number; conditions?: Record<string, unknown>[] } = {},
): Promise<KubeObject> {
  return mutate(
    api,
    PODS,
    ns,
    name,
    (pod) => {
      const now = opts.readySince ?? new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
      const containers = ((pod.spec as { containers?: { name: string }[] }).containers ?? []).map((c) => c.name);
      const terminated = phase === 'Succeeded' || phase === 'Failed';
      const exitCode = opts.exitCode ?? (phase === 'Failed' ? 1 : 0);
      const conditions: Record<string, unknown>[] = [
        { type: 'Ready', status: opts.ready ? 'True' : 'False', lastTransitionTime: now, ...(terminated ? { reason: 'PodCompleted' } : {}) },
        ...(opts.conditions ?? []),
      ];
      pod.status = {
        phase,
        conditions,
        containerStatuses: containers.map((c) => ({
          name: c,
          ready: !!opts.ready,
          restartCount: opts.restartCount ?? 0,
          image: 'img',
          imageID: '',
          state: terminated
            ? { terminated: { exitCode, reason: exitCode ? 'Error' : 'Completed', startedAt: now, finishedAt: now } }
            : { running: { startedAt: now } },
        })),
      };
    },
    'status',
  );
}

export const runReady = (api: ApiClient, ns: string, name: string) => setPodStatus(api, ns, name, 'Running', { ready: true });

/** Event messages (reason: message) recorded about an object. */
export async function eventsFor(api: ApiClient, ns: string, name: string): Promise<string[]> {
  const evs = (await api.list(EVENTS, ns)).items.filter((e) => (e.involvedObject as { name?: string }).name === name);
  return evs.map((e) => `${e.reason}: ${e.message}`);
}

export async function ensureNamespace(api: ApiClient, name: string): Promise<void> {
  try {
    await api.create(NAMESPACES, '', { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
  } catch {
    // exists
  }
}
