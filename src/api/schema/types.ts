/**
 * k8ts' model of a type's schema: the OpenAPI v3 schema subset Kubernetes uses, with its
 * `x-kubernetes-*` extensions. The built-in types' definitions are generated at build time
 * (see scripts/gen-schema.mjs) and loaded through `src/api/schema/index.ts`; CRDs bring
 * their own. Everything that needs to know a field's type or merge semantics — OpenAPI,
 * strategic merge patch, server-side apply, unknown-field detection — reads this model.
 */
export interface Schema {
  /** Name of a definition in the same registry, e.g. `io.k8s.api.core.v1.PodSpec`. */
  $ref?: string;
  type?: 'object' | 'array' | 'string' | 'integer' | 'number' | 'boolean';
  /** int32, int64, double, byte, date-time, int-or-string, ... */
  format?: string;
  description?: string;
  properties?: Record<string, Schema>;
  /** For maps (`map[string]T`): the schema of the values. */
  additionalProperties?: Schema | boolean;
  items?: Schema;
  required?: string[];
  enum?: unknown[];
  default?: unknown;
  nullable?: boolean;
  // Strategic merge patch metadata.
  'x-kubernetes-patch-strategy'?: string;
  'x-kubernetes-patch-merge-key'?: string;
  // Server-side apply metadata.
  'x-kubernetes-list-type'?: 'atomic' | 'set' | 'map';
  'x-kubernetes-list-map-keys'?: string[];
  'x-kubernetes-map-type'?: 'atomic' | 'granular';
  'x-kubernetes-int-or-string'?: boolean;
  'x-kubernetes-preserve-unknown-fields'?: boolean;
  'x-kubernetes-embedded-resource'?: boolean;
  /** On top-level kinds: the group/version/kinds this definition is served as. */
  'x-kubernetes-group-version-kind'?: { group: string; version: string; kind: string }[];
  // Remaining OpenAPI keywords CRD schemas may use.
  [keyword: string]: unknown;
}

export interface SchemaDefinitions {
  [definitionName: string]: Schema;
}
