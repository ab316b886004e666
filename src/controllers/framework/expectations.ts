import { realClock, type Clock } from '../../util/clock.js';

/** How long an unmet expectation holds before a controller acts anyway (upstream's ExpectationsTimeout). */
export const EXPECTATIONS_TIMEOUT_MS = 5 * 60 * 1000;

interface Expectation {
  add: number;
  del: number;
  setAt: number;
}

/**
 * Creations and deletions a controller has asked for and not yet seen in its informer cache,
 * per controller key, as upstream's ControllerExpectations. A controller sets expectations
 * before writing, lowers them from its informer handlers (or when a write fails), and only
 * creates or deletes again once they are satisfied: that keeps it from acting twice on a
 * cache that lags behind its own writes.
 *
 * Satisfied means: no record, both counts at or below zero, or the record older than
 * EXPECTATIONS_TIMEOUT_MS (a lost watch event must not wedge the controller). Bounded by the
 * number of keys the controller handles; `deleteExpectations` drops a key for good. Safe to
 * call from handlers and workers alike (single-threaded JavaScript).
 */
export class ControllerExpectations {
  private readonly records = new Map<string, Expectation>();
  private readonly clock: Clock;

  constructor(clock: Clock = realClock) {
    this.clock = clock;
  }

  satisfied(key: string): boolean {
    const e = this.records.get(key);
    if (!e) return true;
    if (e.add <= 0 && e.del <= 0) return true;
    return this.clock.now() - e.setAt > EXPECTATIONS_TIMEOUT_MS;
  }

  /** Replaces the key's expectations. */
  set(key: string, add: number, del: number): void {
    this.records.set(key, { add, del, setAt: this.clock.now() });
  }

  expectCreations(key: string, n: number): void {
    this.set(key, n, 0);
  }

  expectDeletions(key: string, n: number): void {
    this.set(key, 0, n);
  }

  /** Lowers the expected counts (no record: nothing to lower). */
  lower(key: string, add: number, del: number): void {
    const e = this.records.get(key);
    if (!e) return;
    e.add -= add;
    e.del -= del;
  }

  /** Raises the expected counts of an existing record. */
  raise(key: string, add: number, del: number): void {
    const e = this.records.get(key);
    if (!e) return;
    e.add += add;
    e.del += del;
  }

  creationObserved(key: string): void {
    this.lower(key, 1, 0);
  }

  deletionObserved(key: string): void {
    this.lower(key, 0, 1);
  }

  delete(key: string): void {
    this.records.delete(key);
  }

  /** The pending counts (for tests and logs). */
  pending(key: string): { add: number; del: number } | undefined {
    const e = this.records.get(key);
    return e ? { add: e.add, del: e.del } : undefined;
  }
}
