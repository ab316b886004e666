import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { gunzipSync } from 'node:zlib';
import {
  buildOfflineImages,
  busyboxRootfsLayer,
  ensureOfflineImages,
  OFFLINE_IMAGE_RECIPES,
  offlineImagesKey,
  SANDBOX_IMAGE,
} from './offline-images.js';
import { readTar, TarEntryType } from './tar.js';

const fakeBusybox = Buffer.from('\x7fELF not really busybox');
const applets = ['bin/sh', 'bin/sleep', 'usr/bin/wget', 'usr/sbin/httpd', 'sbin/ip', 'usr/bin/env', 'bin/busybox', 'linuxrc'];

interface Unpacked {
  index: { manifests: { digest: string; annotations: Record<string, string> }[] };
  config: { config: Record<string, unknown>; rootfs: { diff_ids: string[] } };
  layers: ReturnType<typeof readTar>[];
}

function unpack(archive: Buffer): Unpacked {
  const files = new Map(readTar(archive).map((e) => [e.path, e.data]));
  const blob = (d: string) => Buffer.from(files.get(`blobs/sha256/${d.slice(7)}`)!);
  const index = JSON.parse(Buffer.from(files.get('index.json')!).toString());
  const manifest = JSON.parse(blob(index.manifests[0].digest).toString());
  const config = JSON.parse(blob(manifest.config.digest).toString());
  const layers = manifest.layers.map((l: { digest: string }) => readTar(gunzipSync(blob(l.digest))));
  return { index, config, layers };
}

describe('offline images', () => {
  it('builds a busybox rootfs: the binary, one symlink per applet, base dirs, passwd', () => {
    const entries = readTar(busyboxRootfsLayer(fakeBusybox, applets));
    const byPath = new Map(entries.map((e) => [e.path, e]));
    assert.deepEqual(Buffer.from(byPath.get('bin/busybox')!.data!), fakeBusybox);
    assert.equal(byPath.get('bin/busybox')!.mode, 0o755);
    for (const a of ['bin/sh', 'bin/sleep', 'usr/bin/wget', 'usr/sbin/httpd', 'sbin/ip', 'linuxrc']) {
      assert.equal(byPath.get(a)?.type, TarEntryType.Symlink, a);
      assert.equal(byPath.get(a)?.linkTarget, '/bin/busybox', a);
    }
    assert.equal(byPath.get('tmp')!.mode, 0o1777);
    assert.match(Buffer.from(byPath.get('etc/passwd')!.data!).toString(), /^root:x:0:0:/);
    // Every entry's parent directory comes before it.
    const seen = new Set<string>();
    for (const e of entries) {
      const parent = e.path.includes('/') ? e.path.slice(0, e.path.lastIndexOf('/')) : '';
      if (parent) assert.ok(seen.has(parent), `${parent} before ${e.path}`);
      seen.add(e.path);
    }
    assert.equal(entries.filter((e) => e.path === 'bin/busybox').length, 1, 'the applet list naming bin/busybox adds no link over it');
  });

  it('names the images like upstream and gives the sandbox image a command that never exits', () => {
    const built = new Map(buildOfflineImages(fakeBusybox, applets, 'amd64').map((i) => [i.file, unpack(i.archive)]));
    const names = (file: string) => built.get(file)!.index.manifests.map((m) => m.annotations['io.containerd.image.name']);
    assert.deepEqual(names('busybox.tar'), ['docker.io/library/busybox:latest', 'docker.io/library/busybox:1.36', 'docker.io/library/busybox:stable']);
    assert.deepEqual(names('pause.tar'), [SANDBOX_IMAGE]);
    assert.equal(SANDBOX_IMAGE, 'registry.k8s.io/pause:3.10');
    assert.ok(names('nginx.tar').includes('docker.io/library/nginx:1.27'));
    assert.ok(names('nginx.tar').includes('docker.io/library/nginx:latest'));

    assert.deepEqual(built.get('pause.tar')!.config.config.Entrypoint, ['/bin/sleep', 'infinity']);
    assert.deepEqual(built.get('busybox.tar')!.config.config.Cmd, ['sh']);

    const nginx = built.get('nginx.tar')!;
    assert.deepEqual(nginx.config.config.Entrypoint, ['/docker-entrypoint.sh']);
    assert.deepEqual(nginx.config.config.Cmd, ['nginx', '-g', 'daemon off;']);
    assert.deepEqual(nginx.config.config.ExposedPorts, { '80/tcp': {} });
    assert.equal(nginx.layers.length, 2);
    const top = new Map(nginx.layers[1]!.map((e) => [e.path, e]));
    assert.match(Buffer.from(top.get('usr/share/nginx/html/index.html')!.data!).toString(), /Welcome to nginx!/);
    const script = Buffer.from(top.get('usr/sbin/nginx')!.data!).toString();
    assert.match(script, /httpd -f -v -p 80 -h \/usr\/share\/nginx\/html/);
    assert.equal(top.get('usr/sbin/nginx')!.mode, 0o755);
    // The base layer is shared: same diff_id in every image.
    const baseIds = new Set([...built.values()].map((u) => u.config.rootfs.diff_ids[0]));
    assert.equal(baseIds.size, 1);
  });

  it('is deterministic for the same inputs', () => {
    const a = buildOfflineImages(fakeBusybox, applets, 'amd64');
    const b = buildOfflineImages(fakeBusybox, [...applets].reverse(), 'amd64');
    assert.deepEqual(a.map((i) => i.archive), b.map((i) => i.archive));
    const c = buildOfflineImages(Buffer.from('another busybox'), applets, 'amd64');
    assert.notDeepEqual(c[0]!.archive, a[0]!.archive);
  });

  it('keys the cache on busybox, applets and recipes', () => {
    const k = offlineImagesKey(fakeBusybox, applets);
    assert.equal(offlineImagesKey(fakeBusybox, [...applets].reverse()), k);
    assert.notEqual(offlineImagesKey(Buffer.from('x'), applets), k);
    assert.notEqual(offlineImagesKey(fakeBusybox, applets.slice(1)), k);
  });

  it('writes the archives once and rebuilds only when the stamp does not match', { skip: !existsSync('/bin/busybox') && 'needs /bin/busybox' }, () => {
    const dir = mkdtempSync(join(tmpdir(), 'k8ts-offline-'));
    try {
      const first = ensureOfflineImages(dir);
      assert.equal(first.built, true);
      assert.deepEqual(first.files, OFFLINE_IMAGE_RECIPES.map((r) => join(dir, r.file)));
      const mtimes = first.files.map((f) => statSync(f).mtimeMs);
      const bytes = readFileSync(first.files[0]!);
      assert.equal(ensureOfflineImages(dir).built, false);
      assert.deepEqual(first.files.map((f) => statSync(f).mtimeMs), mtimes);
      writeFileSync(join(dir, '.k8ts-offline-images.json'), '{"key":"stale"}');
      assert.equal(ensureOfflineImages(dir).built, true);
      assert.deepEqual(readFileSync(first.files[0]!), bytes, 'rebuilt bytes are identical');
      rmSync(first.files[1]!);
      assert.equal(ensureOfflineImages(dir).built, true, 'a missing archive is rebuilt');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('explains a missing busybox', () => {
    assert.throws(() => ensureOfflineImages('/nonexistent-k8ts', { busyboxPath: '/nonexistent/busybox' }), /busybox-static/);
  });
});
