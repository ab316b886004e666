export type {
  GetResult,
  KeyValue,
  ListOptions,
  ListResult,
  ReadOptions,
  Store,
  WatchEvent,
  WatchOptions,
  Watcher,
  WriteOptions,
} from './interface.js';
export * from './errors.js';
export { MemoryStore, type MemoryStoreOptions } from './memory/memory-store.js';
export { SqliteStore, type SqliteStoreOptions } from './sqlite/sqlite-store.js';
export { EtcdStore, type EtcdStoreOptions } from './etcd/etcd-store.js';
export { startEtcd, etcdBinary, freePort, type EtcdProcess } from './etcd/etcd-process.js';
export { Compactor, type CompactorOptions } from './compactor.js';
export { openStore, Datastore, type StoreConfig } from './open.js';
