import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildOciArchive, FIXED_MTIME, prepareLayer, type OciImageSpec } from './layout.js';
import { TarEntryType, writeTar, type TarEntry } from './tar.js';

/**
 * The images every k8ts node has without a registry, built from the host's static busybox
 * (Debian busybox-static): busybox itself, the pod sandbox image, and small stand-ins named
 * like common images so ordinary manifests run air-gapped. `k8ts server` imports every
 * tarball in DATA_DIR/images at start; `scripts/build-test-images.mjs` writes them there.
 */

/** The sandbox ("pause") image named in containerd's CRI config; its command never exits. */
export const SANDBOX_IMAGE = 'registry.k8s.io/pause:3.10';

// Bump when the recipe below changes in a way the cache key cannot see (it sees image names,
// configs and extra files already).
const RECIPE_VERSION = 1;

const PATH_ENV = 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

const NGINX_SCRIPT = `#!/bin/sh
# k8ts offline stand-in for nginx: busybox httpd serving /usr/share/nginx/html on port 80,
# in the foreground. nginx's own flags are accepted and ignored, except these:
case "$1" in
  -v|-V) echo "nginx version: nginx/1.27.0 (k8ts stand-in: busybox httpd)" >&2; exit 0 ;;
  -t|-T) echo "nginx: configuration file /etc/nginx/nginx.conf test is successful" >&2; exit 0 ;;
  -s) exit 0 ;;
esac
trap 'kill -TERM "$pid" 2>/dev/null; exit 0' TERM INT QUIT
httpd -f -v -p 80 -h /usr/share/nginx/html &
pid=$!
wait "$pid"
`;

const ENTRYPOINT_SCRIPT = `#!/bin/sh
# As the nginx image's entrypoint: run the given command.
exec "$@"
`;

const NGINX_INDEX = `<!DOCTYPE html>
<html>
<head><title>Welcome to nginx!</title></head>
<body>
<h1>Welcome to nginx!</h1>
<p>This page is served by the k8ts offline stand-in for nginx (busybox httpd).</p>
</body>
</html>
`;

const NGINX_50X = `<!DOCTYPE html>
<html>
<head><title>Error</title></head>
<body>
<h1>An error occurred.</h1>
</body>
</html>
`;

const ETC_PASSWD = 'root:x:0:0:root:/root:/bin/sh\nnginx:x:101:101:nginx:/nonexistent:/bin/false\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n';
const ETC_GROUP = 'root:x:0:\nnginx:x:101:\nnogroup:x:65534:\nnobody:x:65534:\n';

interface ExtraFile {
  path: string;
  mode: number;
  text: string;
}

interface OfflineImageRecipe {
  /** Tarball file name in the images directory. */
  file: string;
  names: string[];
  config: OciImageSpec['config'];
  /** Files of a second layer on top of the busybox rootfs. */
  extraFiles?: ExtraFile[];
}

export const OFFLINE_IMAGE_RECIPES: readonly OfflineImageRecipe[] = [
  {
    file: 'busybox.tar',
    names: ['docker.io/library/busybox:latest', 'docker.io/library/busybox:1.36', 'docker.io/library/busybox:stable'],
    config: { Env: [PATH_ENV], Cmd: ['sh'] },
  },
  {
    file: 'pause.tar',
    names: [SANDBOX_IMAGE],
    config: { Env: [PATH_ENV], Entrypoint: ['/bin/sleep', 'infinity'], WorkingDir: '/' },
  },
  {
    file: 'nginx.tar',
    names: ['docker.io/library/nginx:latest', 'docker.io/library/nginx:1.27', 'docker.io/library/nginx:stable', 'docker.io/library/nginx:alpine'],
    config: {
      Env: [PATH_ENV, 'NGINX_VERSION=1.27.0'],
      Entrypoint: ['/docker-entrypoint.sh'],
      Cmd: ['nginx', '-g', 'daemon off;'],
      ExposedPorts: { '80/tcp': {} },
      StopSignal: 'SIGQUIT',
    },
    extraFiles: [
      { path: 'docker-entrypoint.sh', mode: 0o755, text: ENTRYPOINT_SCRIPT },
      { path: 'usr/sbin/nginx', mode: 0o755, text: NGINX_SCRIPT },
      { path: 'usr/share/nginx/html/index.html', mode: 0o644, text: NGINX_INDEX },
      { path: 'usr/share/nginx/html/50x.html', mode: 0o644, text: NGINX_50X },
    ],
  },
  {
    file: 'alpine.tar',
    names: ['docker.io/library/alpine:latest', 'docker.io/library/alpine:3.20', 'docker.io/library/alpine:3.21'],
    config: { Env: [PATH_ENV], Cmd: ['/bin/sh'] },
  },
];

/** Busybox's applet install paths (`busybox --list-full`: `bin/sh`, `usr/bin/wget`, ...). */
export function busyboxApplets(busyboxPath: string): string[] {
  return execFileSync(busyboxPath, ['--list-full'], { encoding: 'utf8' })
    .split('\n')
    .map((s) => s.trim().replace(/^\/+/, ''))
    .filter(Boolean);
}

/** Adds `path`'s parent directories (not yet in `dirs`) to `entries`. */
function addParents(path: string, dirs: Set<string>, entries: TarEntry[]): void {
  const parts = path.split('/');
  for (let i = 1; i < parts.length; i++) {
    const dir = parts.slice(0, i).join('/');
    if (!dirs.has(dir)) {
      dirs.add(dir);
      entries.push({ path: dir, type: TarEntryType.Directory, mode: 0o755 });
    }
  }
}

function sortEntries(entries: TarEntry[]): TarEntry[] {
  // Plain byte order puts every directory before its contents (a prefix sorts first).
  return entries.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/**
 * The base layer: /bin/busybox, a symlink to it for every applet, the usual top-level
 * directories, and /etc/passwd + /etc/group.
 */
export function busyboxRootfsLayer(busybox: Uint8Array, applets: readonly string[]): Buffer {
  const entries: TarEntry[] = [];
  const dirs = new Set<string>();
  const special: Record<string, number> = { tmp: 0o1777, root: 0o700 };
  for (const d of ['bin', 'dev', 'etc', 'home', 'proc', 'root', 'sbin', 'sys', 'tmp', 'usr', 'usr/bin', 'usr/sbin', 'var', 'var/www']) {
    dirs.add(d);
    entries.push({ path: d, type: TarEntryType.Directory, mode: special[d] ?? 0o755 });
  }
  entries.push({ path: 'bin/busybox', type: TarEntryType.File, mode: 0o755, data: busybox });
  entries.push({ path: 'etc/passwd', type: TarEntryType.File, mode: 0o644, data: Buffer.from(ETC_PASSWD) });
  entries.push({ path: 'etc/group', type: TarEntryType.File, mode: 0o644, data: Buffer.from(ETC_GROUP) });
  const taken = new Set(entries.map((e) => e.path));
  for (const applet of [...new Set(applets)].sort()) {
    if (taken.has(applet) || applet.includes('..')) continue;
    addParents(applet, dirs, entries);
    entries.push({ path: applet, type: TarEntryType.Symlink, mode: 0o777, linkTarget: '/bin/busybox' });
    taken.add(applet);
  }
  return writeTar(sortEntries(entries), FIXED_MTIME);
}

function extraLayer(files: readonly ExtraFile[]): Buffer {
  const entries: TarEntry[] = [];
  const dirs = new Set<string>();
  for (const f of files) {
    addParents(f.path, dirs, entries);
    entries.push({ path: f.path, type: TarEntryType.File, mode: f.mode, data: Buffer.from(f.text) });
  }
  return writeTar(sortEntries(entries), FIXED_MTIME);
}

export interface OfflineImageArchive {
  file: string;
  names: string[];
  archive: Buffer;
}

/** Builds every offline image archive in memory (deterministic for the same inputs). */
export function buildOfflineImages(busybox: Uint8Array, applets: readonly string[], architecture?: string): OfflineImageArchive[] {
  const base = prepareLayer(busyboxRootfsLayer(busybox, applets));
  return OFFLINE_IMAGE_RECIPES.map((r) => ({
    file: r.file,
    names: [...r.names],
    archive: buildOciArchive({
      names: r.names,
      layers: r.extraFiles ? [base, prepareLayer(extraLayer(r.extraFiles))] : [base],
      config: r.config,
      architecture,
    }),
  }));
}

export interface EnsureOfflineImagesOptions {
  /** The static busybox binary (default /bin/busybox, Debian busybox-static). */
  busyboxPath?: string;
}

export interface EnsureOfflineImagesResult {
  /** False when the directory already held archives built from the same inputs. */
  built: boolean;
  /** Absolute paths of the archives. */
  files: string[];
}

const STAMP = '.k8ts-offline-images.json';

/** The cache key: changes whenever busybox, its applets or any recipe changes. */
export function offlineImagesKey(busybox: Uint8Array, applets: readonly string[]): string {
  const h = createHash('sha256');
  h.update(JSON.stringify({ RECIPE_VERSION, recipes: OFFLINE_IMAGE_RECIPES, applets: [...applets].sort(), arch: process.arch }));
  h.update(busybox);
  return h.digest('hex');
}

/**
 * Writes the offline image archives into `dir` unless a previous call left archives built
 * from the same inputs there (a stamp file records the key). Each archive is written to a
 * temporary name and renamed, so a reader never sees half a file. Not safe for concurrent
 * callers on the same directory beyond that (both may build; the results are identical).
 */
export function ensureOfflineImages(dir: string, opts: EnsureOfflineImagesOptions = {}): EnsureOfflineImagesResult {
  const busyboxPath = opts.busyboxPath ?? '/bin/busybox';
  if (!existsSync(busyboxPath)) {
    throw new Error(`${busyboxPath} not found: the offline images need a static busybox (Debian package busybox-static)`);
  }
  const busybox = readFileSync(busyboxPath);
  const applets = busyboxApplets(busyboxPath);
  const key = offlineImagesKey(busybox, applets);
  const files = OFFLINE_IMAGE_RECIPES.map((r) => join(dir, r.file));
  try {
    const stamp = JSON.parse(readFileSync(join(dir, STAMP), 'utf8')) as { key?: string };
    if (stamp.key === key && files.every((f) => existsSync(f))) return { built: false, files };
  } catch {
    // no stamp yet (or unreadable): build
  }
  mkdirSync(dir, { recursive: true });
  for (const img of buildOfflineImages(busybox, applets)) {
    const path = join(dir, img.file);
    const tmp = `${path}.tmp-${process.pid}`;
    writeFileSync(tmp, img.archive);
    renameSync(tmp, path);
  }
  writeFileSync(join(dir, STAMP), JSON.stringify({ key, files: OFFLINE_IMAGE_RECIPES.map((r) => ({ file: r.file, names: r.names })) }, null, 2) + '\n');
  return { built: true, files };
}
