import assert from 'node:assert/strict';
import * as grpc from '@grpc/grpc-js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CriError } from '../errors.js';
import { criPackageDefinition } from '../proto/index.js';
import { ContainerState, isNotFound, SandboxState } from '../runtime.js';
import { ContainerdRuntime, dropNulls } from './containerd-runtime.js';

// A CRI server in this process on a unix socket in a temp dir, standing in for containerd:
// it records what arrives (as decoded by the same proto) and answers canned responses.

type Handler = (req: Record<string, unknown>) => unknown;
type UnaryCall = grpc.ServerUnaryCall<Record<string, unknown>, unknown>;

function grpcError(code: grpc.status, details: string): grpc.ServiceError {
  return Object.assign(new Error(details), { code, details, metadata: new grpc.Metadata() }) as grpc.ServiceError;
}

describe('ContainerdRuntime (CRI client) against a fake CRI server', () => {
  let dir: string;
  let server: grpc.Server;
  let rt: ContainerdRuntime;
  const received: { method: string; req: Record<string, unknown> }[] = [];
  const handlers: Record<string, Handler> = {};
  let events: ((call: grpc.ServerWritableStream<Record<string, unknown>, unknown>) => void) | undefined;

  function serviceImpl(service: grpc.ServiceDefinition): grpc.UntypedServiceImplementation {
    const impl: grpc.UntypedServiceImplementation = {};
    for (const [name, def] of Object.entries(service)) {
      if (def.responseStream) {
        impl[name] = (call: grpc.ServerWritableStream<Record<string, unknown>, unknown>) => {
          received.push({ method: name, req: call.request });
          if (events) events(call);
          else call.emit('error', grpcError(grpc.status.UNIMPLEMENTED, `unknown method ${name} for service runtime.v1.RuntimeService`));
        };
        continue;
      }
      impl[name] = (call: UnaryCall, cb: grpc.sendUnaryData<unknown>) => {
        received.push({ method: name, req: call.request });
        const h = handlers[name];
        if (!h) return cb(grpcError(grpc.status.UNIMPLEMENTED, `${name} not faked`));
        try {
          cb(null, h(call.request));
        } catch (e: unknown) {
          cb(e as grpc.ServiceError);
        }
      };
    }
    return impl;
  }

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'k8ts-cri-'));
    const pkg = grpc.loadPackageDefinition(criPackageDefinition()) as unknown as {
      runtime: { v1: { RuntimeService: grpc.ServiceClientConstructor; ImageService: grpc.ServiceClientConstructor } };
    };
    server = new grpc.Server();
    server.addService(pkg.runtime.v1.RuntimeService.service, serviceImpl(pkg.runtime.v1.RuntimeService.service));
    server.addService(pkg.runtime.v1.ImageService.service, serviceImpl(pkg.runtime.v1.ImageService.service));
    const socket = join(dir, 'cri.sock');
    await new Promise<void>((resolve, reject) => server.bindAsync(`unix://${socket}`, grpc.ServerCredentials.createInsecure(), (e) => (e ? reject(e) : resolve())));
    rt = new ContainerdRuntime({ socketPath: socket, callTimeoutMs: 5000 });
  });

  after(() => {
    rt?.close();
    server?.forceShutdown();
    rmSync(dir, { recursive: true, force: true });
  });

  function last(method: string): Record<string, unknown> {
    const r = [...received].reverse().find((x) => x.method === method);
    assert.ok(r, `${method} was called`);
    return r.req;
  }

  it('asks Version for CRI v1', async () => {
    handlers.Version = () => ({ version: '0.1.0', runtimeName: 'containerd', runtimeVersion: '1.6.20', runtimeApiVersion: 'v1' });
    assert.deepEqual(await rt.version(), { runtimeName: 'containerd', runtimeVersion: '1.6.20', runtimeApiVersion: 'v1' });
    assert.equal(last('Version').version, 'v1');
  });

  it('sends sandbox configs field for field (maps, enums, nested messages)', async () => {
    handlers.RunPodSandbox = () => ({ podSandboxId: 'sb1' });
    const id = await rt.runPodSandbox(
      {
        metadata: { name: 'web', uid: 'u1', namespace: 'default', attempt: 2 },
        hostname: 'web',
        logDirectory: '/var/log/pods/x',
        dnsConfig: { servers: ['10.43.0.10'], searches: ['default.svc.cluster.local'], options: ['ndots:5'] },
        portMappings: [{ protocol: 'UDP', containerPort: 53, hostPort: 5353, hostIp: '127.0.0.1' }],
        labels: { app: 'web' },
        annotations: { note: 'a b' },
        linux: { cgroupParent: '/kubepods/besteffort/podu1', securityContext: { namespaceOptions: { network: 2, pid: 1 }, runAsUser: { value: '1000' } }, sysctls: { 'net.ipv4.ip_forward': '1' } },
      },
      'runc',
    );
    assert.equal(id, 'sb1');
    const req = last('RunPodSandbox') as { config: Record<string, any>; runtimeHandler: string };
    assert.equal(req.runtimeHandler, 'runc');
    assert.deepEqual(req.config.metadata, { name: 'web', uid: 'u1', namespace: 'default', attempt: 2 });
    assert.deepEqual(req.config.labels, { app: 'web' });
    assert.deepEqual(req.config.annotations, { note: 'a b' });
    assert.deepEqual(req.config.portMappings, [{ protocol: 'UDP', containerPort: 53, hostPort: 5353, hostIp: '127.0.0.1' }]);
    assert.deepEqual(req.config.dnsConfig, { servers: ['10.43.0.10'], searches: ['default.svc.cluster.local'], options: ['ndots:5'] });
    assert.equal(req.config.linux.cgroupParent, '/kubepods/besteffort/podu1');
    assert.equal(req.config.linux.securityContext.namespaceOptions.network, 'NODE');
    assert.equal(req.config.linux.securityContext.namespaceOptions.pid, 'CONTAINER');
    assert.equal(req.config.linux.securityContext.runAsUser.value, '1000');
    assert.deepEqual(req.config.linux.sysctls, { 'net.ipv4.ip_forward': '1' });
  });

  it('sends container configs with string env values, int64 resources and mount propagation', async () => {
    handlers.CreateContainer = () => ({ containerId: 'c1' });
    const id = await rt.createContainer(
      'sb1',
      {
        metadata: { name: 'main', attempt: 0 },
        image: { image: 'busybox' },
        command: ['sh', '-c'],
        args: ['echo $A'],
        envs: [{ key: 'A', value: 'x=y z' }, { key: 'EMPTY', value: '' }],
        mounts: [{ containerPath: '/data', hostPath: '/var/lib/x', readonly: true, propagation: 1 }],
        logPath: 'main/0.log',
        linux: { resources: { memoryLimitInBytes: '67108864', cpuShares: '2' }, securityContext: { capabilities: { addCapabilities: ['NET_ADMIN'] }, runAsUser: { value: '0' } } },
      },
      { metadata: { name: 'web', uid: 'u1', namespace: 'default', attempt: 0 } },
    );
    assert.equal(id, 'c1');
    const req = last('CreateContainer') as { podSandboxId: string; config: Record<string, any>; sandboxConfig: Record<string, any> };
    assert.equal(req.podSandboxId, 'sb1');
    assert.deepEqual(req.config.envs, [{ key: 'A', value: 'x=y z' }, { key: 'EMPTY', value: '' }]);
    assert.equal(req.config.mounts[0].propagation, 'PROPAGATION_HOST_TO_CONTAINER');
    assert.equal(req.config.mounts[0].readonly, true);
    assert.equal(req.config.linux.resources.memoryLimitInBytes, '67108864');
    assert.deepEqual(req.config.linux.securityContext.capabilities.addCapabilities, ['NET_ADMIN']);
    assert.equal(req.sandboxConfig.metadata.uid, 'u1');
  });

  it('returns statuses with int64 as strings, enums by name, and no null members', async () => {
    handlers.ContainerStatus = () => ({
      status: {
        id: 'c1',
        metadata: { name: 'main', attempt: 1 },
        state: 2,
        createdAt: '1700000000000000000',
        startedAt: '1700000001000000000',
        finishedAt: '1700000002000000000',
        exitCode: 137,
        image: { image: 'docker.io/library/busybox:latest' },
        imageRef: 'sha256:abc',
        reason: 'OOMKilled',
        logPath: '/var/log/pods/x/main/1.log',
      },
    });
    const s = await rt.containerStatus('c1');
    assert.equal(s.state, ContainerState.Exited);
    assert.equal(s.exitCode, 137);
    assert.equal(s.finishedAt, '1700000002000000000');
    assert.equal(s.reason, 'OOMKilled');
    assert.equal(s.message, '', 'absent scalars are defaults');
    assert.deepEqual(s.labels, {});
    handlers.PodSandboxStatus = () => ({ status: { id: 'sb1', metadata: { name: 'web', uid: 'u', namespace: 'd', attempt: 0 }, state: 1, createdAt: '5' } });
    const sb = await rt.podSandboxStatus('sb1');
    assert.equal(sb.state, SandboxState.NotReady);
    assert.equal('network' in sb, false, 'absent messages are left out, not null');
    assert.equal('linux' in sb, false);
  });

  it('throws CriError with the gRPC code; NOT_FOUND is isNotFound', async () => {
    handlers.ContainerStatus = () => {
      throw grpcError(grpc.status.NOT_FOUND, 'an error occurred when try to find container "nope": not found');
    };
    await assert.rejects(rt.containerStatus('nope'), (e: unknown) => {
      assert.ok(e instanceof CriError);
      assert.equal(e.code, 5);
      assert.equal(e.method, 'ContainerStatus');
      assert.equal(e.message, 'rpc error: code = NotFound desc = an error occurred when try to find container "nope": not found');
      return isNotFound(e);
    });
    handlers.StartContainer = () => {
      throw grpcError(grpc.status.UNKNOWN, 'failed to create containerd task');
    };
    await assert.rejects(rt.startContainer('c1'), (e: unknown) => (e as CriError).code === 2 && !isNotFound(e));
  });

  it('passes filters and timeouts, and returns exec output as bytes', async () => {
    handlers.ListContainers = () => ({ containers: [{ id: 'c1', podSandboxId: 'sb1', metadata: { name: 'main', attempt: 0 }, state: 1, createdAt: '1' }] });
    const list = await rt.listContainers({ podSandboxId: 'sb1', state: { state: ContainerState.Running }, labelSelector: { a: 'b' } });
    assert.deepEqual(list.map((c) => [c.id, c.state]), [['c1', 'CONTAINER_RUNNING']]);
    assert.deepEqual(last('ListContainers').filter, { id: '', podSandboxId: 'sb1', state: { state: 'CONTAINER_RUNNING' }, labelSelector: { a: 'b' } });
    handlers.ListPodSandbox = () => ({ items: [] });
    assert.deepEqual(await rt.listPodSandbox(), []);
    assert.equal(last('ListPodSandbox').filter, null, 'no filter sent when none given');

    handlers.ExecSync = () => ({ stdout: Buffer.from([0, 1, 2, 0xff]), stderr: Buffer.from('err'), exitCode: 3 });
    const r = await rt.execSync('c1', ['cat', '/bin/x'], 7);
    assert.deepEqual([...r.stdout], [0, 1, 2, 0xff]);
    assert.equal(Buffer.from(r.stderr).toString(), 'err');
    assert.equal(r.exitCode, 3);
    assert.equal(last('ExecSync').timeout, '7');

    handlers.StopContainer = () => ({});
    await rt.stopContainer('c1', 30);
    assert.equal(last('StopContainer').timeout, '30');
  });

  it('maps the image service', async () => {
    handlers.ImageStatus = (req) => ((req.image as { image: string }).image === 'busybox' ? { image: { id: 'sha256:1', repoTags: ['docker.io/library/busybox:latest'], repoDigests: [], size: '1234' } } : { image: null });
    assert.equal((await rt.imageStatus('busybox'))?.size, '1234');
    assert.equal(await rt.imageStatus('nope'), undefined);
    handlers.PullImage = () => ({ imageRef: 'sha256:2' });
    assert.equal(await rt.pullImage('nginx', { username: 'u', password: 'p' }), 'sha256:2');
    assert.deepEqual((last('PullImage').auth as Record<string, string>).username, 'u');
    handlers.ListImages = () => ({ images: [{ id: 'sha256:1', repoTags: ['a'], repoDigests: [], size: '1' }] });
    assert.equal((await rt.listImages()).length, 1);
    handlers.RemoveImage = () => ({});
    await rt.removeImage('a');
    assert.deepEqual(last('RemoveImage').image, { image: 'a', annotations: {} });
  });

  it('falls back to a local image when a pull fails (air-gapped), unless told not to', async () => {
    handlers.PullImage = () => {
      throw grpcError(grpc.status.UNKNOWN, 'failed to pull and unpack image "docker.io/library/busybox:latest": dial tcp: lookup registry-1.docker.io: no such host');
    };
    handlers.ImageStatus = (req) => ((req.image as { image: string }).image === 'busybox' ? { image: { id: 'sha256:local', repoTags: ['docker.io/library/busybox:latest'], repoDigests: [], size: '1' } } : { image: null });
    assert.equal(await rt.pullImage('busybox'), 'sha256:local');
    await assert.rejects(rt.pullImage('redis'), /no such host/, 'no local copy: the pull error stands');
    const strict = new ContainerdRuntime({ socketPath: rt.socketPath, pullFallbackToLocal: false });
    try {
      await assert.rejects(strict.pullImage('busybox'), (e: unknown) => (e as CriError).code === 2 && /no such host/.test((e as Error).message));
    } finally {
      strict.close();
    }
  });

  it('reports runtime conditions and streaming URLs', async () => {
    handlers.Status = () => ({ status: { conditions: [{ type: 'RuntimeReady', status: true }, { type: 'NetworkReady', status: false, reason: 'NetworkPluginNotReady', message: 'cni' }] } });
    assert.deepEqual((await rt.status()).conditions.map((c) => [c.type, c.status, c.reason]), [
      ['RuntimeReady', true, ''],
      ['NetworkReady', false, 'NetworkPluginNotReady'],
    ]);
    handlers.Exec = () => ({ url: 'http://127.0.0.1:1234/exec/x' });
    assert.equal((await rt.exec({ containerId: 'c1', cmd: ['sh'], tty: true, stdin: true, stdout: true, stderr: false })).url, 'http://127.0.0.1:1234/exec/x');
    assert.equal(last('Exec').tty, true);
    handlers.UpdateRuntimeConfig = () => ({});
    await rt.updateRuntimeConfig('10.42.0.0/24');
    assert.deepEqual(last('UpdateRuntimeConfig'), { runtimeConfig: { networkConfig: { podCidr: '10.42.0.0/24' } } });
  });

  it('streams container events, or reports UNIMPLEMENTED (containerd 1.6)', async () => {
    events = undefined;
    await assert.rejects(
      (async () => {
        for await (const _ of rt.containerEvents(new AbortController().signal)) assert.fail('no events expected');
      })(),
      (e: unknown) => (e as CriError).code === 12,
    );
    events = (call) => {
      call.write({ containerId: 'c1', containerEventType: 1, createdAt: '9' });
      call.write({ containerId: 'c1', containerEventType: 2, createdAt: '10' });
      call.end();
    };
    const got: string[] = [];
    for await (const ev of rt.containerEvents(new AbortController().signal)) got.push(`${ev.containerId}:${ev.containerEventType}:${ev.createdAt}`);
    assert.deepEqual(got, ['c1:CONTAINER_STARTED_EVENT:9', 'c1:CONTAINER_STOPPED_EVENT:10']);

    events = (call) => call.write({ containerId: 'c2', containerEventType: 0, createdAt: '1' }); // never ends
    const ac = new AbortController();
    const seen: string[] = [];
    for await (const ev of rt.containerEvents(ac.signal)) {
      seen.push(ev.containerId);
      ac.abort();
    }
    assert.deepEqual(seen, ['c2'], 'aborting ends the iteration without an error');
  });

  it('fails with UNAVAILABLE when nothing listens', async () => {
    const nobody = new ContainerdRuntime({ socketPath: join(dir, 'missing.sock'), callTimeoutMs: 2000 });
    try {
      await assert.rejects(nobody.version(), (e: unknown) => (e as CriError).code === 14 || (e as CriError).code === 4);
    } finally {
      nobody.close();
    }
  });

  it('drops nulls deeply but keeps bytes', () => {
    const buf = Buffer.from('x');
    assert.deepEqual(dropNulls({ a: null, b: { c: null, d: 1 }, e: [{ f: null }], g: buf }), { b: { d: 1 }, e: [{}], g: buf });
  });
});
