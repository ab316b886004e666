import type { GroupVersionResource, KubeList, KubeObject } from '../apimachinery/types.js';

/** A resource addressed by group, version and (plural) resource name. */
export type Gvr = GroupVersionResource;

export interface ClientListOptions {
  labelSelector?: string;
  fieldSelector?: string;
  limit?: number;
  continue?: string;
  resourceVersion?: string;
  resourceVersionMatch?: 'NotOlderThan' | 'Exact';
}

export interface ClientWatchOptions {
  labelSelector?: string;
  fieldSelector?: string;
  resourceVersion?: string;
  allowWatchBookmarks?: boolean;
  timeoutSeconds?: number;
}

export interface ClientWatchEvent {
  type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';
  object: KubeObject;
}

/** A watch stream; iterate once. Ends normally when the server ends it; `close()` stops it. */
export interface ClientWatch extends AsyncIterable<ClientWatchEvent> {
  close(): void;
}

export interface WriteOptions {
  dryRun?: boolean;
  fieldManager?: string;
  subresource?: string;
}

export type PatchType = 'json' | 'merge' | 'strategic' | 'apply';

export interface PatchOptions extends WriteOptions {
  force?: boolean;
}

export interface ClientDeleteOptions {
  gracePeriodSeconds?: number;
  propagationPolicy?: 'Orphan' | 'Background' | 'Foreground';
  preconditions?: { uid?: string; resourceVersion?: string };
  dryRun?: boolean;
}

/**
 * The Kubernetes API as controllers, the scheduler and the kubelet use it. Two
 * implementations with the same behaviour: `InProcessClient` (inside `k8ts server`, calling
 * the registry directly) and `HttpClient` (over HTTPS, for separate processes). Failures
 * are StatusErrors with the API's codes and reasons in both. Returned objects belong to
 * the caller (they are copies).
 */
export interface ApiClient {
  get(gvr: Gvr, namespace: string, name: string, opts?: { subresource?: string }): Promise<KubeObject>;
  list(gvr: Gvr, namespace: string, opts?: ClientListOptions): Promise<KubeList>;
  watch(gvr: Gvr, namespace: string, opts?: ClientWatchOptions): Promise<ClientWatch>;
  create(gvr: Gvr, namespace: string, obj: KubeObject, opts?: WriteOptions): Promise<KubeObject>;
  update(gvr: Gvr, namespace: string, obj: KubeObject, opts?: WriteOptions): Promise<KubeObject>;
  patch(gvr: Gvr, namespace: string, name: string, type: PatchType, patch: unknown, opts?: PatchOptions): Promise<KubeObject>;
  delete(gvr: Gvr, namespace: string, name: string, opts?: ClientDeleteOptions): Promise<KubeObject | undefined>;
}

/** Helper: a GVR from `apps/v1` + `deployments`. */
export function gvr(apiVersion: string, resource: string): Gvr {
  const i = apiVersion.indexOf('/');
  return i < 0
    ? { group: '', version: apiVersion, resource }
    : { group: apiVersion.slice(0, i), version: apiVersion.slice(i + 1), resource };
}

/** The URL path of a resource collection or object. */
export function resourcePath(g: Gvr, namespace: string, name?: string, subresource?: string): string {
  let p = g.group ? `/apis/${g.group}/${g.version}` : `/api/${g.version}`;
  if (namespace) p += `/namespaces/${encodeURIComponent(namespace)}`;
  p += `/${g.resource}`;
  if (name) p += `/${encodeURIComponent(name)}`;
  if (subresource) p += `/${subresource}`;
  return p;
}
