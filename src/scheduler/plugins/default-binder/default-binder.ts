import { gvr } from '../../../client/api-client.js';
import type { BindPlugin, CycleState, Handle, MaybeStatus, Pod } from '../../framework/index.js';
import { Names } from '../names.js';

const PODS = gvr('v1', 'pods');

/** Binds the pod by creating its binding subresource (POST pods/NAME/binding), as upstream's DefaultBinder. */
export class DefaultBinder implements BindPlugin {
  readonly name = Names.DefaultBinder;

  constructor(private readonly handle: Handle) {}

  async bind(_state: CycleState, pod: Pod, nodeName: string): Promise<MaybeStatus> {
    await this.handle.client.create(
      PODS,
      pod.metadata.namespace ?? '',
      {
        apiVersion: 'v1',
        kind: 'Binding',
        metadata: { namespace: pod.metadata.namespace, name: pod.metadata.name, uid: pod.metadata.uid },
        target: { kind: 'Node', name: nodeName },
      },
      { subresource: 'binding' },
    );
    return undefined;
  }
}

export const newDefaultBinder = (h: Handle) => new DefaultBinder(h);
