import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { runK8ts, startServerProcess, tempDir } from './helpers.js';

describe('k8ts CLI', () => {
  it('k8ts server serves /readyz, /livez and /version, keeps data in --data-dir, and stops on SIGTERM', async () => {
    const dir = tempDir();
    try {
      const srv = await startServerProcess(['--data-dir', dir.path, '--port', '0', '--disable-agent']);
      const ready = await fetch(`${srv.url}/readyz`);
      assert.equal(ready.status, 200);
      assert.equal((await fetch(`${srv.url}/livez`)).status, 200);
      const version = (await (await fetch(`${srv.url}/version`)).json()) as { major: string; minor: string; gitVersion: string };
      assert.equal(version.major, '1');
      assert.equal(version.minor, '32');
      assert.match(version.gitVersion, /^v1\.32\./);
      assert.ok(existsSync(join(dir.path, 'db', 'state.db')), 'the sqlite store lives in the data dir');
      const code = await srv.stop();
      assert.equal(code, 0, `clean exit on SIGTERM; stderr:\n${srv.stderr()}`);
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
