import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { loadKubeconfig, RestClient } from '../../src/client/index.js';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { runK8ts, startServerProcess, tempDir } from './helpers.js';

describe('k8ts CLI', () => {
  it('k8ts server serves HTTPS with its own CA, writes a kubeconfig, keeps data in --data-dir, and stops on SIGTERM', async () => {
    const dir = tempDir();
    let srv: Awaited<ReturnType<typeof startServerProcess>> | undefined;
    try {
      srv = await startServerProcess(['--data-dir', dir.path, '--port', '0', '--disable-agent']);
      assert.equal(srv.kubeconfig, join(dir.path, 'kubeconfig.yaml'));
      assert.match(srv.url, /^https:\/\/127\.0\.0\.1:\d+$/);
      const client = new RestClient(loadKubeconfig(srv.kubeconfig));
      try {
        for (const p of ['/readyz', '/livez', '/healthz']) assert.equal((await client.request({ path: p })).status, 200, p);
        const version = (await client.request({ path: '/version' })).json<{ major: string; minor: string; gitVersion: string }>();
        assert.equal(version.major, '1');
        assert.equal(version.minor, '32');
        assert.match(version.gitVersion, /^v1\.32\./);
        const ns = (await client.request({ path: '/api/v1/namespaces/default' })).json<{ metadata: { name: string } }>();
        assert.equal(ns.metadata.name, 'default');
      } finally {
        client.close();
      }
      for (const f of ['db/state.db', 'pki/ca.crt', 'pki/server.crt', 'pki/admin.key', 'kubeconfig.yaml']) {
        assert.ok(existsSync(join(dir.path, f)), `${f} lives in the data dir`);
      }
      const code = await srv.stop();
      srv = undefined;
      assert.equal(code, 0, 'clean exit on SIGTERM');
    } finally {
      await srv?.stop();
      dir.remove();
    }
  });

  it('keeps its PKI and data across restarts', async () => {
    const dir = tempDir();
    try {
      const first = await startServerProcess(['--data-dir', dir.path, '--port', '0', '--disable-agent']);
      const ca1 = readFileSync(join(dir.path, 'pki', 'ca.crt'), 'utf8');
      let client = new RestClient(loadKubeconfig(first.kubeconfig));
      const created = await client.request({ method: 'POST', path: '/api/v1/namespaces/default/configmaps', body: { metadata: { name: 'keep' }, data: { a: '1' } } });
      assert.equal(created.status, 201);
      client.close();
      assert.equal(await first.stop(), 0);
      const second = await startServerProcess(['--data-dir', dir.path, '--port', '0', '--disable-agent']);
      try {
        assert.equal(readFileSync(join(dir.path, 'pki', 'ca.crt'), 'utf8'), ca1, 'the CA is reused');
        client = new RestClient(loadKubeconfig(second.kubeconfig));
        const got = await client.request({ path: '/api/v1/namespaces/default/configmaps/keep' });
        assert.equal(got.status, 200);
        assert.deepEqual(got.json<{ data: unknown }>().data, { a: '1' });
        client.close();
      } finally {
        assert.equal(await second.stop(), 0);
      }
    } finally {
      dir.remove();
    }
  });

  it('runs with the memory and etcd-less flags validated', async () => {
    const bad = await runK8ts(['server', '--datastore', 'postgres']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--datastore must be sqlite, etcd or memory/);
    const noEndpoints = await runK8ts(['server', '--datastore', 'etcd']);
    assert.equal(noEndpoints.code, 2);
    assert.match(noEndpoints.stderr, /--etcd-endpoints/);
    const badPort = await runK8ts(['server', '--port', 'http']);
    assert.equal(badPort.code, 2);
  });

  it('says clearly what is not built yet, and exits non-zero', async () => {
    const agent = await runK8ts(['agent', '--server', 'https://127.0.0.1:6443', '--token', 'x']);
    assert.notEqual(agent.code, 0);
    assert.match(agent.stderr, /not built yet/);
    const unknown = await runK8ts(['frobnicate']);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /unknown command/);
    const help = await runK8ts(['--help']);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /k8ts server/);
  });
});
