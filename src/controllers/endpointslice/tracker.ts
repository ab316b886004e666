import type { KubeObject } from '../../apimachinery/types.js';

const DELETION_EXPECTED = -1;

const rvOf = (o: KubeObject): number => Number(o.metadata?.resourceVersion ?? 0) || 0;
const serviceKeyOf = (slice: KubeObject): string | undefined => {
  const svc = slice.metadata?.labels?.['kubernetes.io/service-name'];
  return svc ? `${slice.metadata?.namespace}/${svc}` : undefined;
};

/**
 * What this controller last wrote to each of its slices, as upstream's EndpointSliceTracker,
 * so that a sync working from an informer cache that has not caught up with those writes
 * (a slice older than written, one deleted still cached, one created not yet cached) stops
 * and retries instead of creating duplicates. Upstream compares generations; k8ts compares
 * resourceVersions, which its store orders. Used from the informer callbacks and the
 * workers; JavaScript runs them one at a time.
 */
export class EndpointSliceTracker {
  /** service key -> slice uid -> resourceVersion written (or DELETION_EXPECTED). */
  private readonly byService = new Map<string, Map<string, number>>();

  private mapFor(key: string): Map<string, number> {
    let m = this.byService.get(key);
    if (!m) this.byService.set(key, (m = new Map()));
    return m;
  }

  /** Records a slice as written (the API's response). */
  update(slice: KubeObject): void {
    const key = serviceKeyOf(slice);
    if (key && slice.metadata?.uid) this.mapFor(key).set(slice.metadata.uid, rvOf(slice));
  }

  /** Records that a slice was deleted by this controller. */
  expectDeletion(slice: KubeObject): void {
    const key = serviceKeyOf(slice);
    if (key && slice.metadata?.uid) this.mapFor(key).set(slice.metadata.uid, DELETION_EXPECTED);
  }

  /** A deletion was observed: forget the slice. */
  handleDeletion(slice: KubeObject): boolean {
    const key = serviceKeyOf(slice);
    const m = key ? this.byService.get(key) : undefined;
    const uid = slice.metadata?.uid;
    if (!m || !uid || !m.has(uid)) return false;
    const expected = m.get(uid) === DELETION_EXPECTED;
    m.delete(uid);
    return !expected;
  }

  /** Whether an observed slice differs from what this controller wrote (someone else changed it). */
  shouldSync(slice: KubeObject): boolean {
    const key = serviceKeyOf(slice);
    const uid = slice.metadata?.uid;
    const g = key && uid ? this.byService.get(key)?.get(uid) : undefined;
    return g === undefined || rvOf(slice) > g;
  }

  /** Whether `slices` (the cache's view of a Service's slices) lags behind this controller's writes. */
  stale(serviceKey: string, slices: KubeObject[]): boolean {
    const m = this.byService.get(serviceKey);
    if (!m) return false;
    const provided = new Set<string>();
    for (const s of slices) {
      const uid = s.metadata?.uid ?? '';
      provided.add(uid);
      const g = m.get(uid);
      if (g !== undefined && (g === DELETION_EXPECTED || g > rvOf(s))) return true;
    }
    for (const [uid, g] of m) if (g !== DELETION_EXPECTED && !provided.has(uid)) return true;
    return false;
  }

  deleteService(namespace: string, name: string): void {
    this.byService.delete(`${namespace}/${name}`);
  }
}
