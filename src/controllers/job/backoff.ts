import type { KubeObject } from '../../apimachinery/types.js';
import { finishedTime } from './pods.js';

/** Upstream's pod-failure backoff: 10 s, doubling per consecutive failure, capped at 10 min (DefaultJobPodFailureBackOff/MaxJobPodFailureBackOff). */
export const DEFAULT_POD_FAILURE_BACKOFF_MS = 10_000;
export const MAX_POD_FAILURE_BACKOFF_MS = 10 * 60_000;

/** Consecutive pod failures of a Job since its last success, and when the last one happened. */
export interface BackoffRecord {
  key: string;
  failuresAfterLastSuccess: number;
  lastFailureTime?: number;
}

/**
 * The delay still to wait before creating a replacement pod after `failures` consecutive
 * failures, the last at `lastFailure` (upstream's getRemainingTimeForFailuresCount): the base
 * doubles per failure after the first, up to the maximum; 0 once it has elapsed.
 */
export function remainingBackoff(nowMs: number, failures: number, lastFailure: number | undefined, baseMs = DEFAULT_POD_FAILURE_BACKOFF_MS, maxMs = MAX_POD_FAILURE_BACKOFF_MS): number {
  if (failures <= 0 || lastFailure === undefined) return 0;
  let delay = baseMs;
  for (let i = 1; i < failures; i++) {
    delay *= 2;
    if (delay >= maxMs) {
      delay = maxMs;
      break;
    }
  }
  const elapsed = nowMs - lastFailure;
  return delay < elapsed ? 0 : delay - elapsed;
}

/**
 * Per-Job backoff records, kept in memory by the controller (as upstream's backoffStore):
 * bounded by the number of unfinished Jobs (records are removed when a Job finishes or goes).
 */
export class BackoffStore {
  private readonly records = new Map<string, BackoffRecord>();

  /**
   * The record after accounting for pods newly seen finished (upstream's newBackoffRecord):
   * failures only add up; a success resets the count to the failures that came after it.
   */
  next(key: string, newSucceeded: KubeObject[], newFailed: KubeObject[]): BackoffRecord {
    const old = this.records.get(key);
    const rec: BackoffRecord = { key, failuresAfterLastSuccess: old?.failuresAfterLastSuccess ?? 0, lastFailureTime: old?.lastFailureTime };
    const succ = newSucceeded.map(finishedTime).sort((a, b) => a - b);
    const fail = newFailed.map(finishedTime).sort((a, b) => a - b);
    if (!succ.length) {
      if (!fail.length) return rec;
      rec.failuresAfterLastSuccess += fail.length;
      rec.lastFailureTime = fail[fail.length - 1];
      return rec;
    }
    rec.failuresAfterLastSuccess = 0;
    rec.lastFailureTime = undefined;
    const lastSuccess = succ[succ.length - 1]!;
    for (let i = fail.length - 1; i >= 0; i--) {
      if (!(fail[i]! > lastSuccess)) break;
      rec.lastFailureTime ??= fail[i];
      rec.failuresAfterLastSuccess++;
    }
    return rec;
  }

  update(rec: BackoffRecord): void {
    this.records.set(rec.key, { ...rec });
  }

  remove(key: string): void {
    this.records.delete(key);
  }
}
