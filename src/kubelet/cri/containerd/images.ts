import { execFile } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

/** The containerd namespace CRI keeps Kubernetes' images and containers in. */
export const CRI_NAMESPACE = 'k8s.io';

export interface ImportImagesOptions {
  /** containerd's gRPC socket. */
  socketPath: string;
  /** The `ctr` binary (default: `ctr` on PATH). */
  ctrPath?: string;
}

/** Image archives in `dir` (`*.tar`, `*.tar.gz`, `*.tgz`, `*.oci`), sorted by name. */
export function imageArchives(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((n) => /\.(tar|tar\.gz|tgz|oci)$/.test(n))
    .sort()
    .map((n) => join(dir, n))
    .filter((p) => statSync(p).isFile());
}

/** Image names `ctr images import` reports ("unpacking NAME (sha256:...)...done"). */
export function parseImportOutput(out: string): string[] {
  const names: string[] = [];
  for (const m of out.matchAll(/^unpacking (\S+) \(sha256:[0-9a-f]+\)/gm)) names.push(m[1]!);
  return names;
}

/**
 * Imports every image archive in `dir` (OCI layouts or docker save tarballs) into
 * containerd's k8s.io namespace, where CRI sees them, and unpacks them into the default
 * snapshotter: the air-gapped images of `k8ts server` (DATA_DIR/images), as k3s imports
 * its agent/images. Archives are imported one after another; the first failure rejects.
 * Returns the image names imported. Re-importing an image is harmless.
 */
export async function importImages(dir: string, opts: ImportImagesOptions): Promise<string[]> {
  const names: string[] = [];
  for (const file of imageArchives(dir)) {
    try {
      const { stdout } = await execFileAsync(
        opts.ctrPath ?? 'ctr',
        ['-n', CRI_NAMESPACE, '--address', opts.socketPath, 'images', 'import', file],
        { maxBuffer: 16 * 1024 * 1024 },
      );
      names.push(...parseImportOutput(stdout));
    } catch (e: unknown) {
      const stderr = String((e as { stderr?: unknown }).stderr ?? '').trim();
      throw new Error(`importing ${file}: ${stderr || String(e)}`);
    }
  }
  return names;
}
