/**
 * Sets of completion indexes as sorted, non-overlapping, non-adjacent intervals, in the text
 * form Job status uses (`completedIndexes`, `failedIndexes`): "1,3-5,7" where two adjacent
 * indexes are written "3,4" and three or more as a range (upstream's orderedIntervals).
 */

export interface Interval {
  first: number;
  last: number;
}

export class IndexSet {
  /** Sorted; no two intervals overlap or touch. */
  readonly intervals: readonly Interval[];

  constructor(intervals: readonly Interval[] = []) {
    this.intervals = intervals;
  }

  /**
   * Parses the status text, ignoring indexes at or beyond `completions` (a range is cut
   * there) and malformed parts, as upstream's parseIndexesFromString.
   */
  static parse(text: string | undefined | null, completions: number): IndexSet {
    if (!text) return new IndexSet();
    const out: Interval[] = [];
    for (const part of text.split(',')) {
      const limits = part.split('-');
      const first = parseGoAtoi(limits[0]!);
      if (first === undefined) continue;
      if (first >= completions) break;
      let last = first;
      if (limits.length > 1) {
        const l = parseGoAtoi(limits[1]!);
        if (l === undefined) continue;
        last = Math.min(l, completions - 1);
      }
      const prev = out[out.length - 1];
      if (prev && prev.last === first - 1) prev.last = last;
      else out.push({ first, last });
    }
    return new IndexSet(out);
  }

  /** Indexes given in increasing order. */
  static of(indexes: Iterable<number>): IndexSet {
    return new IndexSet().withIndexes(indexes);
  }

  /** This set plus `indexes` (any order, duplicates allowed). */
  withIndexes(indexes: Iterable<number>): IndexSet {
    const sorted = [...new Set(indexes)].sort((a, b) => a - b);
    return this.merge(new IndexSet(sorted.map((i) => ({ first: i, last: i }))));
  }

  merge(other: IndexSet): IndexSet {
    const all = [...this.intervals, ...other.intervals].sort((a, b) => a.first - b.first);
    const out: Interval[] = [];
    for (const iv of all) {
      const prev = out[out.length - 1];
      if (!prev || iv.first > prev.last + 1) out.push({ ...iv });
      else if (prev.last < iv.last) prev.last = iv.last;
    }
    return new IndexSet(out);
  }

  has(ix: number): boolean {
    let lo = 0;
    let hi = this.intervals.length;
    while (hi > lo) {
      const mid = (lo + hi) >> 1;
      if (this.intervals[mid]!.last >= ix) hi = mid;
      else lo = mid + 1;
    }
    return hi < this.intervals.length && this.intervals[hi]!.first <= ix;
  }

  total(): number {
    return this.intervals.reduce((n, iv) => n + iv.last - iv.first + 1, 0);
  }

  toString(): string {
    return this.intervals
      .map((iv) => (iv.last === iv.first ? `${iv.first}` : iv.last === iv.first + 1 ? `${iv.first},${iv.last}` : `${iv.first}-${iv.last}`))
      .join(',');
  }

  /**
   * The first `count` indexes below `completions` that are not in this set (upstream's
   * firstPendingIndexes, with the non-pending indexes merged into this set).
   */
  firstMissing(count: number, completions: number): number[] {
    const out: number[] = [];
    let candidate = 0;
    for (const iv of this.intervals) {
      for (; candidate < completions && out.length < count && candidate < iv.first; candidate++) out.push(candidate);
      if (candidate < iv.last + 1) candidate = iv.last + 1;
    }
    for (; candidate < completions && out.length < count; candidate++) out.push(candidate);
    return out;
  }
}

/** Go's strconv.Atoi for the digits the status may hold (undefined when not an int). */
function parseGoAtoi(s: string): number | undefined {
  if (!/^[+-]?[0-9]+$/.test(s)) return undefined;
  const n = Number(s);
  return Number.isSafeInteger(n) ? n : undefined;
}
