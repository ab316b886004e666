import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

/** Finds a free TCP port on 127.0.0.1 (the OS picks; the port is released before return). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

export function etcdBinary(): string | undefined {
  for (const candidate of [process.env.K8TS_ETCD_BIN, '/usr/bin/etcd', '/usr/local/bin/etcd']) {
    if (candidate && spawnSync(candidate, ['--version'], { stdio: 'ignore' }).status === 0) return candidate;
  }
  return undefined;
}

export interface EtcdProcessOptions {
  dataDir: string;
  name?: string;
  /** Extra flags passed to etcd. */
  args?: string[];
}

/** A single-member etcd started as a child process on free loopback ports. */
export interface EtcdProcess {
  readonly endpoint: string;
  readonly pid: number;
  stop(): Promise<void>;
}

/**
 * Starts a real etcd (Debian `etcd-server`) listening on loopback ports it picks, and waits
 * until it serves requests. For the test suites and benchmarks; the etcd binary must exist.
 */
export async function startEtcd(opts: EtcdProcessOptions): Promise<EtcdProcess> {
  const bin = etcdBinary();
  if (!bin) throw new Error('etcd is not installed (install the Debian package etcd-server: scripts/install-deps.sh)');
  mkdirSync(opts.dataDir, { recursive: true });
  const name = opts.name ?? 'k8ts';
  for (let attempt = 0; ; attempt++) {
    const [clientPort, peerPort] = [await freePort(), await freePort()];
    const endpoint = `http://127.0.0.1:${clientPort}`;
    const peer = `http://127.0.0.1:${peerPort}`;
    const child = spawn(
      bin,
      [
        '--name', name,
        '--data-dir', join(opts.dataDir, 'member-data'),
        '--listen-client-urls', endpoint,
        '--advertise-client-urls', endpoint,
        '--listen-peer-urls', peer,
        '--initial-advertise-peer-urls', peer,
        '--initial-cluster', `${name}=${peer}`,
        '--initial-cluster-state', 'new',
        '--log-level', 'error',
        ...(opts.args ?? []),
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => {
      stderr = (stderr + d.toString()).slice(-4000);
    });
    const ok = await waitHealthy(endpoint, child);
    if (ok) {
      return {
        endpoint,
        pid: child.pid!,
        stop: () => stopChild(child),
      };
    }
    await stopChild(child);
    if (attempt >= 2) throw new Error(`etcd did not become healthy: ${stderr.trim()}`);
  }
}

async function waitHealthy(endpoint: string, child: ChildProcess): Promise<boolean> {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) return false;
    try {
      const res = await fetch(`${endpoint}/health`);
      if (res.ok && ((await res.json()) as { health?: string }).health === 'true') return true;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return false;
}

function stopChild(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
