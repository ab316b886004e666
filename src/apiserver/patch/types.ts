/** The patch kinds this package applies (server-side apply is handled elsewhere). */
export type PatchKind = 'json' | 'merge' | 'strategic';

/** The PATCH request media types kube-apiserver knows. */
export const PatchContentType = {
  JSONPatch: 'application/json-patch+json',
  MergePatch: 'application/merge-patch+json',
  StrategicMergePatch: 'application/strategic-merge-patch+json',
  ApplyYAML: 'application/apply-patch+yaml',
  ApplyCBOR: 'application/apply-patch+cbor',
} as const;
export type PatchContentType = (typeof PatchContentType)[keyof typeof PatchContentType];
