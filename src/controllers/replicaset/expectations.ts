import type { Clock } from '../../util/clock.js';
import { ControllerExpectations } from '../framework/index.js';

/**
 * Expectations that remember which pods (by `namespace/name`) a controller deleted, as
 * upstream's UIDTrackingControllerExpectations. A graceful deletion shows up twice in the
 * informer (deletionTimestamp set, then the object gone); remembering the keys makes each
 * expected deletion count exactly once, whichever of the two arrives first.
 *
 * Bounded like ControllerExpectations: one record and one key set per controller key, both
 * dropped by `delete`. Single-threaded JavaScript: safe to call from handlers and workers.
 */
export class UidTrackingExpectations {
  private readonly counts: ControllerExpectations;
  private readonly deleting = new Map<string, Set<string>>();

  constructor(clock?: Clock) {
    this.counts = new ControllerExpectations(clock);
  }

  satisfied(key: string): boolean {
    return this.counts.satisfied(key);
  }

  expectCreations(key: string, n: number): void {
    this.counts.expectCreations(key, n);
  }

  creationObserved(key: string): void {
    this.counts.creationObserved(key);
  }

  /** Expects the deletion of exactly these pods (replacing any earlier expectation). */
  expectDeletions(key: string, podKeys: readonly string[]): void {
    const set = new Set(podKeys);
    this.deleting.set(key, set);
    this.counts.expectDeletions(key, set.size);
  }

  /** Counts the deletion of `podKey` once, if it was expected. */
  deletionObserved(key: string, podKey: string): void {
    const set = this.deleting.get(key);
    if (!set?.has(podKey)) return;
    set.delete(podKey);
    this.counts.deletionObserved(key);
  }

  delete(key: string): void {
    this.counts.delete(key);
    this.deleting.delete(key);
  }

  /** The pending counts (for tests and logs). */
  pending(key: string): { add: number; del: number } | undefined {
    return this.counts.pending(key);
  }
}
