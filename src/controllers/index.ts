import type { ControllerFactory } from './framework/index.js';
import { ResourceQuotaController } from './resourcequota/index.js';

export * from './framework/index.js';

/**
 * Every controller `k8ts server` (and `k8ts controller-manager`) can run, by the name
 * kube-controller-manager's --controllers flag uses. All are enabled by default.
 */
export const CONTROLLERS: Record<string, ControllerFactory> = {
  resourcequota: (ctx) => new ResourceQuotaController(ctx),
};
