import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { TarEntryType, writeTar, type TarEntry } from './tar.js';

/**
 * OCI image layouts (image-spec v1.0) written by hand: gzip layers, an image config, a
 * manifest, and an index.json whose entries carry `io.containerd.image.name`, so that
 * `ctr images import` registers every name. Output is a function of the input only.
 */

export const OciMediaType = {
  Index: 'application/vnd.oci.image.index.v1+json',
  Manifest: 'application/vnd.oci.image.manifest.v1+json',
  Config: 'application/vnd.oci.image.config.v1+json',
  LayerGzip: 'application/vnd.oci.image.layer.v1.tar+gzip',
} as const;

/** The `config` object of an OCI image config (the fields containerd's CRI reads). */
export interface OciRuntimeConfig {
  Entrypoint?: string[];
  Cmd?: string[];
  Env?: string[];
  WorkingDir?: string;
  User?: string;
  ExposedPorts?: Record<string, Record<string, never>>;
  Labels?: Record<string, string>;
  StopSignal?: string;
}

export interface OciImageSpec {
  /** Full references, e.g. `docker.io/library/busybox:latest`; one index entry each. */
  names: string[];
  /** Layers, bottom first: uncompressed tarballs, or prepared once and shared between images. */
  layers: (Uint8Array | PreparedLayer)[];
  config: OciRuntimeConfig;
  /** OCI architecture name (amd64, arm64, ...); default: this machine's. */
  architecture?: string;
  /** RFC 3339 creation time recorded in the config (fixed, for reproducible digests). */
  created?: string;
}

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  platform?: { architecture: string; os: string };
  annotations?: Record<string, string>;
}

/** The blobs and index of one image layout, before it is archived. */
export interface OciLayout {
  /** digest ("sha256:...") -> bytes */
  blobs: Map<string, Buffer>;
  index: { schemaVersion: 2; mediaType: string; manifests: Descriptor[] };
  manifestDigest: string;
  configDigest: string;
}

export const FIXED_CREATED = '2024-01-01T00:00:00Z';
/** Seconds since the epoch of FIXED_CREATED: the mtime of every tar entry we write. */
export const FIXED_MTIME = Date.parse(FIXED_CREATED) / 1000;

export function sha256(data: Uint8Array): string {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}

/** Node's `process.arch` as the OCI platform names it. */
export function ociArchitecture(arch: string = process.arch): string {
  const map: Record<string, string> = { x64: 'amd64', arm64: 'arm64', arm: 'arm', ia32: '386', ppc64: 'ppc64le', s390x: 's390x', riscv64: 'riscv64' };
  return map[arch] ?? arch;
}

/** The tag part of a reference (`nginx:1.27` -> `1.27`; `latest` when there is none). */
export function referenceTag(ref: string): string {
  const slash = ref.lastIndexOf('/');
  const colon = ref.lastIndexOf(':');
  return colon > slash ? ref.slice(colon + 1) : 'latest';
}

// JSON with a stable key order (insertion order of objects we build) and no whitespace.
function jsonBytes(v: unknown): Buffer {
  return Buffer.from(JSON.stringify(v), 'utf8');
}

export function gzipLayer(tar: Uint8Array): Buffer {
  // Node's gzip header carries mtime 0 and no file name, so equal input gives equal output.
  return gzipSync(tar, { level: 9 });
}

/** A layer compressed once, with the digests the manifest and the config need. */
export interface PreparedLayer {
  gzip: Buffer;
  /** Digest of the compressed blob (manifest). */
  digest: string;
  /** Digest of the uncompressed tar (config rootfs.diff_ids). */
  diffId: string;
}

export function prepareLayer(tar: Uint8Array): PreparedLayer {
  const gz = gzipLayer(tar);
  return { gzip: gz, digest: sha256(gz), diffId: sha256(tar) };
}

export function buildOciLayout(spec: OciImageSpec): OciLayout {
  if (spec.names.length === 0) throw new Error('an OCI image needs at least one name');
  const blobs = new Map<string, Buffer>();
  const architecture = spec.architecture ?? ociArchitecture();
  const created = spec.created ?? FIXED_CREATED;
  const layerDescs: Descriptor[] = [];
  const diffIds: string[] = [];
  for (const l of spec.layers) {
    const layer = l instanceof Uint8Array ? prepareLayer(l) : l;
    blobs.set(layer.digest, layer.gzip);
    layerDescs.push({ mediaType: OciMediaType.LayerGzip, digest: layer.digest, size: layer.gzip.length });
    diffIds.push(layer.diffId);
  }
  const config = jsonBytes({
    created,
    architecture,
    os: 'linux',
    config: spec.config,
    rootfs: { type: 'layers', diff_ids: diffIds },
    history: spec.layers.map(() => ({ created, created_by: 'k8ts build-test-images' })),
  });
  const configDigest = sha256(config);
  blobs.set(configDigest, config);
  const manifest = jsonBytes({
    schemaVersion: 2,
    mediaType: OciMediaType.Manifest,
    config: { mediaType: OciMediaType.Config, digest: configDigest, size: config.length },
    layers: layerDescs,
  });
  const manifestDigest = sha256(manifest);
  blobs.set(manifestDigest, manifest);
  const manifests: Descriptor[] = spec.names.map((name) => ({
    mediaType: OciMediaType.Manifest,
    digest: manifestDigest,
    size: manifest.length,
    platform: { architecture, os: 'linux' },
    annotations: { 'io.containerd.image.name': name, 'org.opencontainers.image.ref.name': referenceTag(name) },
  }));
  return { blobs, index: { schemaVersion: 2, mediaType: OciMediaType.Index, manifests }, manifestDigest, configDigest };
}

/** The layout as a tar archive (`oci-layout`, `index.json`, `blobs/sha256/...`). */
export function archiveOciLayout(layout: OciLayout): Buffer {
  const entries: TarEntry[] = [
    { path: 'oci-layout', type: TarEntryType.File, mode: 0o644, data: jsonBytes({ imageLayoutVersion: '1.0.0' }) },
    { path: 'index.json', type: TarEntryType.File, mode: 0o644, data: jsonBytes(layout.index) },
    { path: 'blobs', type: TarEntryType.Directory, mode: 0o755 },
    { path: 'blobs/sha256', type: TarEntryType.Directory, mode: 0o755 },
  ];
  for (const digest of [...layout.blobs.keys()].sort()) {
    entries.push({ path: `blobs/sha256/${digest.slice('sha256:'.length)}`, type: TarEntryType.File, mode: 0o644, data: layout.blobs.get(digest)! });
  }
  return writeTar(entries, FIXED_MTIME);
}

export function buildOciArchive(spec: OciImageSpec): Buffer {
  return archiveOciLayout(buildOciLayout(spec));
}
