import type { KubeObject } from '../../apimachinery/types.js';

/** Who is making a request, as authentication established it. */
export interface UserInfo {
  name: string;
  uid?: string;
  groups: string[];
  extra?: Record<string, string[]>;
}

export type FieldValidation = 'Strict' | 'Warn' | 'Ignore';

/**
 * Everything the registry needs to know about the request besides the object itself.
 * `warnings` collects the texts returned to the client as `Warning: 299 - "..."` headers.
 */
export interface RequestContext {
  user: UserInfo;
  dryRun: boolean;
  fieldManager?: string;
  /** PATCH's `force` (server-side apply only). */
  force?: boolean;
  /** The client's User-Agent: names the field manager of non-apply writes without one. */
  userAgent?: string;
  fieldValidation: FieldValidation;
  warnings: string[];
  /** Aborts with the client connection. */
  signal?: AbortSignal;
  /** Set by server-side apply: the managedFields the write must store (no Update tracking). */
  appliedManagedFields?: import('../../apimachinery/types.js').ManagedFieldsEntry[];
}

/**
 * The field manager of a non-apply write: the fieldManager parameter, else the User-Agent up
 * to its first '/' (as kube-apiserver: "kubectl/v1.32.0 (linux/amd64) ..." -> "kubectl").
 */
export function managerOf(ctx: RequestContext): string {
  if (ctx.fieldManager) return ctx.fieldManager;
  const ua = ctx.userAgent ?? '';
  const prefix = ua.split('/')[0]!.trim();
  return prefix || 'unknown';
}

export function systemContext(name = 'system:apiserver', groups = ['system:masters']): RequestContext {
  return { user: { name, groups: [...groups, 'system:authenticated'] }, dryRun: false, fieldValidation: 'Ignore', warnings: [] };
}

export interface Preconditions {
  uid?: string;
  resourceVersion?: string;
}

/** meta/v1 DeleteOptions, as far as the registry uses it. */
export interface DeleteOptions {
  gracePeriodSeconds?: number;
  preconditions?: Preconditions;
  propagationPolicy?: 'Orphan' | 'Background' | 'Foreground';
  /** Deprecated; maps onto propagationPolicy. */
  orphanDependents?: boolean;
  dryRun?: string[];
}

export interface ListOptions {
  labelSelector?: string;
  fieldSelector?: string;
  limit?: number;
  continue?: string;
  resourceVersion?: string;
  resourceVersionMatch?: 'NotOlderThan' | 'Exact';
}

export interface WatchOptions {
  labelSelector?: string;
  fieldSelector?: string;
  resourceVersion?: string;
  resourceVersionMatch?: 'NotOlderThan' | 'Exact';
  allowWatchBookmarks?: boolean;
  sendInitialEvents?: boolean;
  timeoutSeconds?: number;
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';

export interface ApiWatchEvent {
  type: WatchEventType;
  object: KubeObject;
  /** The object's JSON when already encoded (saves re-encoding on the hot path). */
  json?: string;
}
