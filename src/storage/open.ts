import { join } from 'node:path';
import type { Clock } from '../util/clock.js';
import { EtcdStore } from './etcd/etcd-store.js';
import type { Store } from './interface.js';
import { MemoryStore } from './memory/memory-store.js';
import { SqliteStore } from './sqlite/sqlite-store.js';

export const Datastore = { sqlite: 'sqlite', etcd: 'etcd', memory: 'memory' } as const;
export type Datastore = (typeof Datastore)[keyof typeof Datastore];

export interface StoreConfig {
  datastore: Datastore;
  /** sqlite: the file lives at DATA_DIR/db/state.db. */
  dataDir?: string;
  etcdEndpoints?: string[];
  clock?: Clock;
}

/** Opens the store the server's flags name. */
export async function openStore(cfg: StoreConfig): Promise<Store> {
  switch (cfg.datastore) {
    case 'memory':
      return new MemoryStore({ clock: cfg.clock });
    case 'sqlite':
      if (!cfg.dataDir) throw new Error('the sqlite datastore needs a data directory');
      return SqliteStore.open({ path: join(cfg.dataDir, 'db', 'state.db'), clock: cfg.clock });
    case 'etcd':
      if (!cfg.etcdEndpoints?.length) throw new Error('--datastore etcd needs --etcd-endpoints');
      return new EtcdStore({ endpoints: cfg.etcdEndpoints });
    default:
      throw new Error(`unknown datastore ${String(cfg.datastore)} (sqlite, etcd or memory)`);
  }
}
