import { MemoryStore } from '../../src/storage/index.js';
import { storeConformance } from './conformance.js';

storeConformance('memory', async () => {
  const store = new MemoryStore();
  return { store, cleanup: () => store.close() };
});
