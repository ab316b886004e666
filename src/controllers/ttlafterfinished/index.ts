/**
 * The TTL-after-finished controller (kube-controller-manager's "ttl-after-finished").
 */
import type { ControllerFactory } from '../framework/types.js';
import { TtlAfterFinishedController } from './controller.js';

export { TtlAfterFinishedController, jobFinishTime, needsCleanup, timeLeft } from './controller.js';

export const ttlAfterFinishedController: ControllerFactory = (ctx) => new TtlAfterFinishedController(ctx);
