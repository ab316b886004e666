export { GarbageCollector } from './gc.js';
