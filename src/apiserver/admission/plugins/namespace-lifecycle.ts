import { errors, StatusError, StatusReason } from '../../../apimachinery/status.js';
import type { KubeObject } from '../../../apimachinery/types.js';
import type { AdmissionAttributes, AdmissionPlugin } from '../interface.js';

/** Namespaces that cannot be deleted, as upstream. */
export const IMMORTAL_NAMESPACES = new Set(['default', 'kube-system', 'kube-public']);

/**
 * NamespaceLifecycle, as upstream's plugin: nothing is created in a namespace that does
 * not exist or is being terminated, and the system namespaces cannot be deleted.
 */
export class NamespaceLifecycle implements AdmissionPlugin {
  readonly name = 'NamespaceLifecycle';
  readonly operations = ['CREATE', 'DELETE'] as const;

  constructor(private readonly getNamespace: (name: string) => Promise<KubeObject | undefined>) {}

  async validate(a: AdmissionAttributes): Promise<void> {
    if (a.operation === 'DELETE') {
      if (a.resource.group === '' && a.resource.resource === 'namespaces' && IMMORTAL_NAMESPACES.has(a.name)) {
        throw errors.forbidden({ group: '', resource: 'namespaces' }, a.name, 'this namespace may not be deleted');
      }
      return;
    }
    if (!a.namespace || (a.resource.group === '' && a.resource.resource === 'namespaces')) return;
    // Creating subresources of existing objects (evictions, tokens, bindings) is allowed.
    if (a.subresource) return;
    const ns = await this.getNamespace(a.namespace);
    if (!ns) throw errors.notFound({ group: '', resource: 'namespaces' }, a.namespace);
    const terminating = !!ns.metadata?.deletionTimestamp || (ns.status as { phase?: string } | undefined)?.phase === 'Terminating';
    if (terminating) {
      throw new StatusError(
        403,
        StatusReason.Forbidden,
        `${a.resource.group ? `${a.resource.resource}.${a.resource.group}` : a.resource.resource} "${a.name}" is forbidden: unable to create new content in namespace ${a.namespace} because it is being terminated`,
        {
          name: a.name || undefined,
          group: a.resource.group || undefined,
          kind: a.resource.resource,
          causes: [{ reason: 'NamespaceTerminating', message: `namespace ${a.namespace} is being terminated`, field: 'metadata.namespace' }],
        },
      );
    }
  }
}
