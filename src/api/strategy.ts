import type { FieldError } from '../apimachinery/field-errors.js';
import type { KubeObject } from '../apimachinery/types.js';

/** The parts of DeleteOptions strategies read. */
export interface StrategyDeleteOptions {
  gracePeriodSeconds?: number;
}

/** How metadata.name is validated for a resource (upstream's ValidateNameFunc choices). */
export type NameRule = 'dns-subdomain' | 'dns-label' | 'dns1035-label' | 'path-segment';

/**
 * A type's behaviour in the registry, as upstream's RESTCreateStrategy/RESTUpdateStrategy
 * and friends. Every hook is optional; the generic store does everything common (metadata,
 * resourceVersion, uid, timestamps, status/spec separation, preconditions, finalizers).
 *
 * Hooks receive objects in the served (external) version and may mutate them in place.
 * They must be synchronous and must not do I/O; the async `hooks` (below) are for that.
 */
export interface TypeStrategy {
  /** Maintain metadata.generation: 1 on create, +1 whenever anything but metadata and status changes. */
  generation?: boolean;
  /** How metadata.name is validated (default dns-subdomain). */
  nameRule?: NameRule;
  /** Finalizers without '/' must be kubernetes, orphan or foregroundDeletion (built-ins: true; custom resources: false). */
  standardFinalizerNames?: boolean;
  /** PUT on a missing object creates it (as upstream for e.g. endpoints, leases, events). */
  allowCreateOnUpdate?: boolean;
  /** Return the deleted object rather than a Success status from DELETE. */
  returnDeletedObject?: boolean;
  /** Default propagation policy when the client gives none (default Background). */
  defaultPropagation?: 'Orphan' | 'Background' | 'Foreground';

  /** Sets defaults (upstream's SetDefaults_* for the type). Runs on every write. */
  default?(obj: KubeObject): void;
  /** Create-time normalization, e.g. resetting status (runs before defaulting). */
  prepareForCreate?(obj: KubeObject): void;
  /** Update-time normalization of the main resource (the generic store already keeps status). */
  prepareForUpdate?(obj: KubeObject, old: KubeObject): void;
  /** Update-time normalization of a /status write (the generic store already keeps everything but status). */
  prepareForStatusUpdate?(obj: KubeObject, old: KubeObject): void;

  validate?(obj: KubeObject): FieldError[];
  validateUpdate?(obj: KubeObject, old: KubeObject): FieldError[];
  validateStatusUpdate?(obj: KubeObject, old: KubeObject): FieldError[];
  /** Warnings to return with a successful create/update (e.g. deprecated fields). */
  warnings?(obj: KubeObject, old?: KubeObject): string[];

  /** Fields selectable with ?fieldSelector= beyond metadata.name and metadata.namespace. */
  selectableFields?(obj: KubeObject): Record<string, string>;
  /**
   * Graceful deletion: the grace period in seconds to wait before the object is really
   * removed, or 0/undefined to remove it at once (as upstream's CheckGracefulDelete).
   */
  gracePeriod?(obj: KubeObject, opts: StrategyDeleteOptions): number | undefined;
  /**
   * Whether something other than metadata.finalizers holds a deleted object back (e.g. a
   * namespace's spec.finalizers); such objects are marked deleting instead of removed.
   */
  deletionPending?(obj: KubeObject): boolean;
  /** Marks an object as being deleted beyond the deletionTimestamp (e.g. phase Terminating). */
  markDeleting?(obj: KubeObject): void;
}

/** Strategy parts per resource, keyed `group/resource` (core: `/pods`), merged over the registry's base behaviour. */
export type StrategyOverlay = Record<string, Partial<TypeStrategy>>;
