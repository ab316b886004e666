export { Scheduler, truncateMessage, POD_FIELD_SELECTOR, type SchedulerOptions, type SchedulerLeaderElection } from './scheduler.js';
export { EventsRecorder, EVENTS_V1, NOTE_LENGTH_LIMIT, type EventsRecorderOptions, type EventV1 } from './events.js';
export * from './framework/index.js';
export { IN_TREE_PLUGINS, DEFAULT_PLUGINS, Names } from './plugins/index.js';
