import type { GroupVersionKind, GroupVersionResource, KubeObject } from '../../apimachinery/types.js';
import type { UserInfo } from '../registry/context.js';

export type AdmissionOperation = 'CREATE' | 'UPDATE' | 'DELETE' | 'CONNECT';

/** What admission plugins see of a request (upstream's admission.Attributes). */
export interface AdmissionAttributes {
  operation: AdmissionOperation;
  kind: GroupVersionKind;
  resource: GroupVersionResource;
  subresource: string;
  namespace: string;
  name: string;
  /** The object being written (mutating plugins may change it in place). Absent on DELETE. */
  object?: KubeObject;
  /** The stored object, on UPDATE and DELETE. */
  oldObject?: KubeObject;
  user: UserInfo;
  dryRun: boolean;
}

/**
 * An admission plugin. Mutating plugins implement `admit` (run first, in order, may change
 * `object`); validating plugins implement `validate` (run after validation of the object,
 * must not change it). Either rejects a request by throwing a StatusError.
 */
export interface AdmissionPlugin {
  readonly name: string;
  /** Operations this plugin cares about (others skip it). */
  readonly operations: readonly AdmissionOperation[];
  admit?(a: AdmissionAttributes): void | Promise<void>;
  validate?(a: AdmissionAttributes): void | Promise<void>;
}

/** Runs plugins in order. */
export class AdmissionChain {
  constructor(private readonly plugins: readonly AdmissionPlugin[]) {}

  async admit(a: AdmissionAttributes): Promise<void> {
    for (const p of this.plugins) if (p.admit && p.operations.includes(a.operation)) await p.admit(a);
  }

  async validate(a: AdmissionAttributes): Promise<void> {
    for (const p of this.plugins) if (p.validate && p.operations.includes(a.operation)) await p.validate(a);
  }

  get names(): string[] {
    return this.plugins.map((p) => p.name);
  }
}
