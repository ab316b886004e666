import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { removeCniBridge, removeHostportChains, writeCniConfig } from '../../src/kubelet/cni/index.js';
import {
  cgroupDirsOf,
  ContainerdSupervisor,
  ContainerState,
  ensureOfflineImages,
  findShims,
  isNotFound,
  readMounts,
  SandboxState,
  type ContainerdRuntime,
  type PodSandboxConfig,
} from '../../src/kubelet/cri/index.js';

// The real runtime: containerd + runc + CNI plugins from scripts/install-deps.sh, as root.
// One containerd under a temp dir for the whole file; everything it creates must be gone
// after it stops.

function missing(): string | undefined {
  if (process.getuid?.() !== 0) return 'needs root';
  for (const bin of ['/usr/bin/containerd', '/usr/sbin/runc', '/usr/lib/cni/bridge', '/bin/busybox', '/usr/bin/ctr']) {
    if (!existsSync(bin)) return `${bin} is not installed (scripts/install-deps.sh)`;
  }
  return undefined;
}
const skip = missing();

async function until<T>(what: string, fn: () => Promise<T | undefined | false> | T | undefined | false, ms = 60_000): Promise<T> {
  const deadline = Date.now() + ms;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await fn();
      if (v !== undefined && v !== false) return v;
    } catch (e: unknown) {
      last = e;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.fail(`timed out waiting for ${what}${last ? `: ${String((last as Error).message ?? last)}` : ''}`);
}

/** A process that no longer runs: gone, or a zombie its new parent has not reaped yet. */
function isGone(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return true;
  }
}

function netnsNames(): string[] {
  return existsSync('/var/run/netns') ? readdirSync('/var/run/netns').sort() : [];
}

function ipInCidr(ip: string, subnetPrefix: string): boolean {
  return ip.startsWith(subnetPrefix) && !ip.endsWith('.0') && !ip.endsWith('.1');
}

/** Parses CRI log lines (`TIME STREAM TAG TEXT`) into [stream, text] pairs. */
function criLogLines(path: string): [string, string][] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => {
      const [, stream, , ...rest] = l.split(' ');
      return [stream!, rest.join(' ')];
    });
}

describe('containerd runtime (real containerd, runc, CNI)', { skip }, () => {
  const hex = randomBytes(3).toString('hex');
  const octet = 100 + (parseInt(hex.slice(0, 2), 16) % 100);
  const podCIDR = `10.${octet}.${parseInt(hex.slice(2, 4), 16)}.0/24`;
  const subnetPrefix = podCIDR.replace(/0\/24$/, '');
  const bridge = `k8t${hex}`;
  const cgroupRoot = `/k8ts-it-${hex}`;
  const hostPort = 30000 + (parseInt(hex.slice(0, 4), 16) % 20000);
  let tmp: string;
  let supervisor: ContainerdSupervisor;
  let rt: ContainerdRuntime;
  const ac = new AbortController();
  let running: Promise<void> | undefined;
  let netnsBefore: string[];
  const sandboxIds: string[] = [];

  function sandboxConfig(name: string, extra: Partial<PodSandboxConfig> = {}): PodSandboxConfig {
    const uid = `${hex}-${name}`;
    return {
      metadata: { name, uid, namespace: 'default', attempt: 0 },
      hostname: name,
      logDirectory: join(tmp, 'pods', `default_${name}_${uid}`),
      linux: { cgroupParent: `${cgroupRoot}/besteffort/pod${uid}` },
      labels: { 'io.kubernetes.pod.name': name },
      ...extra,
    };
  }

  before(async () => {
    tmp = mkdtempSync('/tmp/k8ts-ctrd-');
    netnsBefore = netnsNames();
    ensureOfflineImages(join(tmp, 'images'));
    supervisor = new ContainerdSupervisor({
      dir: join(tmp, 'containerd'),
      imageDirs: [join(tmp, 'images')],
      cgroupRoot,
      restartBackoff: { initialMs: 100, maxMs: 1000 },
    });
    running = supervisor.run(ac.signal);
    await supervisor.waitReady(AbortSignal.timeout(90_000));
    await writeCniConfig(supervisor.cniConfDir, { podCIDR, bridge, ipamDataDir: supervisor.ipamDataDir });
    rt = supervisor.runtime();
  });

  after(async () => {
    rt?.close();
    ac.abort();
    await running?.catch(() => undefined);
    await removeCniBridge(bridge).catch(() => undefined);
    await removeHostportChains().catch(() => undefined);
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it('answers CRI Version and reports the network ready once the CNI config is written', async () => {
    const v = await rt.version();
    assert.equal(v.runtimeName, 'containerd');
    assert.equal(v.runtimeApiVersion, 'v1');
    await until('NetworkReady', async () => (await rt.status()).conditions.find((c) => c.type === 'NetworkReady')?.status === true);
    const conditions = (await rt.status()).conditions;
    assert.equal(conditions.find((c) => c.type === 'RuntimeReady')?.status, true);
  });

  it('has the offline images imported under their upstream names', async () => {
    const tags = (await rt.listImages()).flatMap((i) => i.repoTags);
    for (const name of ['docker.io/library/busybox:latest', 'docker.io/library/busybox:1.36', 'registry.k8s.io/pause:3.10', 'docker.io/library/nginx:1.27']) {
      assert.ok(tags.includes(name), `${name} in ${tags.join(', ')}`);
    }
    const short = await rt.imageStatus('busybox');
    assert.ok(short?.repoTags.includes('docker.io/library/busybox:latest'));
    assert.equal(await rt.imageStatus('docker.io/library/nope:1'), undefined);
    // imagePullPolicy Always on an air-gapped node: the pull fails, the imported image serves.
    assert.equal(await rt.pullImage('busybox:1.36'), (await rt.imageStatus('busybox:1.36'))!.id);
    await assert.rejects(rt.pullImage('localhost:1/k8ts-missing:1'), /failed to pull/);
  });

  it('runs a sandbox with a pod IP, a busybox container with logs and exec, and removes them', async () => {
    const sb = sandboxConfig('work');
    const id = await rt.runPodSandbox(sb);
    sandboxIds.push(id);
    const status = await rt.podSandboxStatus(id);
    assert.equal(status.state, SandboxState.Ready);
    assert.ok(status.network?.ip && ipInCidr(status.network.ip, subnetPrefix), `pod IP ${status.network?.ip} in ${podCIDR}`);

    const cid = await rt.createContainer(
      id,
      {
        metadata: { name: 'main', attempt: 0 },
        image: { image: 'busybox' },
        command: ['sh', '-c', 'echo "hello from $GREETING"; echo oops >&2; exec sleep 3600'],
        envs: [{ key: 'GREETING', value: 'k8ts and spaces' }],
        logPath: 'main/0.log',
        linux: { resources: { memoryLimitInBytes: String(64 * 1024 * 1024) } },
      },
      sb,
    );
    await rt.startContainer(cid);
    const cs = await rt.containerStatus(cid);
    assert.equal(cs.state, ContainerState.Running);
    assert.equal(cs.logPath, join(sb.logDirectory!, 'main/0.log'));
    const lines = await until('two log lines', () => {
      const l = existsSync(cs.logPath) ? criLogLines(cs.logPath) : [];
      return l.length >= 2 ? l : undefined;
    });
    assert.deepEqual(new Set(lines.map((l) => l.join(':'))), new Set(['stdout:hello from k8ts and spaces', 'stderr:oops']));

    const hostname = await rt.execSync(cid, ['cat', '/etc/hostname'], 10);
    assert.equal(Buffer.from(hostname.stdout).toString().trim(), 'work');
    assert.equal(hostname.exitCode, 0);
    const env = await rt.execSync(cid, ['sh', '-c', 'printf %s "$GREETING"; echo to-stderr >&2; exit 3'], 10);
    assert.equal(Buffer.from(env.stdout).toString(), 'k8ts and spaces');
    assert.equal(Buffer.from(env.stderr).toString().trim(), 'to-stderr');
    assert.equal(env.exitCode, 3);
    const ip = await rt.execSync(cid, ['ip', '-4', '-o', 'addr', 'show', 'eth0'], 10);
    assert.match(Buffer.from(ip.stdout).toString(), new RegExp(`inet ${status.network!.ip!.replace(/\./g, '\\.')}/24`));
    const memLimit = await rt.execSync(cid, ['cat', '/sys/fs/cgroup/memory/memory.limit_in_bytes'], 10);
    assert.equal(Buffer.from(memLimit.stdout).toString().trim(), String(64 * 1024 * 1024));

    // A container that exits on its own reports its exit code.
    const failing = await rt.createContainer(id, { metadata: { name: 'fails', attempt: 0 }, image: { image: 'docker.io/library/busybox:1.36' }, command: ['sh', '-c', 'exit 7'], logPath: 'fails/0.log' }, sb);
    await rt.startContainer(failing);
    const exited = await until('exit 7', async () => {
      const s = await rt.containerStatus(failing);
      return s.state === ContainerState.Exited ? s : undefined;
    });
    assert.equal(exited.exitCode, 7);
    assert.equal(exited.reason, 'Error');

    assert.deepEqual((await rt.listContainers({ podSandboxId: id })).map((c) => c.id).sort(), [cid, failing].sort());
    await rt.stopContainer(cid, 1);
    assert.equal((await rt.containerStatus(cid)).state, ContainerState.Exited);
    await rt.removeContainer(cid);
    await rt.removeContainer(failing);
    await rt.removeContainer(failing); // idempotent
    await assert.rejects(rt.containerStatus(cid), (e: unknown) => isNotFound(e));
    await rt.stopPodSandbox(id);
    assert.equal((await rt.podSandboxStatus(id)).state, SandboxState.NotReady);
    await rt.removePodSandbox(id);
    await assert.rejects(rt.podSandboxStatus(id), (e: unknown) => isNotFound(e) && /not found/.test((e as Error).message));
  });

  it('serves the nginx stand-in on the pod IP and on a hostPort', async () => {
    const sb = sandboxConfig('web', { portMappings: [{ protocol: 'TCP', containerPort: 80, hostPort }] });
    const id = await rt.runPodSandbox(sb);
    sandboxIds.push(id);
    const ip = (await rt.podSandboxStatus(id)).network!.ip!;
    const cid = await rt.createContainer(id, { metadata: { name: 'nginx', attempt: 0 }, image: { image: 'nginx:1.27' }, logPath: 'nginx/0.log' }, sb);
    await rt.startContainer(cid);
    const body = await until('nginx on the pod IP', async () => {
      const res = await fetch(`http://${ip}/`);
      return res.ok ? res.text() : undefined;
    });
    assert.match(body, /Welcome to nginx!/);
    const viaHostPort = await until('nginx on the hostPort', async () => {
      const res = await fetch(`http://127.0.0.1:${hostPort}/`);
      return res.ok ? res.text() : undefined;
    });
    assert.match(viaHostPort, /Welcome to nginx!/);
    // Left running: the supervisor must stop it on shutdown.
  });

  it('restarts containerd after SIGKILL and still lists the sandboxes', async () => {
    const before = await rt.listPodSandbox({ state: { state: SandboxState.Ready } });
    assert.ok(before.length >= 1);
    const pid = supervisor.pid;
    assert.ok(pid);
    const restarts = supervisor.restarts;
    process.kill(pid, 'SIGKILL');
    await until('a restart', () => supervisor.restarts > restarts);
    await supervisor.waitReady(AbortSignal.timeout(60_000));
    assert.notEqual(supervisor.pid, pid);
    const afterIds = await until('sandboxes listed again', async () => (await rt.listPodSandbox({ state: { state: SandboxState.Ready } })).map((s) => s.id));
    assert.deepEqual(afterIds.sort(), before.map((s) => s.id).sort());
    const running = await rt.listContainers({ state: { state: ContainerState.Running } });
    assert.equal(running.length, 1, 'the nginx container survived the restart');
  });

  it('leaves nothing behind when it stops', async () => {
    const socket = supervisor.socketPath;
    ac.abort();
    await running;
    running = undefined;
    const report = supervisor.lastShutdown!;
    assert.ok(report, 'shutdown report');
    assert.deepEqual(report.sandboxStopErrors, []);
    assert.ok(report.stoppedSandboxes.includes(sandboxIds[1]!), 'the running sandbox was stopped through CRI');
    assert.deepEqual(await findShims(socket), [], 'no shims for our socket');
    const mounts = (await readMounts()).filter((m) => m.mountPoint.startsWith(tmp));
    assert.deepEqual(mounts, [], 'no mounts under the temp dir');
    assert.deepEqual(await cgroupDirsOf(cgroupRoot), [], 'no cgroups under the pod cgroup root');
    assert.deepEqual(netnsNames(), netnsBefore, 'no network namespaces left');
    assert.equal(existsSync(socket), false);

    assert.equal(await removeCniBridge(bridge), true);
    await removeHostportChains();
    const nat = execFileSync('iptables', ['-w', '-t', 'nat', '-S'], { encoding: 'utf8' });
    for (const id of sandboxIds) assert.ok(!nat.includes(id), `no nat rules for sandbox ${id}`);
    assert.ok(!nat.includes(subnetPrefix), `no nat rules for ${podCIDR}`);
    assert.ok(!nat.includes(`--dport ${hostPort}`), 'no hostPort rule left');
  });
});

describe('containerd supervisor shutdown paths (real containerd)', { skip }, () => {
  const hex = randomBytes(3).toString('hex');
  const podCIDR = `10.${100 + (parseInt(hex.slice(0, 2), 16) % 100)}.${parseInt(hex.slice(2, 4), 16)}.0/24`;
  const bridge = `k8u${hex}`;
  const cgroupRoot = `/k8ts-it2-${hex}`;
  const hostPort = 30000 + (parseInt(hex.slice(2, 6), 16) % 20000);
  let tmp: string;
  let netnsBefore: string[];

  before(() => {
    tmp = mkdtempSync('/tmp/k8ts-ctrd2-');
    netnsBefore = netnsNames();
    ensureOfflineImages(join(tmp, 'images'));
  });

  after(async () => {
    await removeCniBridge(bridge).catch(() => undefined);
    await removeHostportChains().catch(() => undefined);
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  function newSupervisor(extra: Partial<ConstructorParameters<typeof ContainerdSupervisor>[0]> = {}): ContainerdSupervisor {
    return new ContainerdSupervisor({ dir: join(tmp, 'containerd'), imageDirs: [join(tmp, 'images')], cgroupRoot, ...extra });
  }

  async function assertNothingLeft(sup: ContainerdSupervisor): Promise<void> {
    assert.deepEqual(await findShims(sup.socketPath), [], 'no shims for our socket');
    assert.deepEqual((await readMounts()).filter((m) => m.mountPoint.startsWith(tmp)), [], 'no mounts under the temp dir');
    assert.deepEqual(await cgroupDirsOf(cgroupRoot), [], 'no cgroups under the pod cgroup root');
    assert.deepEqual(netnsNames(), netnsBefore, 'no network namespaces left');
  }

  it('replaces a containerd left running by an earlier k8ts, and stops sandboxes through a last start when containerd is down', async () => {
    const sup = newSupervisor({ restartBackoff: { initialMs: 600_000 } });
    // An orphan from a k8ts that died: same config, holding the same root.
    for (const d of [sup.dir, sup.rootDir, sup.stateDir]) mkdirSync(d, { recursive: true });
    writeFileSync(sup.configPath, sup.configToml());
    const stale = spawn('/usr/bin/containerd', ['--config', sup.configPath], { stdio: 'ignore', detached: true });
    const staleExit = new Promise<void>((resolve) => stale.once('exit', () => resolve()));
    await until('the stale containerd socket', () => existsSync(sup.socketPath));

    const ac = new AbortController();
    const run = sup.run(ac.signal);
    try {
      await staleExit; // killed by the supervisor before it starts its own
      await sup.waitReady(AbortSignal.timeout(90_000));
      await writeCniConfig(sup.cniConfDir, { podCIDR, bridge, ipamDataDir: sup.ipamDataDir });
      const rt = sup.runtime();
      let id: string;
      try {
        await until('NetworkReady', async () => (await rt.status()).conditions.find((c) => c.type === 'NetworkReady')?.status === true);
        const uid = `${hex}-down`;
        const sb: PodSandboxConfig = {
          metadata: { name: 'down', uid, namespace: 'default', attempt: 0 },
          hostname: 'down',
          logDirectory: join(tmp, 'pods', uid),
          portMappings: [{ protocol: 'TCP', containerPort: 8080, hostPort }],
          linux: { cgroupParent: `${cgroupRoot}/pod${uid}` },
        };
        id = await rt.runPodSandbox(sb);
        const cid = await rt.createContainer(id, { metadata: { name: 'c', attempt: 0 }, image: { image: 'busybox' }, command: ['sleep', '3600'], logPath: 'c.log' }, sb);
        await rt.startContainer(cid);
      } finally {
        rt.close();
      }
      process.kill(sup.pid!, 'SIGKILL');
      await until('the crash to be noticed', () => sup.restarts === 1);
      assert.equal(sup.pid, undefined, 'waiting out the (long) restart backoff');
      ac.abort();
      await run;
      assert.deepEqual(sup.lastShutdown!.stoppedSandboxes, [id]);
      assert.deepEqual(sup.lastShutdown!.killedShims, [], 'nothing had to be killed');
      await assertNothingLeft(sup);
      const nat = execFileSync('iptables', ['-w', '-t', 'nat', '-S'], { encoding: 'utf8' });
      assert.ok(!nat.includes(id), 'CNI removed the sandbox nat rules');
      assert.ok(!nat.includes(`--dport ${hostPort}`), 'CNI removed the hostPort rule');
    } finally {
      ac.abort();
      await run.catch(() => undefined);
    }
  });

  it('kills shims, containers, mounts and cgroups itself when containerd cannot stop them', async () => {
    const sup = newSupervisor({ restartBackoff: { initialMs: 600_000 }, restartForShutdown: false });
    const ac = new AbortController();
    const run = sup.run(ac.signal);
    try {
      await sup.waitReady(AbortSignal.timeout(90_000));
      const rt = sup.runtime();
      let pid: number;
      try {
        // Host network: no CNI, so the forced path has no iptables rules it could not undo.
        const uid = `${hex}-forced`;
        const sb: PodSandboxConfig = {
          metadata: { name: 'forced', uid, namespace: 'default', attempt: 0 },
          logDirectory: join(tmp, 'pods', uid),
          linux: { cgroupParent: `${cgroupRoot}/pod${uid}`, securityContext: { namespaceOptions: { network: 2, pid: 1, ipc: 2 } } },
        };
        const id = await rt.runPodSandbox(sb);
        const cid = await rt.createContainer(id, { metadata: { name: 'c', attempt: 0 }, image: { image: 'busybox' }, command: ['sleep', '3600'], logPath: 'c.log' }, sb);
        await rt.startContainer(cid);
        const ps = await rt.execSync(cid, ['cat', '/proc/1/stat'], 10); // the container's init, seen from inside
        assert.match(Buffer.from(ps.stdout).toString(), /\(sleep\)/);
        pid = Number(JSON.parse((await rt.podSandboxStatusVerbose(id)).info.info!).pid);
        assert.ok(pid > 0);
      } finally {
        rt.close();
      }
      process.kill(sup.pid!, 'SIGKILL');
      await until('the crash to be noticed', () => sup.restarts === 1);
      assert.equal((await findShims(sup.socketPath)).length, 1, "the pod's shim (one per pod in containerd 1.6) outlives containerd");
      ac.abort();
      await run;
      assert.equal(sup.lastShutdown!.killedShims.length, 1, 'the shim was killed');
      assert.ok(sup.lastShutdown!.unmounted.length >= 2, 'rootfs and shm mounts were unmounted');
      await until('the sandbox process to be gone', () => isGone(pid), 10_000);
      await assertNothingLeft(sup);
    } finally {
      ac.abort();
      await run.catch(() => undefined);
    }
  });
});
