import type { KubeObject } from '../../apimachinery/types.js';
import type { DeleteOptions, RequestContext } from './context.js';

export type { NameRule, TypeStrategy, StrategyOverlay } from '../../api/strategy.js';

/**
 * Hooks that may do I/O (allocations, lookups), run by the generic store around writes.
 * Errors they throw reach the client (throw StatusErrors).
 */
export interface TypeHooks {
  /** After validation, before the object is stored (e.g. allocate a ClusterIP). */
  beforeCreate?(obj: KubeObject, ctx: RequestContext): Promise<void>;
  /** Undo beforeCreate when the create then fails (e.g. release the IP). */
  createFailed?(obj: KubeObject): Promise<void>;
  beforeUpdate?(obj: KubeObject, old: KubeObject, ctx: RequestContext): Promise<void>;
  updateFailed?(obj: KubeObject, old: KubeObject): Promise<void>;
  /** After a successful update (e.g. release what the old object held). */
  afterUpdate?(obj: KubeObject, old: KubeObject): Promise<void>;
  /** After the object is gone from storage (e.g. release its IP). */
  afterDelete?(obj: KubeObject): Promise<void>;
  /**
   * Replaces the generic delete's "remove now / set deletionTimestamp" decision, as the
   * namespace registry does (phase Terminating until its finalizers are done).
   */
  beforeDelete?(obj: KubeObject, opts: DeleteOptions, ctx: RequestContext): Promise<void>;
}
