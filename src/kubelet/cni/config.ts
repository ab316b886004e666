import { execFile } from 'node:child_process';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

/**
 * The pod network of a k8ts node: one CNI network list (bridge + host-local IPAM on the
 * node's podCIDR, portmap for hostPorts, loopback) written into the conf dir containerd's CRI
 * plugin watches. containerd picks the file up on its own (it watches the directory), after
 * which CRI Status reports NetworkReady and RunPodSandbox gives pods an IP from the podCIDR.
 *
 * How the kubelet uses it: once its Node has `spec.podCIDR` (assigned by the node-ipam
 * controller, or configured), call
 *   `writeCniConfig(supervisor.cniConfDir, { podCIDR, ipamDataDir: supervisor.ipamDataDir })`
 * before starting any sandbox that is not hostNetwork, and again whenever the podCIDR
 * changes (the call is idempotent: it rewrites the file only when the content changes).
 * Until then CRI Status reports NetworkReady=false (the kubelet keeps the Node NotReady,
 * as upstream) and RunPodSandbox fails for pod-network sandboxes; hostNetwork sandboxes need
 * no CNI config. On node shutdown, after the supervisor has stopped every sandbox,
 * `removeCniBridge()` deletes the bridge and `removeHostportChains()` the portmap plugin's
 * host-wide nat chains.
 */

export const DEFAULT_BRIDGE = 'cni0';
export const DEFAULT_NETWORK_NAME = 'k8ts';
export const CONFLIST_FILE = '10-k8ts.conflist';
export const CNI_VERSION = '1.0.0';

export interface CniNetworkOptions {
  /** The node's pod CIDR (IPv4, e.g. `10.42.0.0/24`); host-local hands out addresses from it. */
  podCIDR: string;
  /** Bridge device name (default `cni0`; Linux allows at most 15 characters). */
  bridge?: string;
  /** CNI network name (default `k8ts`). */
  networkName?: string;
  /** Where host-local records allocations (default: the plugin's own, /var/lib/cni/networks). */
  ipamDataDir?: string;
  /** MTU of the bridge and veths (default: the plugin's, 1500). */
  mtu?: number;
}

/** Checks an IPv4 CIDR (`a.b.c.d/n`, host bits zero) and returns its parts. */
export function parseIPv4Cidr(cidr: string): { address: number[]; prefix: number } {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(cidr);
  if (!m) throw new Error(`invalid IPv4 CIDR "${cidr}"`);
  const address = m.slice(1, 5).map(Number);
  const prefix = Number(m[5]);
  if (address.some((o) => o > 255) || prefix > 30) throw new Error(`invalid IPv4 CIDR "${cidr}" (a pod CIDR needs a prefix of at most /30)`);
  const value = ((address[0]! << 24) >>> 0) + (address[1]! << 16) + (address[2]! << 8) + address[3]!;
  const hostMask = prefix === 0 ? 0xffffffff : (2 ** (32 - prefix) - 1);
  if ((value & hostMask) >>> 0 !== 0) throw new Error(`invalid CIDR "${cidr}": host bits are set`);
  return { address, prefix };
}

/** The CNI network list (cniVersion 1.0.0) for a node. */
export function cniConflist(opts: CniNetworkOptions): Record<string, unknown> {
  parseIPv4Cidr(opts.podCIDR);
  const bridge = opts.bridge ?? DEFAULT_BRIDGE;
  if (!/^[A-Za-z0-9_.-]{1,15}$/.test(bridge)) throw new Error(`invalid bridge name "${bridge}" (1-15 characters)`);
  const ipam: Record<string, unknown> = {
    type: 'host-local',
    ranges: [[{ subnet: opts.podCIDR }]],
    // No routes here: isDefaultGateway below installs the default route via the bridge.
  };
  if (opts.ipamDataDir) ipam.dataDir = opts.ipamDataDir;
  const bridgePlugin: Record<string, unknown> = {
    type: 'bridge',
    bridge,
    isGateway: true,
    isDefaultGateway: true,
    // Pod traffic leaving the node is masqueraded, as k3s' default flannel setup does.
    ipMasq: true,
    // A pod reaching itself through a Service IP needs hairpin on its bridge port.
    hairpinMode: true,
    ipam,
  };
  if (opts.mtu) bridgePlugin.mtu = opts.mtu;
  return {
    cniVersion: CNI_VERSION,
    name: opts.networkName ?? DEFAULT_NETWORK_NAME,
    plugins: [bridgePlugin, { type: 'portmap', capabilities: { portMappings: true } }, { type: 'loopback' }],
  };
}

/**
 * Writes the node's conflist into `confDir` (created if missing) unless it already holds
 * exactly that content; the write is atomic (temporary file + rename, and libcni ignores the
 * temporary name). Returns the file's path and whether it changed. Not for concurrent callers
 * on the same directory.
 */
export async function writeCniConfig(confDir: string, opts: CniNetworkOptions): Promise<{ path: string; changed: boolean }> {
  const path = join(confDir, CONFLIST_FILE);
  const content = JSON.stringify(cniConflist(opts), null, 2) + '\n';
  try {
    if ((await readFile(path, 'utf8')) === content) return { path, changed: false };
  } catch {
    // not written yet
  }
  await mkdir(confDir, { recursive: true });
  const tmp = `${path}.tmp`;
  await writeFile(tmp, content);
  await rename(tmp, path);
  return { path, changed: true };
}

/**
 * Deletes the bridge device (and with it nothing else: veths go with their pods' netns).
 * Call after every sandbox on it is stopped. Resolves false when there was no such device.
 */
export async function removeCniBridge(bridge: string = DEFAULT_BRIDGE): Promise<boolean> {
  try {
    await execFileAsync('ip', ['link', 'delete', bridge, 'type', 'bridge']);
    return true;
  } catch (e: unknown) {
    const stderr = String((e as { stderr?: unknown }).stderr ?? '');
    if (/Cannot find device|does not exist/i.test(stderr)) return false;
    throw new Error(`ip link delete ${bridge}: ${stderr.trim() || String(e)}`);
  }
}

/** Splits an `iptables -S` rule line into arguments (double-quoted words as iptables prints them). */
export function splitRuleArgs(line: string): string[] {
  const out: string[] = [];
  const re = /"((?:[^"\\]|\\.)*)"|(\S+)/g;
  for (const m of line.matchAll(re)) out.push(m[1] !== undefined ? m[1].replace(/\\(.)/g, '$1') : m[2]!);
  return out;
}

/** The chains the portmap plugin creates once per host (nat table). */
export const HOSTPORT_CHAINS = ['CNI-HOSTPORT-DNAT', 'CNI-HOSTPORT-MASQ', 'CNI-HOSTPORT-SETMARK'] as const;

/**
 * From `iptables -t nat -S` output: the rules (as `-A CHAIN ...` argument lists) that jump
 * into the portmap plugin's host-wide chains from other chains, and whether any hostPort
 * mapping is still programmed (rules inside CNI-HOSTPORT-DNAT).
 */
export function hostportRules(natRules: string): { jumps: string[][]; inUse: boolean } {
  const jumps: string[][] = [];
  let inUse = false;
  for (const line of natRules.split('\n')) {
    const args = splitRuleArgs(line.trim());
    if (args[0] !== '-A') continue;
    const chain = args[1]!;
    const j = args.indexOf('-j');
    const target = j >= 0 ? args[j + 1] : undefined;
    if (chain === 'CNI-HOSTPORT-DNAT') inUse = true;
    else if (target && (HOSTPORT_CHAINS as readonly string[]).includes(target) && !(HOSTPORT_CHAINS as readonly string[]).includes(chain)) jumps.push(args);
  }
  return { jumps, inUse };
}

/**
 * Removes the portmap plugin's host-wide nat chains and the jumps into them, unless a hostPort
 * mapping is still programmed (another CNI user may own them then). Call on node shutdown
 * after every sandbox is stopped. Resolves whether it removed them.
 */
export async function removeHostportChains(iptables = 'iptables'): Promise<boolean> {
  let rules: string;
  try {
    rules = (await execFileAsync(iptables, ['-w', '-t', 'nat', '-S'])).stdout;
  } catch {
    return false;
  }
  const { jumps, inUse } = hostportRules(rules);
  if (inUse) return false;
  const present = HOSTPORT_CHAINS.filter((c) => rules.includes(`-N ${c}\n`) || rules.endsWith(`-N ${c}`));
  if (!present.length && !jumps.length) return false;
  for (const rule of jumps) await execFileAsync(iptables, ['-w', '-t', 'nat', '-D', ...rule.slice(1)]).catch(() => undefined);
  for (const c of present) await execFileAsync(iptables, ['-w', '-t', 'nat', '-F', c]).catch(() => undefined);
  for (const c of present) await execFileAsync(iptables, ['-w', '-t', 'nat', '-X', c]).catch(() => undefined);
  return true;
}
