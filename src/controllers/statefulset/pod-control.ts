import { isAlreadyExists, isConflict, isNotFound } from '../../apimachinery/status.js';
import type { KubeObject } from '../../apimachinery/types.js';
import { gvr, type ApiClient } from '../../client/api-client.js';
import { EventType, type EventRecorder } from '../../client/event-recorder.js';
import type { Lister } from '../../client/lister.js';
import { deepClone } from '../../util/deep.js';
import { PODS, controllerReference, messageOf } from '../framework/pod-control.js';
import {
  claimIsStaleFor,
  claimsFor,
  identityMatches,
  isClaimOwnerUpToDate,
  storageMatches,
  updateClaimOwnerRefs,
  updateIdentity,
  updateStorage,
} from './identity.js';
import { RetentionPolicy, type StatefulSet } from './types.js';

export const PVCS = gvr('v1', 'persistentvolumeclaims');

const title = (verb: string) => verb[0]!.toUpperCase() + verb.slice(1);

/**
 * The StatefulSet controller's writes to pods and claims, with upstream's events
 * (StatefulPodControl): "create Pod web-0 in StatefulSet web successful", "create Claim
 * www-web-0 Pod web-0 in StatefulSet web success", and the Failed* warnings. Claims are
 * read from the informer cache, as upstream's claim lister.
 */
export class StatefulPodControl {
  constructor(
    private readonly client: ApiClient,
    private readonly recorder: EventRecorder,
    private readonly claims: Lister,
  ) {}

  private setRef(set: StatefulSet) {
    return controllerReference(set, 'apps/v1', 'StatefulSet');
  }

  recordPodEvent(verb: string, set: StatefulSet, pod: KubeObject, err?: unknown): void {
    const name = pod.metadata?.name;
    if (err === undefined) {
      this.recorder.event(this.setRef(set), EventType.Normal, `Successful${title(verb)}`, `${verb} Pod ${name} in StatefulSet ${set.metadata!.name} successful`);
    } else {
      this.recorder.event(
        this.setRef(set),
        EventType.Warning,
        `Failed${title(verb)}`,
        `${verb} Pod ${name} in StatefulSet ${set.metadata!.name} failed error: ${messageOf(err)}`,
      );
    }
  }

  private recordClaimEvent(verb: string, set: StatefulSet, pod: KubeObject, claim: KubeObject, err?: unknown): void {
    const c = claim.metadata?.name;
    const p = pod.metadata?.name;
    const s = set.metadata!.name;
    if (err === undefined) {
      this.recorder.event(this.setRef(set), EventType.Normal, `Successful${title(verb)}`, `${verb} Claim ${c} Pod ${p} in StatefulSet ${s} success`);
    } else {
      this.recorder.event(
        this.setRef(set),
        EventType.Warning,
        `Failed${title(verb)}`,
        `${verb} Claim ${c} for Pod ${p} in StatefulSet ${s} failed error: ${messageOf(err)}`,
      );
    }
  }

  private claim(namespace: string, name: string): KubeObject | undefined {
    return this.claims.get(namespace, name);
  }

  /** Creates the pod's claims that do not exist yet (upstream's createPersistentVolumeClaims). */
  async createPersistentVolumeClaims(set: StatefulSet, pod: KubeObject): Promise<void> {
    const errs: Error[] = [];
    for (const claim of claimsFor(set, pod).values()) {
      const ns = claim.metadata!.namespace ?? '';
      const existing = this.claim(ns, claim.metadata!.name!);
      if (existing) {
        if (existing.metadata?.deletionTimestamp) errs.push(new Error(`pvc ${claim.metadata!.name} is being deleted`));
        continue;
      }
      try {
        await this.client.create(PVCS, ns, claim);
        this.recordClaimEvent('create', set, pod, claim);
      } catch (e: unknown) {
        errs.push(new Error(`failed to create PVC ${claim.metadata!.name}: ${messageOf(e)}`));
        if (!isAlreadyExists(e)) this.recordClaimEvent('create', set, pod, claim, e);
      }
    }
    if (errs.length) throw errs.length === 1 ? errs[0] : new Error(`[${errs.map((e) => e.message).join(', ')}]`);
  }

  /**
   * Creates a pod after its claims; an AlreadyExists is returned as is (no event), as
   * upstream, and the claims' owner references are set per the retention policy.
   */
  async createStatefulPod(set: StatefulSet, pod: KubeObject): Promise<void> {
    try {
      await this.createPersistentVolumeClaims(set, pod);
    } catch (e: unknown) {
      this.recordPodEvent('create', set, pod, e);
      throw e;
    }
    let created: KubeObject;
    try {
      created = await this.client.create(PODS, set.metadata!.namespace ?? '', pod);
    } catch (e: unknown) {
      if (isAlreadyExists(e)) throw e;
      this.recordPodEvent('create', set, pod, e);
      throw e;
    }
    try {
      await this.updatePodClaimForRetentionPolicy(set, created);
    } catch (e: unknown) {
      this.recordPodEvent('update', set, pod, e);
      throw e;
    }
    this.recordPodEvent('create', set, pod);
  }

  /**
   * Brings a pod's identity, storage and claim ownership in line with the set, updating the
   * pod (retrying conflicts on a fresh read) when anything was off (upstream's UpdateStatefulPod).
   */
  async updateStatefulPod(set: StatefulSet, original: KubeObject): Promise<void> {
    let pod = deepClone(original);
    let attempted = false;
    let lastErr: unknown;
    for (let attempt = 0; attempt < 5; attempt++) {
      let consistent = true;
      if (!identityMatches(set, pod)) {
        updateIdentity(set, pod);
        consistent = false;
      }
      if (!storageMatches(set, pod)) {
        updateStorage(set, pod);
        consistent = false;
        try {
          await this.createPersistentVolumeClaims(set, pod);
        } catch (e: unknown) {
          this.recordPodEvent('update', set, pod, e);
          throw e;
        }
      }
      let match: boolean;
      try {
        match = this.claimsMatchRetentionPolicy(set, pod);
      } catch (e: unknown) {
        this.recordPodEvent('update', set, pod, e);
        throw e;
      }
      if (!match) {
        try {
          await this.updatePodClaimForRetentionPolicy(set, pod);
        } catch (e: unknown) {
          this.recordPodEvent('update', set, pod, e);
          throw e;
        }
        consistent = false;
      }
      if (consistent) return;
      attempted = true;
      try {
        await this.client.update(PODS, pod.metadata!.namespace ?? '', pod);
        this.recordPodEvent('update', set, pod);
        return;
      } catch (e: unknown) {
        lastErr = e;
        if (!isConflict(e)) break;
        try {
          pod = await this.client.get(PODS, pod.metadata!.namespace ?? '', pod.metadata!.name!);
        } catch {
          break;
        }
      }
    }
    if (attempted) this.recordPodEvent('update', set, pod, lastErr);
    throw lastErr;
  }

  async deleteStatefulPod(set: StatefulSet, pod: KubeObject): Promise<void> {
    try {
      await this.client.delete(PODS, pod.metadata!.namespace ?? '', pod.metadata!.name!);
    } catch (e: unknown) {
      this.recordPodEvent('delete', set, pod, e);
      throw e;
    }
    this.recordPodEvent('delete', set, pod);
  }

  /** Whether every existing claim of the pod has the owner references the policy asks for (missing claims are skipped). */
  claimsMatchRetentionPolicy(set: StatefulSet, pod: KubeObject): boolean {
    for (const c of claimsFor(set, pod).values()) {
      const claim = this.claim(c.metadata!.namespace ?? '', c.metadata!.name!);
      if (claim && !isClaimOwnerUpToDate(claim, set, pod)) return false;
    }
    return true;
  }

  /** Updates the owner references of the pod's claims per the retention policy. */
  async updatePodClaimForRetentionPolicy(set: StatefulSet, pod: KubeObject): Promise<void> {
    for (const c of claimsFor(set, pod).values()) {
      const name = c.metadata!.name!;
      const claim = this.claim(c.metadata!.namespace ?? '', name);
      if (!claim || isClaimOwnerUpToDate(claim, set, pod)) continue;
      const updated = deepClone(claim);
      updateClaimOwnerRefs(updated, set, pod);
      try {
        await this.client.update(PVCS, updated.metadata!.namespace ?? '', updated);
      } catch (e: unknown) {
        if (isNotFound(e)) continue;
        throw new Error(`could not update claim ${name} for delete policy ownerRefs: ${messageOf(e)}`);
      }
    }
  }

  /** A claim of the pod still owned by an earlier pod of the same ordinal (only when scaled claims are deleted). */
  podClaimIsStale(set: StatefulSet, pod: KubeObject): boolean {
    if (set.spec.persistentVolumeClaimRetentionPolicy.whenScaled !== RetentionPolicy.Delete) return false;
    for (const c of claimsFor(set, pod).values()) {
      const claim = this.claim(c.metadata!.namespace ?? '', c.metadata!.name!);
      if (claim && claimIsStaleFor(claim, pod)) return true;
    }
    return false;
  }
}
