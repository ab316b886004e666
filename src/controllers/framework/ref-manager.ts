import { isNotFound } from '../../apimachinery/status.js';
import type { KubeObject } from '../../apimachinery/types.js';
import type { ApiClient, Gvr } from '../../client/api-client.js';
import { controllerRefOf, type OwnerReference } from './owner-refs.js';

export interface ClaimOptions {
  client: ApiClient;
  /** The resource of the objects being claimed (pods, controllerrevisions). */
  gvr: Gvr;
  /** The controller object doing the claiming. */
  owner: KubeObject;
  /** Its controller reference (controller and blockOwnerDeletion set). */
  ownerRef: OwnerReference;
  /** Whether an object belongs to the owner by its labels (the owner's selector). */
  match: (obj: KubeObject) => boolean;
  /**
   * Called once before the first adoption: rejects (throws) when the owner is being deleted
   * or was replaced, as upstream's RecheckDeletionTimestamp (a fresh read, not the cache).
   */
  canAdopt: () => Promise<void>;
  /** Finalizers an adopted object must carry (the Job's tracking finalizer). */
  finalizers?: string[];
}

/**
 * Reconciles controller references of `objs` with the owner, as upstream's
 * ControllerRefManager.Claim*: objects controlled by the owner and matching stay claimed;
 * controlled but no longer matching are released (unless the owner is being deleted);
 * orphans that match, are not being deleted and live in the owner's namespace are adopted
 * through a strategic merge patch that adds the owner reference (and `finalizers`), with the
 * object's uid as a precondition. Objects controlled by someone else are ignored.
 *
 * Returns the claimed objects (adopted ones as patched); throws the first adoption or
 * release error after trying every object, so the caller requeues.
 */
export async function claimObjects(objs: readonly KubeObject[], o: ClaimOptions): Promise<KubeObject[]> {
  const claimed: KubeObject[] = [];
  const errs: unknown[] = [];
  const ownerUid = o.owner.metadata?.uid;
  const ownerDeleting = !!o.owner.metadata?.deletionTimestamp;
  let adoptCheck: Promise<void> | undefined;
  for (const obj of objs) {
    const ref = controllerRefOf(obj);
    const name = obj.metadata!.name!;
    const ns = obj.metadata!.namespace ?? '';
    if (ref) {
      if (ref.uid !== ownerUid) continue;
      if (o.match(obj)) {
        claimed.push(obj);
        continue;
      }
      if (ownerDeleting) continue;
      try {
        await o.client.patch(o.gvr, ns, name, 'strategic', {
          metadata: { ownerReferences: [{ $patch: 'delete', uid: ownerUid }], uid: obj.metadata!.uid },
        });
      } catch (e: unknown) {
        if (!isNotFound(e)) errs.push(e);
      }
      continue;
    }
    if (ownerDeleting || !o.match(obj) || obj.metadata?.deletionTimestamp) continue;
    const ownerNs = o.owner.metadata?.namespace ?? '';
    if (ownerNs && ownerNs !== ns) continue;
    try {
      adoptCheck ??= o.canAdopt();
      await adoptCheck;
      const meta: Record<string, unknown> = { ownerReferences: [{ ...o.ownerRef }], uid: obj.metadata!.uid };
      if (o.finalizers?.length) meta.finalizers = [...o.finalizers];
      const adopted = await o.client.patch(o.gvr, ns, name, 'strategic', { metadata: meta });
      claimed.push(adopted);
    } catch (e: unknown) {
      if (!isNotFound(e)) errs.push(e);
    }
  }
  if (errs.length) throw errs[0];
  return claimed;
}

/**
 * A canAdopt for claimObjects: reads the owner fresh and refuses when it is gone, was
 * replaced (other uid) or is being deleted, with upstream's messages.
 */
export function recheckDeletion(client: ApiClient, ownerGvr: Gvr, owner: KubeObject, kindLabel: string): () => Promise<void> {
  return async () => {
    const m = owner.metadata!;
    const fresh = await client.get(ownerGvr, m.namespace ?? '', m.name!);
    if (fresh.metadata?.uid !== m.uid) {
      throw new Error(`original ${kindLabel} ${m.namespace}/${m.name} is gone: got uid ${fresh.metadata?.uid}, wanted ${m.uid}`);
    }
    if (fresh.metadata?.deletionTimestamp) {
      throw new Error(`${m.namespace}/${m.name} has just been deleted at ${fresh.metadata.deletionTimestamp}`);
    }
  };
}
