import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

export const REPO = join(import.meta.dirname, '..', '..');
export const K8TS_BIN = join(REPO, 'bin', 'k8ts.js');

export function tempDir(prefix = 'k8ts-e2e-'): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

export interface ServerProcess {
  readonly child: ChildProcess;
  readonly url: string;
  readonly kubeconfig: string;
  /** stderr so far. */
  stderr(): string;
  /** Sends SIGTERM and resolves to the exit code (SIGKILL after the timeout). */
  stop(timeoutMs?: number): Promise<number | null>;
}

/** Runs `k8ts server` as a child process and waits for its ready line. */
export async function startServerProcess(args: string[], timeoutMs = 20_000): Promise<ServerProcess> {
  const child = spawn(process.execPath, [K8TS_BIN, 'server', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const lines = createInterface({ input: child.stdout! });
  const ready = await new Promise<{ url: string; kubeconfig: string }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server not ready after ${timeoutMs} ms; stderr:\n${err}`)), timeoutMs);
    lines.on('line', (line) => {
      const m = /^k8ts ready: kubeconfig=(\S+) server=(\S+)$/.exec(line);
      if (m) {
        clearTimeout(timer);
        resolve({ kubeconfig: m[1]!, url: m[2]! });
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code} before ready; stderr:\n${err}`));
    });
  });
  return {
    child,
    ...ready,
    stderr: () => err,
    stop: (timeout = 10_000) =>
      new Promise<number | null>((resolve) => {
        if (child.exitCode !== null) return resolve(child.exitCode);
        const t = setTimeout(() => child.kill('SIGKILL'), timeout);
        child.once('exit', (code) => {
          clearTimeout(t);
          resolve(code);
        });
        child.kill('SIGTERM');
      }),
  };
}

/** Runs the k8ts CLI to completion. */
export function runK8ts(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [K8TS_BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

/** The real kubectl binaries shipped on these machines (kubectl.1.27 ... kubectl.1.33). */
export const KUBECTL_DIR = '/usr/lib/google-cloud-sdk/bin';

export function kubectlBinary(minor = 32): string {
  return `${KUBECTL_DIR}/kubectl.1.${minor}`;
}

export interface KubectlResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs real kubectl against a kubeconfig; never throws for a non-zero exit. */
export function kubectl(
  kubeconfig: string,
  args: string[],
  opts: { stdin?: string; env?: Record<string, string>; minor?: number; timeoutMs?: number } = {},
): Promise<KubectlResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(kubectlBinary(opts.minor), args, {
      env: { ...process.env, KUBECONFIG: kubeconfig, HOME: process.env.HOME ?? '/root', ...opts.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 60_000);
    child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    if (opts.stdin !== undefined) child.stdin!.end(opts.stdin);
    else child.stdin!.end();
  });
}

/** kubectl that must succeed: returns stdout, throws with stderr otherwise. */
export async function kubectlOk(kubeconfig: string, args: string[], opts: Parameters<typeof kubectl>[2] = {}): Promise<string> {
  const r = await kubectl(kubeconfig, args, opts);
  if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')} exited ${r.code}:\n${r.stderr}${r.stdout}`);
  return r.stdout;
}
