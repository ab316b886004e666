import {
  ActionType,
  Code,
  EventResource,
  QueueingHint,
  Status,
  type ClusterEventWithHint,
  type EnqueueExtensions,
  type MaybeStatus,
  type Pod,
  type PreEnqueuePlugin,
} from '../../framework/index.js';
import { Names } from '../names.js';

/** Keeps pods with spec.schedulingGates out of the active queue until every gate is removed. */
export class SchedulingGates implements PreEnqueuePlugin, EnqueueExtensions {
  readonly name = Names.SchedulingGates;

  preEnqueue(pod: Pod): MaybeStatus {
    const gates = pod.spec?.schedulingGates ?? [];
    if (gates.length === 0) return undefined;
    return Status.of(Code.UnschedulableAndUnresolvable, `waiting for scheduling gates: [${gates.map((g) => g.name).join(' ')}]`);
  }

  eventsToRegister(): ClusterEventWithHint[] {
    return [
      {
        event: { resource: EventResource.UnscheduledPod, actionType: ActionType.UpdatePodSchedulingGatesEliminated },
        hint: (pod, _old, newObj) => {
          const p = newObj as Pod | undefined;
          return p?.metadata?.uid === pod.metadata.uid ? QueueingHint.Queue : QueueingHint.QueueSkip;
        },
      },
    ];
  }
}

export const newSchedulingGates = (): SchedulingGates => new SchedulingGates();
