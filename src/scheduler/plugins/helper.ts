/** Score normalization shared by several plugins. */
import { MAX_NODE_SCORE, type NodeScore } from '../framework/index.js';

/**
 * Scales scores so the highest becomes `max` (upstream's DefaultNormalizeScore); with
 * `reverse` the order flips (max - scaled). All-zero scores stay 0, or become `max` when reversed.
 */
export function defaultNormalizeScore(scores: NodeScore[], reverse: boolean, max = MAX_NODE_SCORE): void {
  let highest = 0;
  for (const s of scores) if (s.score > highest) highest = s.score;
  if (highest === 0) {
    if (reverse) for (const s of scores) s.score = max;
    return;
  }
  for (const s of scores) {
    let v = Math.trunc((max * s.score) / highest);
    if (reverse) v = max - v;
    s.score = v;
  }
}
