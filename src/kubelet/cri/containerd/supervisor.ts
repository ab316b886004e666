import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readSync, rmSync, statSync, writeFileSync, fstatSync, truncateSync } from 'node:fs';
import { join } from 'node:path';
import { realClock, type Clock } from '../../../util/clock.js';
import { logger } from '../../../util/log.js';
import { SANDBOX_IMAGE } from '../oci/offline-images.js';
import { containerdConfigToml } from './config.js';
import { ContainerdRuntime } from './containerd-runtime.js';
import {
  findShims,
  isContainerdWithConfig,
  killShims,
  listProcesses,
  removeCgroupTree,
  removeNetns,
  unmountUnder,
} from './host-cleanup.js';
import { importImages } from './images.js';

const log = logger('containerd');

export interface ContainerdSupervisorOptions {
  /** containerd's own directory (DATA_DIR/containerd): config, root, state, socket, log. */
  dir: string;
  /** The containerd binary (default /usr/bin/containerd, else `containerd` on PATH). */
  containerdPath?: string;
  /** The `ctr` binary used to import images (default `ctr` on PATH). */
  ctrPath?: string;
  /** CRI sandbox image (default SANDBOX_IMAGE, built by the offline images). */
  sandboxImage?: string;
  /** CNI plugin binaries (default /usr/lib/cni, Debian containernetworking-plugins). */
  cniBinDir?: string;
  /** CNI config dir containerd watches (default DIR/cni/net.d); see src/kubelet/cni. */
  cniConfDir?: string;
  /**
   * Cgroup parent under which the kubelet puts pods (cgroupfs path, default `/kubepods`).
   * On stop the supervisor removes this tree (empty cgroups only) in every hierarchy.
   */
  cgroupRoot?: string;
  /** Directories of image archives imported once containerd first answers (e.g. DATA_DIR/images). */
  imageDirs?: string[];
  logLevel?: 'trace' | 'debug' | 'info' | 'warn' | 'error';
  clock?: Clock;
  /** How long a started containerd may take to answer Version before it is killed (default 60 s). */
  readyTimeoutMs?: number;
  /** SIGTERM grace before SIGKILL when stopping containerd (default 10 s). */
  stopGraceMs?: number;
  /**
   * When containerd is down as the supervisor stops (it crashed and waits for its restart),
   * start it once more to stop the sandboxes through CRI, so their networks are torn down by
   * CNI (IPs released, iptables rules removed). Default true; false goes straight to killing
   * leftovers (which cannot undo CNI's host-side iptables rules).
   */
  restartForShutdown?: boolean;
  /** How long that last start may take to answer (default 15 s). */
  shutdownStartTimeoutMs?: number;
  /** Restart backoff: doubles from initialMs to maxMs; back to initialMs after a run of resetAfterMs. */
  restartBackoff?: { initialMs?: number; maxMs?: number; resetAfterMs?: number };
}

/** What `run` cleaned up when it stopped (for logs and tests). */
export interface ShutdownReport {
  stoppedSandboxes: string[];
  sandboxStopErrors: string[];
  killedShims: number[];
  unmounted: string[];
  removedNetns: string[];
  removedCgroups: string[];
  busyCgroups: string[];
}

// Unix socket paths hold at most 107 bytes; containerd also listens on `<socket>.ttrpc`.
const MAX_SOCKET_PATH = 100;

/** The socket path for `dir`: inside it when short enough, else under /run/k8ts (as k3s uses /run/k3s). */
export function containerdSocketPath(dir: string): string {
  const inDir = join(dir, 'containerd.sock');
  if (Buffer.byteLength(inDir) <= MAX_SOCKET_PATH) return inDir;
  const hash = createHash('sha256').update(dir).digest('hex').slice(0, 16);
  return `/run/k8ts/${hash}/containerd.sock`;
}

function defaultContainerd(): string {
  return existsSync('/usr/bin/containerd') ? '/usr/bin/containerd' : 'containerd';
}

const SYSTEM_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/**
 * Runs k8ts' own containerd as a child process, as k3s does: writes DIR/config.toml, starts
 * containerd with it (in its own process group, killed if k8ts dies), waits until its CRI
 * socket answers Version, imports the offline images, and restarts it with bounded backoff
 * whenever it exits. When `run`'s signal aborts it stops every pod sandbox through CRI,
 * stops containerd, and removes what could be left behind: shims for its socket (and their
 * containers), mounts under its state and root dirs, sandbox network namespaces, and the
 * pod cgroup tree. Constructors start nothing; `run` may be called once at a time.
 */
export class ContainerdSupervisor {
  readonly dir: string;
  readonly configPath: string;
  readonly rootDir: string;
  readonly stateDir: string;
  readonly socketPath: string;
  readonly cniConfDir: string;
  readonly cniBinDir: string;
  /** Where the node's host-local IPAM should record allocations (pass to writeCniConfig). */
  readonly ipamDataDir: string;
  readonly cgroupRoot: string;
  readonly logPath: string;
  readonly sandboxImage: string;

  private readonly opts: ContainerdSupervisorOptions;
  private readonly clock: Clock;
  private child: ChildProcess | undefined;
  private isReady = false;
  private running = false;
  /** Set when a run has ended (until the next run starts): waitReady then fails at once. */
  private ended = false;
  private waiters: { resolve: () => void; reject: (e: unknown) => void }[] = [];
  private restartCount = 0;
  private knownNetns = new Set<string>();
  /** The last error seen (start failure, unexpected exit, image import failure). */
  lastError: Error | undefined;
  /** Set when `run` has finished its cleanup. */
  lastShutdown: ShutdownReport | undefined;

  constructor(opts: ContainerdSupervisorOptions) {
    this.opts = opts;
    this.clock = opts.clock ?? realClock;
    this.dir = opts.dir;
    this.configPath = join(opts.dir, 'config.toml');
    this.rootDir = join(opts.dir, 'root');
    this.stateDir = join(opts.dir, 'state');
    this.socketPath = containerdSocketPath(opts.dir);
    this.cniConfDir = opts.cniConfDir ?? join(opts.dir, 'cni', 'net.d');
    this.cniBinDir = opts.cniBinDir ?? '/usr/lib/cni';
    this.ipamDataDir = join(opts.dir, 'cni', 'networks');
    this.cgroupRoot = opts.cgroupRoot ?? '/kubepods';
    this.logPath = join(opts.dir, 'containerd.log');
    this.sandboxImage = opts.sandboxImage ?? SANDBOX_IMAGE;
  }

  /** The config.toml this supervisor writes. */
  configToml(): string {
    return containerdConfigToml({
      root: this.rootDir,
      state: this.stateDir,
      socketPath: this.socketPath,
      runcRoot: join(this.stateDir, 'runc'),
      optDir: join(this.dir, 'opt'),
      sandboxImage: this.sandboxImage,
      cniBinDir: this.cniBinDir,
      cniConfDir: this.cniConfDir,
      logLevel: this.opts.logLevel,
    });
  }

  /** Whether containerd currently answers on its socket. */
  get ready(): boolean {
    return this.isReady;
  }

  /** containerd's pid while it runs. */
  get pid(): number | undefined {
    return this.child?.exitCode === null && this.child.signalCode === null ? this.child.pid : undefined;
  }

  /** How many times containerd was restarted after exiting on its own. */
  get restarts(): number {
    return this.restartCount;
  }

  /**
   * Resolves when containerd answers (at once if it does now; may be called before `run`).
   * Rejects when `signal` aborts or `run` ends first, and at once after `run` has ended.
   */
  waitReady(signal?: AbortSignal): Promise<void> {
    if (this.isReady) return Promise.resolve();
    if (this.ended) return Promise.reject(new Error('containerd supervisor stopped'));
    return new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const w = {
        resolve: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
        reject: (e: unknown) => {
          signal?.removeEventListener('abort', onAbort);
          reject(e);
        },
      };
      const onAbort = () => {
        this.waiters = this.waiters.filter((x) => x !== w);
        reject(signal!.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiters.push(w);
    });
  }

  /** A new CRI client on this containerd's socket (the caller closes it). */
  runtime(): ContainerdRuntime {
    return new ContainerdRuntime({ socketPath: this.socketPath });
  }

  private setReady(ready: boolean): void {
    this.isReady = ready;
    if (ready) {
      const ws = this.waiters;
      this.waiters = [];
      for (const w of ws) w.resolve();
    }
  }

  /**
   * Supervises containerd until `signal` aborts, then stops everything and cleans up; resolves
   * after the cleanup. Throws only if it cannot even prepare (e.g. unwritable dir).
   */
  async run(signal: AbortSignal): Promise<void> {
    if (this.running) throw new Error('ContainerdSupervisor.run is already running');
    this.running = true;
    this.ended = false;
    const probe = new ContainerdRuntime({ socketPath: this.socketPath, callTimeoutMs: 2000 });
    try {
      this.prepare();
      await this.killStale();
      const initial = this.opts.restartBackoff?.initialMs ?? 500;
      const max = this.opts.restartBackoff?.maxMs ?? 30_000;
      const resetAfter = this.opts.restartBackoff?.resetAfterMs ?? 60_000;
      let backoff = initial;
      let imported = false;
      const aborted = new Promise<null>((resolve) => {
        if (signal.aborted) resolve(null);
        signal.addEventListener('abort', () => resolve(null), { once: true });
      });
      while (!signal.aborted) {
        const startedAt = this.clock.now();
        const child = this.spawnContainerd();
        const exited = new Promise<string>((resolve) => {
          child.once('exit', (code, sig) => resolve(sig ? `signal ${sig}` : `exit code ${code}`));
          child.once('error', (e) => resolve(`spawn error: ${e.message}`));
        });
        const answered = await this.waitAnswering(probe, child, signal);
        let timedOut = false;
        if (answered) {
          if (!imported && this.opts.imageDirs?.length) {
            imported = true;
            await this.importImageDirs();
          }
          this.setReady(true);
          log.info('containerd is ready', { pid: child.pid, socket: this.socketPath });
        } else if (!signal.aborted && child.exitCode === null && child.signalCode === null) {
          timedOut = true;
          this.lastError = new Error(`containerd did not answer within ${this.opts.readyTimeoutMs ?? 60_000} ms: ${this.logTail()}`);
          log.error('containerd did not become ready; killing it', { pid: child.pid });
          child.kill('SIGKILL');
        }
        const how = await Promise.race([exited, aborted]);
        if (how === null) break;
        this.setReady(false);
        this.restartCount++;
        if (!timedOut) this.lastError = new Error(`containerd exited (${how}): ${this.logTail()}`);
        if (this.clock.now() - startedAt >= resetAfter) backoff = initial;
        log.warn('containerd exited; restarting', { how, inMs: backoff, restarts: this.restartCount });
        try {
          await this.clock.sleep(backoff, signal);
        } catch {
          break;
        }
        backoff = Math.min(backoff * 2, max);
      }
      this.lastShutdown = await this.shutdown();
    } finally {
      probe.close();
      this.setReady(false);
      this.running = false;
      this.ended = true;
      const ws = this.waiters;
      this.waiters = [];
      for (const w of ws) w.reject(new Error('containerd supervisor stopped'));
    }
  }

  private prepare(): void {
    for (const d of [this.dir, this.rootDir, this.stateDir, this.cniConfDir]) mkdirSync(d, { recursive: true, mode: 0o711 });
    mkdirSync(join(this.socketPath, '..'), { recursive: true, mode: 0o711 });
    writeFileSync(this.configPath, this.configToml());
    // Keep the log bounded across runs: start over once it passes 10 MiB.
    if (existsSync(this.logPath) && statSync(this.logPath).size > 10 * 1024 * 1024) truncateSync(this.logPath, 0);
  }

  /** Kills a containerd left running with our config by a k8ts that died (it would hold the DB lock). */
  private async killStale(): Promise<void> {
    const stale = (await listProcesses()).filter((p) => isContainerdWithConfig(p.argv, this.configPath));
    if (!stale.length) return;
    log.warn('stopping a containerd left over from an earlier run', { pids: stale.map((p) => p.pid) });
    for (const p of stale) this.signalPid(p.pid, 'SIGTERM');
    for (let i = 0; i < 100; i++) {
      const left = (await listProcesses()).filter((p) => isContainerdWithConfig(p.argv, this.configPath));
      if (!left.length) return;
      if (i === 50) for (const p of left) this.signalPid(p.pid, 'SIGKILL');
      await this.clock.sleep(100);
    }
  }

  private signalPid(pid: number, sig: NodeJS.Signals): void {
    try {
      process.kill(pid, sig);
    } catch {
      // already gone
    }
  }

  private spawnContainerd(): ChildProcess {
    const bin = this.opts.containerdPath ?? defaultContainerd();
    const fd = openSync(this.logPath, 'a');
    // setpriv (util-linux) makes the kernel SIGKILL containerd if k8ts dies without cleaning up.
    const usePdeathsig = existsSync('/usr/bin/setpriv');
    const cmd = usePdeathsig ? '/usr/bin/setpriv' : bin;
    const args = usePdeathsig ? ['--pdeathsig', 'KILL', bin, '--config', this.configPath] : ['--config', this.configPath];
    // A socket left by a containerd that was killed would only confuse the readiness probe.
    for (const p of [this.socketPath, `${this.socketPath}.ttrpc`]) rmSync(p, { force: true });
    const env = { ...process.env, PATH: process.env.PATH ? `${process.env.PATH}:${SYSTEM_PATH}` : SYSTEM_PATH };
    try {
      const child = spawn(cmd, args, { stdio: ['ignore', fd, fd], detached: true, env });
      this.child = child;
      log.debug('started containerd', { pid: child.pid, config: this.configPath });
      return child;
    } finally {
      closeSync(fd);
    }
  }

  /** Polls Version until it answers (true), containerd exits, the timeout passes or `signal` aborts (false). */
  private async waitAnswering(probe: ContainerdRuntime, child: ChildProcess, signal: AbortSignal): Promise<boolean> {
    const deadline = this.clock.now() + (this.opts.readyTimeoutMs ?? 60_000);
    while (!signal.aborted && this.clock.now() < deadline) {
      if (child.exitCode !== null || child.signalCode !== null) return false;
      try {
        await probe.version();
        return true;
      } catch {
        // not listening yet
      }
      try {
        await this.clock.sleep(50, signal);
      } catch {
        return false;
      }
    }
    return false;
  }

  private async importImageDirs(): Promise<void> {
    for (const dir of this.opts.imageDirs ?? []) {
      try {
        const names = await importImages(dir, { socketPath: this.socketPath, ctrPath: this.opts.ctrPath });
        log.info('imported images', { dir, count: names.length });
      } catch (e: unknown) {
        this.lastError = e instanceof Error ? e : new Error(String(e));
        log.error('image import failed', { dir, err: this.lastError });
      }
    }
  }

  /** The last part of containerd's log, for error messages. */
  logTail(bytes = 1500): string {
    try {
      const fd = openSync(this.logPath, 'r');
      try {
        const size = fstatSync(fd).size;
        const len = Math.min(bytes, size);
        const buf = Buffer.alloc(len);
        readSync(fd, buf, 0, len, size - len);
        return buf.toString('utf8').trim();
      } finally {
        closeSync(fd);
      }
    } catch {
      return '(no log)';
    }
  }

  private async stopChild(child: ChildProcess): Promise<void> {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const grace = new Promise<'timeout'>((resolve) => {
      const cancel = this.clock.setTimer(() => resolve('timeout'), this.opts.stopGraceMs ?? 10_000);
      void exited.then(cancel);
    });
    if ((await Promise.race([exited, grace])) === 'timeout') {
      log.warn('containerd did not stop on SIGTERM; killing it', { pid: child.pid });
      child.kill('SIGKILL');
      await exited;
    }
  }

  /** Stops sandboxes (through CRI while containerd answers), containerd, and leftovers. */
  private async shutdown(): Promise<ShutdownReport> {
    const report: ShutdownReport = {
      stoppedSandboxes: [],
      sandboxStopErrors: [],
      killedShims: [],
      unmounted: [],
      removedNetns: [],
      removedCgroups: [],
      busyCgroups: [],
    };
    let child = this.child;
    const isAlive = (c: ChildProcess | undefined): c is ChildProcess => !!c && c.exitCode === null && c.signalCode === null;
    if (!isAlive(child) && (this.opts.restartForShutdown ?? true) && (await findShims(this.socketPath)).length) {
      child = await this.startForShutdown();
    }
    if (isAlive(child)) {
      const rt = new ContainerdRuntime({ socketPath: this.socketPath, callTimeoutMs: 30_000 });
      try {
        await this.stopSandboxes(rt, report);
      } finally {
        rt.close();
      }
      await this.stopChild(child);
    }
    this.child = undefined;
    // Normally nothing below finds anything: stopped sandboxes have no tasks and no shims.
    const killed = await killShims(this.socketPath);
    report.killedShims = killed.shims;
    for (const ns of killed.netns) this.knownNetns.add(ns);
    for (let i = 0; i < 50 && (await findShims(this.socketPath)).length; i++) await this.clock.sleep(100);
    report.unmounted = await unmountUnder([this.stateDir, this.rootDir]);
    for (const ns of this.knownNetns) if (await removeNetns(ns)) report.removedNetns.push(ns);
    this.knownNetns.clear();
    const cg = await removeCgroupTree(this.cgroupRoot);
    report.removedCgroups = cg.removed;
    report.busyCgroups = cg.busy;
    for (const p of [this.socketPath, `${this.socketPath}.ttrpc`]) rmSync(p, { force: true });
    if (report.killedShims.length || report.unmounted.length || report.removedNetns.length || report.busyCgroups.length) {
      log.warn('cleaned up after containerd', { shims: report.killedShims.length, mounts: report.unmounted.length, netns: report.removedNetns.length, busyCgroups: report.busyCgroups });
    }
    log.info('containerd stopped', { sandboxes: report.stoppedSandboxes.length });
    return report;
  }

  /** Starts containerd once more (see restartForShutdown); undefined if it does not answer in time. */
  private async startForShutdown(): Promise<ChildProcess | undefined> {
    log.info('starting containerd once more to stop its sandboxes');
    const child = this.spawnContainerd();
    const probe = new ContainerdRuntime({ socketPath: this.socketPath, callTimeoutMs: 2000 });
    try {
      const limit = AbortSignal.timeout(this.opts.shutdownStartTimeoutMs ?? 15_000);
      if (await this.waitAnswering(probe, child, limit)) return child;
    } finally {
      probe.close();
    }
    log.warn('containerd did not answer for the shutdown; killing leftovers instead');
    await this.stopChild(child);
    return undefined;
  }

  private async stopSandboxes(rt: ContainerdRuntime, report: ShutdownReport): Promise<void> {
    let sandboxes;
    try {
      sandboxes = await rt.listPodSandbox();
    } catch (e: unknown) {
      report.sandboxStopErrors.push(`ListPodSandbox: ${String((e as Error).message ?? e)}`);
      return;
    }
    for (const sb of sandboxes) {
      try {
        const ns = await this.sandboxNetns(rt, sb.id);
        if (ns) this.knownNetns.add(ns);
        await rt.stopPodSandbox(sb.id);
        report.stoppedSandboxes.push(sb.id);
      } catch (e: unknown) {
        report.sandboxStopErrors.push(`${sb.id}: ${String((e as Error).message ?? e)}`);
      }
    }
  }

  /** The sandbox's network namespace path from containerd's verbose status, if it has one. */
  private async sandboxNetns(rt: ContainerdRuntime, id: string): Promise<string | undefined> {
    try {
      const { info } = await rt.podSandboxStatusVerbose(id);
      return netnsFromSandboxInfo(info);
    } catch {
      return undefined;
    }
  }
}

/**
 * The netns path in containerd's verbose PodSandboxStatus info (`info.runtimeSpec.linux.
 * namespaces[type=network].path`); undefined for host-network sandboxes.
 */
export function netnsFromSandboxInfo(info: Record<string, string>): string | undefined {
  try {
    const parsed = JSON.parse(info.info ?? '{}') as { runtimeSpec?: { linux?: { namespaces?: { type: string; path?: string }[] } } };
    const path = parsed.runtimeSpec?.linux?.namespaces?.find((n) => n.type === 'network')?.path;
    return path || undefined;
  } catch {
    return undefined;
  }
}
