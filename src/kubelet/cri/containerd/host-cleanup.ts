import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readdir, readFile, readlink, rmdir, stat, unlink } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

/**
 * What a stopped containerd can leave on the host, found and removed: shim processes (and
 * the container processes under them), rootfs/shm mounts, network namespaces and pod
 * cgroups. The parsers are pure (unit-tested); the rest reads /proc and /sys and acts.
 */

export interface ProcessInfo {
  pid: number;
  ppid: number;
  argv: string[];
}

/** argv from /proc/PID/cmdline (NUL-separated, usually NUL-terminated). */
export function parseCmdline(raw: string): string[] {
  const parts = raw.split('\0');
  if (parts.length && parts[parts.length - 1] === '') parts.pop();
  return parts;
}

/** The parent pid from /proc/PID/stat (the comm field may contain spaces and parentheses). */
export function parseStatPpid(stat: string): number {
  const close = stat.lastIndexOf(')');
  const fields = stat.slice(close + 2).split(' ');
  return Number(fields[1]);
}

/** Every process visible in /proc (kernel threads have an empty argv). */
export async function listProcesses(): Promise<ProcessInfo[]> {
  const out: ProcessInfo[] = [];
  for (const name of await readdir('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const [cmdline, stat] = await Promise.all([readFile(`/proc/${name}/cmdline`, 'utf8'), readFile(`/proc/${name}/stat`, 'utf8')]);
      out.push({ pid: Number(name), ppid: parseStatPpid(stat), argv: parseCmdline(cmdline) });
    } catch {
      // exited meanwhile
    }
  }
  return out;
}

/** The value following `flag` (`-address /x` or `-address=/x`; one or two dashes). */
export function flagValue(argv: readonly string[], flag: string): string | undefined {
  const names = [`-${flag}`, `--${flag}`];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (names.includes(a)) return argv[i + 1];
    for (const n of names) if (a.startsWith(`${n}=`)) return a.slice(n.length + 1);
  }
  return undefined;
}

/**
 * Whether argv is a runc v2 shim serving `namespace` for the containerd on `socketPath`
 * (containerd starts them as `containerd-shim-runc-v2 -namespace NS -id ID -address SOCK`).
 */
export function isShimOf(argv: readonly string[], socketPath: string, namespace = 'k8s.io'): boolean {
  if (!argv.length || basename(argv[0]!) !== 'containerd-shim-runc-v2') return false;
  return flagValue(argv, 'namespace') === namespace && flagValue(argv, 'address') === socketPath;
}

/** Whether argv is a containerd started with `--config configPath`. */
export function isContainerdWithConfig(argv: readonly string[], configPath: string): boolean {
  if (!argv.length) return false;
  const bin = basename(argv[0]!);
  if (bin !== 'containerd' && bin !== 'setpriv') return false;
  const i = argv.findIndex((a) => basename(a) === 'containerd');
  if (i < 0) return false;
  return flagValue(argv.slice(i), 'config') === configPath || flagValue(argv.slice(i), 'c') === configPath;
}

/** `pid`'s descendants, deepest first (so children die before their reaper). */
export function descendantsOf(procs: readonly ProcessInfo[], pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const p of procs) {
    const list = children.get(p.ppid) ?? [];
    list.push(p.pid);
    children.set(p.ppid, list);
  }
  const out: number[] = [];
  const visit = (p: number, depth: number) => {
    if (depth > 64) return;
    for (const c of children.get(p) ?? []) {
      visit(c, depth + 1);
      out.push(c);
    }
  };
  visit(pid, 0);
  return out;
}

export interface MountEntry {
  mountPoint: string;
  fsType: string;
  source: string;
}

/** Octal escapes of mountinfo (`\040` for a space). */
function unescapeMount(s: string): string {
  return s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));
}

/** /proc/self/mountinfo lines -> mount points with their filesystem type and source. */
export function parseMountinfo(text: string): MountEntry[] {
  const out: MountEntry[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    const f = line.split(' ');
    const sep = f.indexOf('-', 6);
    if (f.length < 10 || sep < 0) continue;
    out.push({ mountPoint: unescapeMount(f[4]!), fsType: f[sep + 1]!, source: unescapeMount(f[sep + 2] ?? '') });
  }
  return out;
}

function isUnder(path: string, dir: string): boolean {
  const d = dir.endsWith('/') ? dir : `${dir}/`;
  return path === dir || path.startsWith(d);
}

/** Mount points at or under any of `dirs`, deepest first (the order to unmount them in). */
export function mountsUnder(mounts: readonly MountEntry[], dirs: readonly string[]): string[] {
  const hits = new Set(mounts.filter((m) => dirs.some((d) => isUnder(m.mountPoint, d))).map((m) => m.mountPoint));
  return [...hits].sort((a, b) => b.split('/').length - a.split('/').length || b.localeCompare(a));
}

/** Mount points of the cgroup hierarchies (v1 controllers and/or the v2 unified tree). */
export function cgroupMounts(mounts: readonly MountEntry[]): string[] {
  return [...new Set(mounts.filter((m) => m.fsType === 'cgroup' || m.fsType === 'cgroup2').map((m) => m.mountPoint))].sort();
}

export async function readMounts(): Promise<MountEntry[]> {
  return parseMountinfo(await readFile('/proc/self/mountinfo', 'utf8'));
}

function kill(pid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(pid, signal);
    return true;
  } catch {
    return false;
  }
}

/** The inode in a `/proc/PID/ns/net` link target (`net:[4026532712]`). */
export function parseNsLink(target: string): number | undefined {
  const m = /^net:\[(\d+)\]$/.exec(target);
  return m ? Number(m[1]) : undefined;
}

/** Named network namespaces (files in `netnsDir`) that some process in `pids` is in. */
export async function netnsOfProcesses(pids: readonly number[], netnsDir = '/run/netns'): Promise<string[]> {
  const inodes = new Set<number>();
  for (const pid of pids) {
    const ino = parseNsLink(await readlink(`/proc/${pid}/ns/net`).catch(() => ''));
    if (ino !== undefined) inodes.add(ino);
  }
  if (!inodes.size || !existsSync(netnsDir)) return [];
  const out: string[] = [];
  for (const name of await readdir(netnsDir)) {
    const path = join(netnsDir, name);
    const st = await stat(path).catch(() => undefined);
    if (st && inodes.has(st.ino)) out.push(path);
  }
  return out.sort();
}

/**
 * SIGKILLs every shim of `socketPath` in `namespace`, after SIGKILLing the processes under it
 * (the containers whose init the shim reaps). Returns the shims' pids, and the named network
 * namespaces their containers were in (found before the kill, for the caller to remove).
 */
export async function killShims(socketPath: string, namespace = 'k8s.io'): Promise<{ shims: number[]; netns: string[] }> {
  const procs = await listProcesses();
  const shims = procs.filter((p) => isShimOf(p.argv, socketPath, namespace)).map((p) => p.pid);
  const victims = shims.flatMap((shim) => descendantsOf(procs, shim));
  const netns = await netnsOfProcesses(victims);
  for (const pid of victims) kill(pid, 'SIGKILL');
  for (const shim of shims) kill(shim, 'SIGKILL');
  return { shims, netns };
}

/** Pids of shims of `socketPath` still running. */
export async function findShims(socketPath: string, namespace = 'k8s.io'): Promise<number[]> {
  return (await listProcesses()).filter((p) => isShimOf(p.argv, socketPath, namespace)).map((p) => p.pid);
}

/** Unmounts everything mounted at or under `dirs` (deepest first; lazily when busy). */
export async function unmountUnder(dirs: readonly string[]): Promise<string[]> {
  const targets = mountsUnder(await readMounts(), dirs);
  for (const t of targets) {
    try {
      await execFileAsync('umount', [t]);
    } catch {
      await execFileAsync('umount', ['-l', t]).catch(() => undefined);
    }
  }
  return targets;
}

/**
 * Removes the cgroup directory `parent` (e.g. `/kubepods`) and everything below it in every
 * hierarchy, deepest first. Only empty cgroups can be removed (the kernel refuses others), so
 * a cgroup that still has processes stays; those paths are returned.
 */
export async function removeCgroupTree(parent: string): Promise<{ removed: string[]; busy: string[] }> {
  const rel = parent.replace(/^\/+/, '');
  if (!rel || rel.includes('..')) throw new Error(`refusing to remove cgroup tree "${parent}"`);
  const removed: string[] = [];
  const busy: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) if (e.isDirectory()) await walk(join(dir, e.name));
    try {
      await rmdir(dir);
      removed.push(dir);
    } catch (err: unknown) {
      if ((err as { code?: string }).code !== 'ENOENT') busy.push(dir);
    }
  };
  for (const root of cgroupMounts(await readMounts())) {
    const dir = join(root, rel);
    if (existsSync(dir)) await walk(dir);
  }
  return { removed, busy };
}

/** Cgroup directories named `parent` that exist in any hierarchy. */
export async function cgroupDirsOf(parent: string): Promise<string[]> {
  const rel = parent.replace(/^\/+/, '');
  return cgroupMounts(await readMounts())
    .map((root) => join(root, rel))
    .filter((d) => existsSync(d));
}

/** Deletes a network namespace file (unmounting its bind mount first), if it still exists. */
export async function removeNetns(path: string): Promise<boolean> {
  if (!existsSync(path)) return false;
  await execFileAsync('umount', [path]).catch(() => execFileAsync('umount', ['-l', path]).catch(() => undefined));
  await unlink(path).catch(() => undefined);
  return true;
}
