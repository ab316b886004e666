/** Upstream's SlowStartInitialBatchSize. */
export const SLOW_START_INITIAL_BATCH = 1;

export interface SlowStartResult {
  /** Calls that resolved. */
  successes: number;
  /** The first failure, if any (the remaining batches were skipped). */
  error?: unknown;
}

/**
 * Calls `fn` `count` times in batches of `initialBatch`, then twice as many each time a whole
 * batch succeeded, as upstream's slowStartBatch. The calls of a batch run concurrently; after
 * a batch with a failure no further batch starts (that batch still completes). This keeps a
 * controller whose pods all fail (quota, admission) from sending hundreds of doomed requests.
 */
export async function slowStartBatch(count: number, initialBatch: number, fn: () => Promise<unknown>): Promise<SlowStartResult> {
  let remaining = count;
  let successes = 0;
  for (let batch = Math.min(remaining, initialBatch); batch > 0; batch = Math.min(2 * batch, remaining)) {
    const results = await Promise.allSettled(Array.from({ length: batch }, () => fn()));
    const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    successes += batch - failed.length;
    if (failed.length > 0) return { successes, error: failed[0]!.reason };
    remaining -= batch;
  }
  return { successes };
}
