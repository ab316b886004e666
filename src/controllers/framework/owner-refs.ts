import type { KubeObject } from '../../apimachinery/types.js';

export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

/** The owner reference with controller=true, as metav1.GetControllerOf. */
export function controllerRefOf(obj: KubeObject): OwnerReference | undefined {
  const refs = (obj.metadata?.ownerReferences ?? []) as OwnerReference[];
  return refs.find((r) => r.controller === true);
}

/** A controller reference to `owner` (controller and blockOwnerDeletion set), as metav1.NewControllerRef. */
export function newControllerRef(owner: KubeObject, apiVersion: string, kind: string): OwnerReference {
  return { apiVersion, kind, name: owner.metadata!.name!, uid: owner.metadata!.uid!, controller: true, blockOwnerDeletion: true };
}

/** Whether `obj` is controlled by the object with this uid. */
export function isControlledBy(obj: KubeObject, ownerUid: string): boolean {
  return controllerRefOf(obj)?.uid === ownerUid;
}

/** `namespace/name` or `name` for cluster-scoped objects: the workqueue key, as client-go's MetaNamespaceKeyFunc. */
export function keyOf(obj: KubeObject): string {
  const ns = obj.metadata?.namespace;
  return ns ? `${ns}/${obj.metadata!.name}` : obj.metadata!.name!;
}

/** The inverse of keyOf. */
export function splitKeyOf(key: string): { namespace: string; name: string } {
  const i = key.indexOf('/');
  return i < 0 ? { namespace: '', name: key } : { namespace: key.slice(0, i), name: key.slice(i + 1) };
}
