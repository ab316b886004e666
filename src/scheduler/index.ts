export { Scheduler, SCHEDULER_NAME } from './scheduler.js';
export * from './framework/index.js';
export * from './plugins/index.js';
