import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EtcdStore, startEtcd } from '../../src/storage/index.js';
import { storeConformance } from './conformance.js';

// A real etcd (Debian etcd-server, installed by scripts/install-deps.sh) on free loopback ports.
storeConformance('etcd', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'k8ts-etcd-'));
  const etcd = await startEtcd({ dataDir: dir });
  const store = new EtcdStore({ endpoints: [etcd.endpoint] });
  return {
    store,
    cleanup: async () => {
      await store.close();
      await etcd.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});
