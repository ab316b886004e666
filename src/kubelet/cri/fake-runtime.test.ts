import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FakeClock } from '../../util/clock.js';
import { CriError, GrpcCode } from './errors.js';
import { FakeRuntime } from './fake-runtime.js';
import { ContainerState, isNotFound, SandboxState, type ContainerConfig, type ContainerEvent, type PodSandboxConfig } from './runtime.js';

function sandboxConfig(name = 'web', extra: Partial<PodSandboxConfig> = {}): PodSandboxConfig {
  return { metadata: { name, uid: `uid-${name}`, namespace: 'default', attempt: 0 }, logDirectory: `/var/log/pods/default_${name}`, labels: { app: name }, ...extra };
}

function containerConfig(name = 'main', image = 'busybox'): ContainerConfig {
  return { metadata: { name, attempt: 0 }, image: { image }, command: ['sleep', '3600'], logPath: `${name}/0.log`, labels: { c: name } };
}

async function runningContainer(rt: FakeRuntime, sb = sandboxConfig()): Promise<{ sandboxId: string; containerId: string }> {
  const sandboxId = await rt.runPodSandbox(sb);
  const containerId = await rt.createContainer(sandboxId, containerConfig(), sb);
  await rt.startContainer(containerId);
  return { sandboxId, containerId };
}

const notFound = (e: unknown) => isNotFound(e) && e instanceof CriError;

describe('FakeRuntime', () => {
  it('walks a sandbox and its container through their states with timestamps from the clock', async () => {
    const clock = new FakeClock(Date.UTC(2026, 0, 1));
    const rt = new FakeRuntime({ clock, images: ['busybox'] });
    const sb = sandboxConfig();
    const sandboxId = await rt.runPodSandbox(sb);
    const s = await rt.podSandboxStatus(sandboxId);
    assert.equal(s.state, SandboxState.Ready);
    assert.equal(s.createdAt, String(BigInt(Date.UTC(2026, 0, 1)) * 1_000_000n));
    assert.match(s.network!.ip!, /^10\.244\.0\.\d+$/);

    const id = await rt.createContainer(sandboxId, containerConfig(), sb);
    let c = await rt.containerStatus(id);
    assert.equal(c.state, ContainerState.Created);
    assert.equal(c.logPath, '/var/log/pods/default_web/main/0.log');
    assert.equal(c.image.image, 'docker.io/library/busybox:latest');
    assert.match(c.imageRef, /^sha256:[0-9a-f]{64}$/);

    await clock.advance(1000);
    await rt.startContainer(id);
    c = await rt.containerStatus(id);
    assert.equal(c.state, ContainerState.Running);
    assert.equal(c.startedAt, String(BigInt(Date.UTC(2026, 0, 1) + 1000) * 1_000_000n));

    await clock.advance(500);
    await rt.stopContainer(id, 30);
    c = await rt.containerStatus(id);
    assert.equal(c.state, ContainerState.Exited);
    assert.equal(c.exitCode, 137);
    assert.equal(c.finishedAt, String(BigInt(Date.UTC(2026, 0, 1) + 1500) * 1_000_000n));
    await rt.stopContainer(id, 30); // idempotent

    await rt.stopPodSandbox(sandboxId);
    assert.equal((await rt.podSandboxStatus(sandboxId)).state, SandboxState.NotReady);
    await rt.removeContainer(id);
    await rt.removePodSandbox(sandboxId);
    await rt.removePodSandbox(sandboxId); // idempotent
    await rt.removeContainer(id); // idempotent
    assert.deepEqual(await rt.listPodSandbox(), []);
    assert.deepEqual(await rt.listContainers(), []);
  });

  it('answers NOT_FOUND (code 5) for unknown ids, as containerd', async () => {
    const rt = new FakeRuntime();
    await assert.rejects(rt.podSandboxStatus('nope'), notFound);
    await assert.rejects(rt.stopPodSandbox('nope'), notFound);
    await assert.rejects(rt.containerStatus('nope'), notFound);
    await assert.rejects(rt.startContainer('nope'), notFound);
    await assert.rejects(rt.stopContainer('nope', 1), notFound);
    await assert.rejects(rt.execSync('nope', ['true'], 1), notFound);
    await assert.rejects(rt.createContainer('nope', containerConfig(), sandboxConfig()), notFound);
  });

  it('refuses what containerd refuses', async () => {
    const rt = new FakeRuntime({ images: ['busybox'] });
    const sb = sandboxConfig();
    const sandboxId = await rt.runPodSandbox(sb);
    await assert.rejects(rt.runPodSandbox(sb), /failed to reserve sandbox name "web_default_uid-web_0"/);
    await rt.runPodSandbox({ ...sb, metadata: { ...sb.metadata, attempt: 1 } }); // a new attempt is fine
    await assert.rejects(rt.runPodSandbox({ metadata: { name: '', uid: 'u', namespace: 'n', attempt: 0 } }), (e: unknown) => (e as CriError).code === GrpcCode.InvalidArgument);
    await assert.rejects(rt.createContainer(sandboxId, containerConfig('x', 'nginx:1.27'), sb), (e: unknown) => isNotFound(e) && /failed to get image "nginx:1.27"/.test((e as Error).message));
    const id = await rt.createContainer(sandboxId, containerConfig(), sb);
    await assert.rejects(rt.createContainer(sandboxId, containerConfig(), sb), /failed to reserve container name/);
    await assert.rejects(rt.execSync(id, ['true'], 1), /container is in CONTAINER_CREATED state/);
    await rt.startContainer(id);
    await assert.rejects(rt.startContainer(id), /container is in CONTAINER_RUNNING state/);
    await rt.stopPodSandbox(sandboxId);
    assert.equal((await rt.containerStatus(id)).state, ContainerState.Exited, 'stopping a sandbox stops its containers');
    await assert.rejects(rt.createContainer(sandboxId, containerConfig('late'), sb), /is not running/);
  });

  it('gives host-network sandboxes no IP and fails pod-network sandboxes while the network is not ready', async () => {
    const rt = new FakeRuntime();
    const host = await rt.runPodSandbox(sandboxConfig('host', { linux: { securityContext: { namespaceOptions: { network: 2 } } } }));
    assert.equal((await rt.podSandboxStatus(host)).network?.ip, '');
    rt.setNetworkReady(false);
    assert.equal((await rt.status()).conditions.find((c) => c.type === 'NetworkReady')?.status, false);
    await assert.rejects(rt.runPodSandbox(sandboxConfig('pod')), /cni plugin not initialized/);
    await rt.runPodSandbox(sandboxConfig('host2', { linux: { securityContext: { namespaceOptions: { network: 2 } } } }));
    rt.setNetworkReady(true);
    const a = await rt.podSandboxStatus(await rt.runPodSandbox(sandboxConfig('a')));
    const b = await rt.podSandboxStatus(await rt.runPodSandbox(sandboxConfig('b')));
    assert.notEqual(a.network!.ip, b.network!.ip);
  });

  it('records calls in order with their arguments', async () => {
    const rt = new FakeRuntime({ images: ['busybox'] });
    const { containerId } = await runningContainer(rt);
    await rt.execSync(containerId, ['echo', 'hi'], 5);
    assert.deepEqual(rt.methods(), ['runPodSandbox', 'createContainer', 'startContainer', 'execSync']);
    assert.deepEqual(rt.callsOf('execSync'), [[containerId, ['echo', 'hi'], 5]]);
    rt.clearCalls();
    assert.deepEqual(rt.calls, []);
    const bounded = new FakeRuntime({ maxCalls: 2 });
    await bounded.version();
    await bounded.listImages();
    await bounded.listPodSandbox();
    assert.deepEqual(bounded.methods(), ['listImages', 'listPodSandbox']);
  });

  it('injects failures: the next N calls, or calls matching a predicate', async () => {
    const rt = new FakeRuntime({ images: ['busybox'] });
    rt.failNext('runPodSandbox', new CriError(GrpcCode.Unknown, 'failed to setup network'), 2);
    await assert.rejects(rt.runPodSandbox(sandboxConfig('a')), /failed to setup network/);
    await assert.rejects(rt.runPodSandbox(sandboxConfig('a')), /failed to setup network/);
    await rt.runPodSandbox(sandboxConfig('a'));
    assert.equal(rt.callsOf('runPodSandbox').length, 3, 'failed calls are recorded too');

    const remove = rt.failWhen('pullImage', ([image]) => (image === 'private/app:1' ? new CriError(GrpcCode.Unknown, 'pull access denied') : undefined));
    await assert.rejects(rt.pullImage('private/app:1'), /pull access denied/);
    assert.match(await rt.pullImage('public/app:1'), /^sha256:/);
    remove();
    assert.match(await rt.pullImage('private/app:1'), /^sha256:/);
  });

  it('lets containers exit on start or on demand, with reasons', async () => {
    const rt = new FakeRuntime({
      images: ['busybox'],
      exitOnStart: (c) => (c.metadata.name === 'job' ? { exitCode: 0 } : c.metadata.name === 'crash' ? { exitCode: 2 } : undefined),
    });
    const sb = sandboxConfig();
    const sandboxId = await rt.runPodSandbox(sb);
    const job = await rt.createContainer(sandboxId, containerConfig('job'), sb);
    const crash = await rt.createContainer(sandboxId, containerConfig('crash'), sb);
    const main = await rt.createContainer(sandboxId, containerConfig('main'), sb);
    for (const id of [job, crash, main]) await rt.startContainer(id);
    const statuses = await Promise.all([job, crash, main].map((id) => rt.containerStatus(id)));
    assert.deepEqual(statuses.map((s) => [s.state, s.exitCode, s.reason]), [
      [ContainerState.Exited, 0, 'Completed'],
      [ContainerState.Exited, 2, 'Error'],
      [ContainerState.Running, 0, ''],
    ]);
    rt.exitContainer(main, { exitCode: 137, reason: 'OOMKilled', message: 'out of memory' });
    const s = await rt.containerStatus(main);
    assert.deepEqual([s.state, s.exitCode, s.reason, s.message], [ContainerState.Exited, 137, 'OOMKilled', 'out of memory']);
    assert.throws(() => rt.exitContainer('nope', { exitCode: 1 }), notFound);
  });

  it('runs exec through the handler', async () => {
    const rt = new FakeRuntime({
      images: ['busybox'],
      execHandler: (_id, cmd) => ({ stdout: Buffer.from(cmd.join(' ')), stderr: new Uint8Array(), exitCode: cmd[0] === 'false' ? 1 : 0 }),
    });
    const { containerId } = await runningContainer(rt);
    const ok = await rt.execSync(containerId, ['echo', 'a'], 1);
    assert.equal(Buffer.from(ok.stdout).toString(), 'echo a');
    assert.equal((await rt.execSync(containerId, ['false'], 1)).exitCode, 1);
    assert.match((await rt.exec({ containerId, cmd: ['sh'], tty: true, stdin: true, stdout: true, stderr: false })).url, /^http:\/\/127\.0\.0\.1:0\/exec\//);
  });

  it('filters lists by id prefix, sandbox, state and labels', async () => {
    const rt = new FakeRuntime({ images: ['busybox'] });
    const a = await runningContainer(rt, sandboxConfig('a'));
    const b = await runningContainer(rt, sandboxConfig('b'));
    await rt.stopPodSandbox(b.sandboxId);
    assert.deepEqual((await rt.listPodSandbox({ state: { state: SandboxState.Ready } })).map((s) => s.id), [a.sandboxId]);
    assert.deepEqual((await rt.listPodSandbox({ labelSelector: { app: 'b' } })).map((s) => s.id), [b.sandboxId]);
    assert.deepEqual((await rt.listPodSandbox({ id: a.sandboxId.slice(0, 12) })).map((s) => s.id), [a.sandboxId]);
    assert.deepEqual((await rt.listContainers({ podSandboxId: b.sandboxId })).map((c) => c.id), [b.containerId]);
    assert.deepEqual((await rt.listContainers({ state: { state: ContainerState.Running } })).map((c) => c.id), [a.containerId]);
    assert.deepEqual((await rt.listContainers({ labelSelector: { c: 'main' } })).length, 2);
    assert.equal((await rt.containerStatus(a.containerId.slice(0, 12))).id, a.containerId, 'a unique id prefix resolves');
  });

  it('normalises image references like containerd', async () => {
    const rt = new FakeRuntime({ images: ['docker.io/library/busybox:latest'] });
    assert.ok(await rt.imageStatus('busybox'));
    assert.ok(await rt.imageStatus('busybox:latest'));
    assert.equal(await rt.imageStatus('busybox:1.36'), undefined);
    const ref = await rt.pullImage('nginx:1.27');
    assert.deepEqual((await rt.imageStatus('docker.io/library/nginx:1.27'))?.id, ref);
    assert.equal((await rt.imageStatus(ref))?.repoTags[0], 'docker.io/library/nginx:1.27');
    assert.equal(await rt.pullImage('nginx:1.27'), ref, 'pulling again gives the same image');
    assert.equal((await rt.listImages()).length, 2);
    await rt.removeImage('nginx:1.27');
    await rt.removeImage('nginx:1.27'); // idempotent
    assert.equal(await rt.imageStatus('nginx:1.27'), undefined);
  });

  it('streams container events until the signal aborts', async () => {
    const rt = new FakeRuntime({ images: ['busybox'] });
    const ac = new AbortController();
    const seen: ContainerEvent[] = [];
    const done = (async () => {
      for await (const ev of rt.containerEvents(ac.signal)) seen.push(ev);
    })();
    await new Promise((r) => setImmediate(r));
    const { containerId } = await runningContainer(rt);
    await rt.stopContainer(containerId, 0);
    await rt.removeContainer(containerId);
    await new Promise((r) => setImmediate(r));
    ac.abort();
    await done;
    assert.deepEqual(seen.map((e) => [e.containerId, e.containerEventType]), [
      [containerId, 'CONTAINER_CREATED_EVENT'],
      [containerId, 'CONTAINER_STARTED_EVENT'],
      [containerId, 'CONTAINER_STOPPED_EVENT'],
      [containerId, 'CONTAINER_DELETED_EVENT'],
    ]);
    assert.equal(seen[1]!.podSandboxStatus?.state, SandboxState.Ready);
  });

  it('returns copies: callers cannot change its state', async () => {
    const rt = new FakeRuntime({ images: ['busybox'] });
    const { containerId } = await runningContainer(rt);
    const s = await rt.containerStatus(containerId);
    s.state = ContainerState.Exited;
    assert.equal((await rt.containerStatus(containerId)).state, ContainerState.Running);
  });
});
