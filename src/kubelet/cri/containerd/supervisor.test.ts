import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { setLogLevel } from '../../../util/log.js';
import { ContainerdSupervisor, netnsFromSandboxInfo } from './supervisor.js';

// The supervisor around a fake containerd (fixtures/fake-containerd.mjs): restarts, readiness,
// image import and stopping sandboxes through CRI, without the real containerd.

const FAKE = fileURLToPath(new URL('./fixtures/fake-containerd.mjs', import.meta.url));
const FAKE_CTR = fileURLToPath(new URL('./fixtures/fake-ctr.sh', import.meta.url));

async function until(what: string, cond: () => boolean | Promise<boolean>, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await cond()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  assert.fail(`timed out waiting for ${what}`);
}

describe('ContainerdSupervisor (fake containerd)', () => {
  let dir: string;
  // A cgroup root that exists nowhere: the cleanup must find nothing to remove.
  const cgroupRoot = `/k8ts-unit-${randomBytes(4).toString('hex')}`;

  beforeEach(() => {
    setLogLevel(process.env.K8TS_LOG === 'debug' ? 'debug' : 'silent');
    dir = mkdtempSync(join(tmpdir(), 'k8ts-sup-'));
  });
  afterEach(() => {
    delete process.env.FAKE_CONTAINERD_MODE;
    delete process.env.FAKE_CTR_LOG;
    rmSync(dir, { recursive: true, force: true });
  });

  function supervisor(extra: Partial<ConstructorParameters<typeof ContainerdSupervisor>[0]> = {}): ContainerdSupervisor {
    return new ContainerdSupervisor({
      dir: join(dir, 'containerd'),
      containerdPath: FAKE,
      cgroupRoot,
      restartBackoff: { initialMs: 10, maxMs: 40 },
      readyTimeoutMs: 10_000,
      stopGraceMs: 2000,
      ...extra,
    });
  }

  /** Runs the supervisor around `body`, and always stops it (so nothing outlives the test). */
  async function supervise(sup: ContainerdSupervisor, body: (run: Promise<void>, ac: AbortController) => Promise<void>): Promise<void> {
    const ac = new AbortController();
    const run = sup.run(ac.signal);
    try {
      await body(run, ac);
    } finally {
      ac.abort();
      await run.catch(() => undefined);
    }
  }

  it('waits until the socket answers, restarts containerd when it dies, and stops sandboxes through CRI', async () => {
    const sup = supervisor();
    mkdirSync(sup.dir, { recursive: true });
    writeFileSync(join(sup.dir, 'fake-sandboxes.json'), JSON.stringify([{ id: 'sb-a', netns: '' }, { id: 'sb-b' }]));
    await supervise(sup, async () => {
      await sup.waitReady(AbortSignal.timeout(20_000));
      assert.equal(sup.ready, true);
      assert.match(readFileSync(sup.configPath, 'utf8'), new RegExp(`address = "${sup.socketPath}"`));
      const rt = sup.runtime();
      try {
        assert.equal((await rt.version()).runtimeName, 'fake-containerd');
        const first = sup.pid!;
        process.kill(first, 'SIGKILL');
        await until('the restart', () => sup.restarts === 1);
        await sup.waitReady(AbortSignal.timeout(20_000));
        assert.notEqual(sup.pid, first);
        assert.match(sup.lastError!.message, /containerd exited \(signal SIGKILL\)/);
        assert.equal((await rt.version()).runtimeName, 'fake-containerd', 'the client reconnects by itself');
      } finally {
        rt.close();
      }
    });
    assert.equal(sup.ready, false);
    assert.deepEqual(sup.lastShutdown!.stoppedSandboxes, ['sb-a', 'sb-b']);
    assert.deepEqual(readFileSync(join(sup.dir, 'fake-stopped.log'), 'utf8').trim().split('\n'), ['sb-a', 'sb-b']);
    assert.deepEqual(sup.lastShutdown!.removedCgroups, []);
    assert.equal(existsSync(sup.socketPath), false, 'socket removed');
    assert.equal(sup.pid, undefined);
    await assert.rejects(sup.waitReady(), /stopped/);
  });

  it('keeps restarting a containerd that exits at once, with backoff, until stopped', async () => {
    process.env.FAKE_CONTAINERD_MODE = 'exit';
    const sup = supervisor();
    const waiting = sup.waitReady();
    await supervise(sup, async () => {
      await until('three restarts', () => sup.restarts >= 3);
      assert.equal(sup.ready, false);
      assert.match(sup.lastError!.message, /exit code 1/);
      assert.match(sup.lastError!.message, /failing on purpose/, 'the error carries the log tail');
      assert.match(sup.logTail(), /fake containerd: failing on purpose/);
    });
    await assert.rejects(waiting, /stopped/, 'waiters are released when run ends');
    assert.deepEqual(sup.lastShutdown!.stoppedSandboxes, []);
  });

  it('kills a containerd that never answers and tries again', async () => {
    process.env.FAKE_CONTAINERD_MODE = 'silent';
    const sup = supervisor({ readyTimeoutMs: 300 });
    await supervise(sup, async () => {
      await until('a restart after the ready timeout', () => sup.restarts >= 1);
      assert.match(sup.lastError!.message, /did not answer within 300 ms/);
    });
  });

  it('imports image archives once it answers', async () => {
    const images = join(dir, 'images');
    mkdirSync(images);
    writeFileSync(join(images, 'b.tar'), '');
    writeFileSync(join(images, 'a.tar'), '');
    writeFileSync(join(images, 'notes.txt'), '');
    process.env.FAKE_CTR_LOG = join(dir, 'ctr.log');
    const sup = supervisor({ imageDirs: [images], ctrPath: FAKE_CTR });
    await supervise(sup, async () => {
      await sup.waitReady(AbortSignal.timeout(20_000));
      const calls = readFileSync(join(dir, 'ctr.log'), 'utf8').trim().split('\n');
      assert.deepEqual(calls, [
        `-n k8s.io --address ${sup.socketPath} images import ${join(images, 'a.tar')}`,
        `-n k8s.io --address ${sup.socketPath} images import ${join(images, 'b.tar')}`,
      ]);
    });
  });

  it('refuses a second concurrent run', async () => {
    const sup = supervisor();
    await supervise(sup, async (_run, ac) => {
      await assert.rejects(sup.run(ac.signal), /already running/);
    });
  });

  it('reads the netns path from containerd verbose sandbox info', () => {
    const info = { info: JSON.stringify({ runtimeSpec: { linux: { namespaces: [{ type: 'pid' }, { type: 'network', path: '/var/run/netns/cni-1' }] } } }) };
    assert.equal(netnsFromSandboxInfo(info), '/var/run/netns/cni-1');
    assert.equal(netnsFromSandboxInfo({ info: JSON.stringify({ runtimeSpec: { linux: { namespaces: [{ type: 'pid' }] } } }) }), undefined, 'host network');
    assert.equal(netnsFromSandboxInfo({}), undefined);
    assert.equal(netnsFromSandboxInfo({ info: 'not json' }), undefined);
  });
});
