import { prioritySortLess, type Plugin, type QueueSortPlugin, type QueuedPodInfo } from '../../framework/index.js';
import { Names } from '../names.js';

/** Orders the active queue: higher spec.priority first, then the pod queued earlier. */
export class PrioritySort implements QueueSortPlugin {
  readonly name = Names.PrioritySort;

  less(a: QueuedPodInfo, b: QueuedPodInfo): boolean {
    return prioritySortLess(a, b);
  }
}

export const newPrioritySort = (): Plugin => new PrioritySort();
