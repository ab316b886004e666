/**
 * The namespace status conditions the namespace controller maintains while it deletes a
 * namespace's content, with upstream's types, reasons and messages (namespace deletion's
 * condition updater).
 */

export interface NamespaceCondition {
  type: string;
  status: 'True' | 'False';
  lastTransitionTime?: string;
  reason: string;
  message: string;
}

/** The condition types, in the order upstream writes them. */
export const CONDITION_TYPES = [
  'NamespaceDeletionDiscoveryFailure',
  'NamespaceDeletionGroupVersionParsingFailure',
  'NamespaceDeletionContentFailure',
  'NamespaceContentRemaining',
  'NamespaceFinalizersRemaining',
] as const;

const OK: Record<(typeof CONDITION_TYPES)[number], { reason: string; message: string }> = {
  NamespaceDeletionDiscoveryFailure: { reason: 'ResourcesDiscovered', message: 'All resources successfully discovered' },
  NamespaceDeletionGroupVersionParsingFailure: { reason: 'ParsedGroupVersions', message: 'All legacy kube types successfully parsed' },
  NamespaceDeletionContentFailure: { reason: 'ContentDeleted', message: 'All content successfully deleted, may be waiting on finalization' },
  NamespaceContentRemaining: { reason: 'ContentRemoved', message: 'All content successfully removed' },
  NamespaceFinalizersRemaining: { reason: 'ContentHasNoFinalizers', message: 'All content-preserving finalizers finished' },
};

/** What one pass of content deletion found. */
export interface DeletionReport {
  /** Discovery failed (the message), if it did. */
  discoveryError?: string;
  /** One message per resource whose deletion failed. */
  contentErrors: string[];
  /** Remaining objects per resource, keyed `resource.group` (core: `pods.`). */
  remaining: Map<string, number>;
  /** Remaining objects per finalizer. */
  finalizers: Map<string, number>;
}

const sortedEntries = (m: Map<string, number>, fmt: (k: string, n: number) => string) =>
  [...m]
    .filter(([, n]) => n > 0)
    .map(([k, n]) => fmt(k, n))
    .sort();

/** The failing conditions a report calls for (types not listed are "ok"). */
export function failingConditions(r: DeletionReport): Map<string, { reason: string; message: string }> {
  const out = new Map<string, { reason: string; message: string }>();
  if (r.discoveryError !== undefined) out.set('NamespaceDeletionDiscoveryFailure', { reason: 'DiscoveryFailed', message: r.discoveryError });
  if (r.contentErrors.length) {
    const msgs = [...r.contentErrors].sort();
    out.set('NamespaceDeletionContentFailure', {
      reason: 'ContentDeletionFailed',
      message: `Failed to delete all resource types, ${msgs.length} remaining: ${msgs.join(', ')}`,
    });
  }
  const remaining = sortedEntries(r.remaining, (k, n) => `${k} has ${n} resource instances`);
  if (remaining.length) out.set('NamespaceContentRemaining', { reason: 'SomeResourcesRemain', message: `Some resources are remaining: ${remaining.join(', ')}` });
  const finalizers = sortedEntries(r.finalizers, (k, n) => `${k} in ${n} resource instances`);
  if (finalizers.length) {
    out.set('NamespaceFinalizersRemaining', {
      reason: 'SomeFinalizersRemain',
      message: `Some content in the namespace has finalizers remaining: ${finalizers.join(', ')}`,
    });
  }
  return out;
}

/**
 * Merges the conditions a report calls for into `existing` (in place), as upstream: every
 * maintained type is present (the "ok" variant unless failing); a condition changes only
 * when its status, reason or message does, and its lastTransitionTime only when its status
 * does. Returns whether anything changed.
 */
export function updateConditions(existing: NamespaceCondition[], r: DeletionReport, now: string): boolean {
  const failing = failingConditions(r);
  let changed = false;
  for (const type of CONDITION_TYPES) {
    const f = failing.get(type);
    const want: NamespaceCondition = f ? { type, status: 'True', lastTransitionTime: now, ...f } : { type, status: 'False', lastTransitionTime: now, ...OK[type] };
    const old = existing.find((c) => c.type === type);
    if (!old) {
      existing.push(want);
      changed = true;
    } else if (old.status !== want.status || old.reason !== want.reason || old.message !== want.message) {
      if (old.status !== want.status) old.lastTransitionTime = now;
      old.status = want.status;
      old.reason = want.reason;
      old.message = want.message;
      changed = true;
    }
  }
  return changed;
}
